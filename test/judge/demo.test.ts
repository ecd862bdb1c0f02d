import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, repo } from '../helpers/cli.js';

/**
 * The demo's judge-scored mode: with no key, `tracegate eval` starts the demo's offline judge server
 * (judge.offline in tracegate.config.json), and the faithfulness judge blocks on the strength of the
 * calibration record committed in calibrations/ (which this also checks is current for the template).
 */
describe('the demo with its offline judge (no key)', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(path.join(tmpdir(), 'tracegate-demo-judge-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('passes on the good build with the calibrated faithfulness judge blocking', async () => {
    const run = await cli(['eval', '--out', out], undefined, { OPENAI_API_KEY: undefined });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Judges: \d+ calls? · \d+ cache hits? · [\d,]+ tokens · \$0\n/);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.judges.faithfulness).toMatchObject({
      mode: 'blocking',
      model: 'tracegate-demo-judge-1',
      calibration: expect.stringMatching(/^calibrations\/faithfulness--[0-9a-f]{16}\.json$/),
    });
    expect(results.usage.judge.calls + results.usage.judge.cached).toBe(3);
    expect(results.usage.judge.cost_usd).toBe(0);
    expect(results.failure_modes.hallucination.scorers.faithfulness).toMatchObject({
      mode: 'blocking',
      scored: 3,
    });
  });

  it('fails the regressed build, with the judge reasoning claim by claim in the reasons', async () => {
    const run = await cli(
      ['eval', '--out', out, '--task', 'module:./examples/support-assistant/build-regressed.js#answer'],
      undefined,
      { OPENAI_API_KEY: undefined },
    );
    expect(run.code).toBe(1);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    const hallucination = results.cases.filter(
      (c: { failure_mode: string }) => c.failure_mode === 'hallucination',
    );
    expect(hallucination).toHaveLength(3);
    for (const c of hallucination) {
      expect(c.scores.faithfulness).toBe(0);
      expect(c.reasons.join('\n')).toMatch(
        /faithfulness 0\.00: unsupported: “Plans start at \$9 per month\.”/,
      );
    }
  });
});

describe('docs/judges.md worked example', () => {
  it('is what `tracegate calibrate` prints for the demo (the committed record is current)', async () => {
    const docs = readFileSync(path.join(repo, 'docs/judges.md'), 'utf8');
    const block = /```\n\$ tracegate calibrate (.*)\n([\s\S]*?)```/.exec(docs)!;
    const args = block[1].split(' ');
    const run = await cli(['calibrate', ...args, '--dry-run'], undefined, { OPENAI_API_KEY: undefined });
    expect(run.code).toBe(0);
    const expected = block[2].trimEnd().split('\n');
    const record = expected.pop()!;
    expect(run.stdout).toBe(expected.join('\n') + '\nno record written\n');
    // The record the docs name is the one committed for the current template.
    expect(readFileSync(path.join(repo, record.replace('record: ', '')), 'utf8')).toContain(
      '"scorer": "faithfulness"',
    );
  });
});
