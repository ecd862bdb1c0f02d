/**
 * Issue 8, item 7: merging incomplete shards. `tracegate merge` checks one results file per shard 1..N of
 * one run (same commit and datasets), fails naming the missing shard, and rejects duplicates.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli } from '../helpers/cli.js';
import { ECHO_EXPECTED_APP, evalIn, jsonl, makeTempProject, row } from './gate-helpers.js';

describe('tracegate merge of shards', () => {
  const p = makeTempProject({
    'tracegate.config.json': {
      task: 'module:./app.mjs#run',
      failure_modes: { x: { scorers: ['exact-match'] } },
    },
    'app.mjs': ECHO_EXPECTED_APP,
    'datasets/a.jsonl': jsonl(Array.from({ length: 12 }, (_, i) => row(`c${i}`, 'x', { expected: `e${i}` }))),
  });
  const env = { GITHUB_SHA: '1111111111111111111111111111111111111111' };
  beforeAll(async () => {
    for (const k of [1, 2, 3])
      expect((await evalIn(p.dir, ['--shard', `${k}/3`, '--out', `s${k}`], env)).code).toBe(0);
  });
  afterAll(() => p.cleanup());
  const merge = (...args: string[]) => cli(['merge', ...args], p.dir);

  it('merges a complete set: 12 cases, exit 0, the commit kept', async () => {
    const run = await merge('s1/results.json', 's2/results.json', 's3/results.json', '--out', 'merged');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('merged 3 shard(s), 12 cases');
    const merged = JSON.parse(readFileSync(path.join(p.dir, 'merged/results.json'), 'utf8'));
    expect(merged).toMatchObject({ passed: true, shard: null, commit: env.GITHUB_SHA });
    expect(merged.failure_modes.x).toMatchObject({ cases: 12, passed: 12, verdict: 'pass' });
  });

  it('a missing shard exits 2 naming it, and writes nothing', async () => {
    const run = await merge('s1/results.json', 's3/results.json', '--out', 'm-missing');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Cannot merge 2 results file(s): they are not one complete sharded run.');
    expect(run.stderr).toContain('shard 2/3 is missing: its job failed or uploaded no results.json');
    expect(existsSync(path.join(p.dir, 'm-missing'))).toBe(false);
  });

  it('the same shard twice exits 2 naming both files', async () => {
    cpSync(path.join(p.dir, 's2'), path.join(p.dir, 's2-again'), { recursive: true });
    const run = await merge('s1/results.json', 's2/results.json', 's2-again/results.json', 's3/results.json');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('shard 2/3 appears 2 times: s2-again/results.json, s2/results.json');
  });

  it('a shard of another commit exits 2 naming the commits', async () => {
    const other = JSON.parse(readFileSync(path.join(p.dir, 's3/results.json'), 'utf8'));
    other.commit = '2222222222222222222222222222222222222222';
    writeFileSync(path.join(p.dir, 's3-other.json'), JSON.stringify(other));
    const run = await merge('s1/results.json', 's2/results.json', 's3-other.json');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `the shards tested different commits: s1/results.json (${env.GITHUB_SHA}), s2/results.json (${env.GITHUB_SHA}), s3-other.json (2222222222222222222222222222222222222222)`,
    );
  });
});
