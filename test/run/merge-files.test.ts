import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../../src/errors.js';
import os from 'node:os';
import path from 'node:path';
import { mergeResultFiles } from '../../src/output/merge-files.js';
import { COMPARABLE_BASELINE, makeCase, makeResults } from '../report/fixtures.js';

function workspace(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tracegate-merge-'));
  for (const [file, value] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), typeof value === 'string' ? value : JSON.stringify(value));
  }
  return dir;
}

const shard1 = makeResults({
  cases: [
    makeCase({ id: 'a', failure_mode: 'hallucination', passed: false, vs_baseline: 'regressed' }),
    makeCase({ id: 'b', failure_mode: 'hallucination' }),
  ],
  modes: { hallucination: { baseline_pass_rate: 1 } },
  baseline: COMPARABLE_BASELINE,
  shard: '1/2',
});
const shard2 = makeResults({
  cases: [
    makeCase({ id: 'c', failure_mode: 'hallucination' }),
    makeCase({ id: 'd', failure_mode: 'format-violation' }),
  ],
  modes: { hallucination: { baseline_pass_rate: 1 }, 'format-violation': { baseline_pass_rate: 1 } },
  baseline: COMPARABLE_BASELINE,
  shard: '2/2',
});

describe('mergeResultFiles (the merge job)', () => {
  test('merges the shards found by a glob and writes results.json, report.md, junit.xml', async () => {
    const cwd = workspace({
      'shards/tracegate-1/results.json': shard1,
      'shards/tracegate-2/results.json': shard2,
    });
    const { results, paths } = await mergeResultFiles(['shards/*/results.json'], {
      cwd,
      out: 'merged',
      failOn: 'both',
    });
    expect(results.cases.map((c) => c.id).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(results.failure_modes.hallucination).toMatchObject({
      cases: 3,
      passed: 2,
      regressions: 1,
      verdict: 'fail',
    });
    expect(results.passed).toBe(false);
    expect(JSON.parse(readFileSync(paths.results, 'utf8')).cases).toHaveLength(4);
    expect(readFileSync(paths.report, 'utf8')).toContain('1 of 2 failure modes failing: `hallucination`');
    expect(readFileSync(paths.junit, 'utf8')).toContain('<testsuite');
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a missing shard',
      { 's/1.json': shard1 },
      /shard 2\/2 is missing: its job failed or uploaded no results\.json/,
    ],
    [
      'a shard given twice',
      { 's/1.json': shard1, 's/1-again.json': shard1, 's/2.json': shard2 },
      /shard 1\/2 appears 2 times: s\/1-again\.json, s\/1\.json/,
    ],
    [
      'shards of another commit',
      { 's/1.json': shard1, 's/2.json': { ...shard2, commit: 'beef' } },
      /the shards tested different commits: s\/1\.json \(c0ffee0+\), s\/2\.json \(beef\)/,
    ],
    [
      'shards of other datasets',
      {
        's/1.json': shard1,
        's/2.json': { ...shard2, fingerprint: { ...shard2.fingerprint, datasets: 'sha256:0' } },
      },
      /the shards read different datasets/,
    ],
    [
      'shards of runs with different shard counts',
      { 's/1.json': shard1, 's/2.json': { ...shard2, shard: '2/3' } },
      /different shard counts/,
    ],
    [
      'a full run mixed with shards',
      { 's/1.json': shard1, 's/full.json': { ...shard2, shard: null } },
      /s\/full\.json is not a shard's results/,
    ],
  ])('rejects %s, naming it', async (_name, files, message) => {
    const cwd = workspace(files);
    const merging = mergeResultFiles(['s/*.json'], { cwd, out: 'o' });
    await expect(merging).rejects.toThrow(UsageError);
    await expect(merging).rejects.toThrow(message);
    expect(existsSync(path.join(cwd, 'o'))).toBe(false);
  });

  test('a single full run is re-rendered as it is (the fork recipe)', async () => {
    const full = makeResults({
      cases: [makeCase({ id: 'a', failure_mode: 'hallucination' })],
      modes: { hallucination: {} },
    });
    const cwd = workspace({ 'r.json': full });
    const { results } = await mergeResultFiles(['r.json'], { cwd, out: 'o' });
    expect(results.passed).toBe(true);
    expect(results.failure_modes.hallucination).toMatchObject({ cases: 1, passed: 1, verdict: 'pass' });
  });

  test('no match is an input error quoting the globs', async () => {
    const cwd = workspace({});
    await expect(
      mergeResultFiles(['shards/*/results.json'], { cwd, out: 'o', failOn: 'both' }),
    ).rejects.toThrow("Invalid merge 'shards/*/results.json': no results files match.");
  });

  test('a tampered results.json (e.g. from a fork artifact) is rejected, naming the bad fields', async () => {
    const tampered = {
      ...shard1,
      failure_modes: { hallucination: { ...shard1.failure_modes.hallucination, passed: '@here <img>' } },
    };
    const cwd = workspace({ 'r.json': tampered, 'bad.json': '{oops' });
    await expect(mergeResultFiles(['r.json'], { cwd, out: 'o', failOn: 'both' })).rejects.toThrow(
      /r\.json is not a valid tracegate results\.json \(version 1\): failure_modes\.hallucination\.passed: /,
    );
    await expect(mergeResultFiles(['bad.json'], { cwd, out: 'o', failOn: 'both' })).rejects.toThrow(
      /Cannot read results file .*bad\.json/,
    );
  });
});
