import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { evaluate } from '../../src/evaluate.js';
import { startOpenAIServer, type OpenAIServer } from '../servers/openai-server.js';
import { jsonl, makeTempProject, row } from '../helpers/temp-project.js';
import { cli } from '../helpers/cli.js';
import { judgeBy } from './helpers.js';

const KEY = 'sk-test-calibration-000000';
const KB = [{ id: 'kb-1', text: 'Refunds are available within 30 days of purchase for annual plans.' }];

/** A labelled example: the judge server fails answers that mention a price ("$"). */
function labelled(id: string, label: 'pass' | 'fail', mentionsPrice: boolean) {
  return {
    id,
    input: { question: `Refund question ${id}?` },
    output: mentionsPrice
      ? `Refunds within 30 days; plans cost $9 (${id}).`
      : `Refunds within 30 days (${id}).`,
    context: { retrieved: KB },
    metadata: { failure_mode: 'hallucination' },
    label,
    reviewer: 'ana@example.com',
  };
}

describe('tracegate calibrate', () => {
  let server: OpenAIServer;
  beforeAll(async () => {
    server = await startOpenAIServer({
      reply: judgeBy((prompt) => {
        const answer = /\[Answer\]: (.*)/.exec(prompt)![1];
        const bad = answer.includes('$');
        return {
          reasoning: bad ? 'the price is not in the context' : 'supported',
          claims: [],
          choice: bad ? 'B' : 'A',
        };
      }),
    });
  });
  afterAll(() => server.close());

  function project(labels: object[], judge: Record<string, unknown> = {}) {
    return makeTempProject({
      'tracegate.config.json': {
        task: 'replay',
        judge: { model: 'gpt-4.1-mini-2025-04-14', base_url: server.url, ...judge },
        failure_modes: { hallucination: { threshold: 1, scorers: ['citation-format', 'faithfulness'] } },
      },
      'labels/faithfulness.jsonl': jsonl(labels),
      'datasets/h.jsonl': jsonl([
        row('h1', 'hallucination', { output: 'Refunds within 30 days [kb-1].', context: { retrieved: KB } }),
      ]),
    });
  }

  it('reports agreement, kappa, TPR/TNR with Wilson intervals, the confusion matrix and the misjudged examples', async () => {
    // 10 labelled pass (2 of them mention a price: the judge fails them), 10 labelled fail (1 without a
    // price: the judge passes it). By hand: TP 8, FN 2, TN 9, FP 1; agreement 17/20 = 0.85, chance
    // agreement (9·10 + 11·10)/400 = 0.5, κ = 0.7; TPR 8/10 → [0.4902, 0.9433]; TNR 9/10 → [0.5958, 0.9821];
    // agreement 17/20 → [0.6396, 0.9476]; suggested threshold ⌊0.6396·20⌋/20 = 0.60.
    const labels = [
      ...Array.from({ length: 10 }, (_, i) => labelled(`p${i}`, 'pass', i < 2)),
      ...Array.from({ length: 10 }, (_, i) => labelled(`f${i}`, 'fail', i > 0)),
    ];
    const p = project(labels);
    const run = await cli(
      ['calibrate', '--scorer', 'faithfulness', '--labels', 'labels/faithfulness.jsonl'],
      p.dir,
      {
        OPENAI_API_KEY: KEY,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1); // judged, but the TPR lower bound 0.49 is below 0.8: stays shadow
    expect(run.stdout).toMatch(/agreement {2}0\.85 \[0\.64, 0\.95\] \(17\/20\) {4}Cohen's kappa 0\.70/);
    expect(run.stdout).toMatch(/TPR {8}0\.80 \[0\.49, 0\.94\] \(8\/10\)/);
    expect(run.stdout).toMatch(/TNR {8}0\.90 \[0\.60, 0\.98\] \(9\/10\)/);
    expect(run.stdout).toMatch(/judge pass +8 +1\n +judge fail +2 +9\n/);
    expect(run.stdout).toMatch(/suggested threshold {3}0\.60/);
    expect(run.stdout).toMatch(/line 1 p0: person pass, judge fail — the price is not in the context/);
    expect(run.stdout).toMatch(/→ stays shadow: TPR lower bound 0\.49 < 0\.8/);
    const files = readdirSync(path.join(p.dir, 'calibrations'));
    expect(files).toHaveLength(1);
    const record = JSON.parse(readFileSync(path.join(p.dir, 'calibrations', files[0]), 'utf8'));
    expect(record).toMatchObject({
      version: 1,
      scorer: 'faithfulness',
      scorer_id: 'faithfulness',
      judge_model: 'gpt-4.1-mini-2025-04-14',
      min_score: 1,
      labels: {
        file: 'labels/faithfulness.jsonl',
        examples: 20,
        pass: 10,
        fail: 10,
        reviewers: ['ana@example.com'],
      },
      figures: { examples: 20, confusion: { tp: 8, fp: 1, fn: 2, tn: 9 }, suggested_threshold: 0.6 },
    });
    expect(record.prompt_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(record.labels.sha256).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(record.figures.kappa).toBeCloseTo(0.7, 10);
    expect(record.figures.tpr.lower).toBeCloseTo(0.4902, 4);
    expect(record.figures.tpr.upper).toBeCloseTo(0.9433, 4);
    expect(record.figures.tnr.lower).toBeCloseTo(0.5958, 4);
    expect(record.figures.tnr.upper).toBeCloseTo(0.9821, 4);
    expect(record.figures.agreement.lower).toBeCloseTo(0.6396, 4);
    expect(record.figures.agreement.upper).toBeCloseTo(0.9476, 4);
    // The weak record does not let the judge block.
    const outcome = await evaluate({ cwd: p.dir, judge: { apiKey: KEY } });
    expect(outcome.results.judges?.faithfulness).toMatchObject({ mode: 'shadow', declared_mode: 'blocking' });
    expect(outcome.results.judges?.faithfulness.shadow_reason).toMatch(
      /^calibration too weak: TPR lower bound 0\.49 < 0\.8/,
    );
    p.cleanup();
  });

  it('promotes a judge from shadow to blocking only with a record for its exact version', async () => {
    const labels = [
      ...Array.from({ length: 20 }, (_, i) => labelled(`p${i}`, 'pass', false)),
      ...Array.from({ length: 20 }, (_, i) => labelled(`f${i}`, 'fail', true)),
    ];
    const p = project(labels);
    const before = await evaluate({ cwd: p.dir, judge: { apiKey: KEY } });
    expect(before.results.judges?.faithfulness).toMatchObject({
      mode: 'shadow',
      declared_mode: 'blocking',
      shadow_reason:
        'not calibrated: no record in calibrations/; run `tracegate calibrate --scorer faithfulness --labels FILE`',
    });
    expect(readFileSync(before.paths.report, 'utf8')).toMatch(
      /shadow faithfulness \(not calibrated: no record/,
    );

    const run = await cli(
      ['calibrate', '--scorer', 'faithfulness', '--labels', 'labels/faithfulness.jsonl'],
      p.dir,
      {
        OPENAI_API_KEY: KEY,
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/TPR {8}1\.00 \[0\.84, 1\.00\] \(20\/20\)/);
    expect(run.stdout).toMatch(/→ may block/);
    const file = /record: (.*)/.exec(run.stdout)![1];

    const after = await evaluate({ cwd: p.dir, judge: { apiKey: KEY } });
    expect(after.results.judges?.faithfulness).toMatchObject({ mode: 'blocking', calibration: file });
    expect(after.results.failure_modes.hallucination.scorers.faithfulness.mode).toBe('blocking');

    // A parameter change is a new version: the record no longer vouches for it, and the baseline is not comparable.
    const config = JSON.parse(readFileSync(path.join(p.dir, 'tracegate.config.json'), 'utf8'));
    config.judge.temperature = 0.5;
    writeFileSync(path.join(p.dir, 'tracegate.config.json'), JSON.stringify(config));
    const changed = await evaluate({ cwd: p.dir, judge: { apiKey: KEY }, baseline: after.paths.results });
    expect(changed.results.judges?.faithfulness.mode).toBe('shadow');
    expect(changed.results.judges?.faithfulness.shadow_reason).toMatch(/^not calibrated for this version/);
    expect(changed.results.baseline?.comparable).toBe(false);
    expect(changed.results.baseline?.notes.join(' ')).toMatch(/scorer faithfulness changed version/);
    p.cleanup();
  });

  it('rejects a bad labels file naming file:line, and needs a key', async () => {
    const p = project([labelled('a', 'pass', false)]);
    writeFileSync(
      path.join(p.dir, 'labels/bad.jsonl'),
      jsonl([labelled('a', 'pass', false)]) + '{"id": "b", "output": "x", "label": "maybe"}\n{oops\n',
    );
    const bad = await cli(['calibrate', '--scorer', 'faithfulness', '--labels', 'labels/bad.jsonl'], p.dir, {
      OPENAI_API_KEY: KEY,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/labels\/bad\.jsonl:2: "label" must be "pass" or "fail", got "maybe"/);
    expect(bad.stderr).toMatch(/labels\/bad\.jsonl:3: not JSON/);
    const noKey = await cli(
      ['calibrate', '--scorer', 'faithfulness', '--labels', 'labels/faithfulness.jsonl'],
      p.dir,
      {
        OPENAI_API_KEY: undefined,
      },
    );
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/Cannot calibrate faithfulness: judge skipped: no judge API key/);
    const notJudge = await cli(
      ['calibrate', '--scorer', 'citation-format', '--labels', 'labels/faithfulness.jsonl'],
      p.dir,
      {
        OPENAI_API_KEY: KEY,
      },
    );
    expect(notJudge.code).toBe(2);
    expect(notJudge.stderr).toMatch(/"citation-format" is not a judge scorer/);
    p.cleanup();
  });
});
