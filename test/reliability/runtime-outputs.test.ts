/**
 * Outputs under a hostile environment: a previous run's passing files never survive a failed run; a
 * read-only, missing or full output directory is exit 2 naming the path and the fix (never a stack trace,
 * never a 0-byte temporary file); a dataset is byte-identical after a write that failed. Real file systems:
 * a tmpfs mounted full or read-only where the test may mount one (root in the dev container).
 */
import path from 'node:path';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { makeTempProject } from '../helpers/temp-project.js';
import { cli } from '../helpers/cli.js';
import { caseRow, leftovers, mountTmpfs, plantPassingOutputs, readResults, repo } from './runtime-helpers.js';

const CONFIG = { task: 'replay', failure_modes: { 'format-violation': { scorers: ['json-parse'] } } };

/** `n` replayed rows whose recorded output is valid JSON (the gate passes) or not (`failing`). */
function rows(n: number, failing = false): string {
  return (
    Array.from({ length: n }, (_, i) =>
      caseRow(`c${i + 1}`, `question ${i + 1} ${'x'.repeat(200)}`, {
        output: failing ? `not json ${i}` : '{}',
      }),
    ).join('\n') + '\n'
  );
}

describe('no stale file reads as current', () => {
  it('a run that fails on a bad dataset (exit 2) removes the previous passing results.json and report.md', async () => {
    const p = makeTempProject({
      'tracegate.config.json': CONFIG,
      'datasets/cases.jsonl': '{"id": "broken",\n',
    });
    try {
      const out = path.join(p.dir, '.tracegate');
      plantPassingOutputs(out);
      const run = await cli(['eval', '--quiet'], p.dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/datasets\/cases\.jsonl:1: invalid JSON/);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      p.cleanup();
    }
  });

  it('the previous results.json can still be the baseline of the next run in the same directory', async () => {
    const p = makeTempProject({ 'tracegate.config.json': CONFIG, 'datasets/cases.jsonl': rows(3) });
    try {
      expect((await cli(['eval', '--quiet'], p.dir)).code).toBe(0);
      const run = await cli(['eval', '--quiet', '--baseline', '.tracegate/results.json'], p.dir);
      expect(run.code).toBe(0);
      const results = readResults(path.join(p.dir, '.tracegate'));
      expect(results.baseline.comparable).toBe(true);
      expect(results.cases.map((c: any) => c.vs_baseline)).toEqual(['passing', 'passing', 'passing']);
    } finally {
      p.cleanup();
    }
  });
});

describe('an output directory that cannot be written', () => {
  it('read-only: exit 2 naming the directory and the fix, and nothing else changed', async () => {
    const ro = mountTmpfs('size=1m,ro', 'read-only output directory');
    if (!ro) return;
    const p = makeTempProject({ 'tracegate.config.json': CONFIG, 'datasets/cases.jsonl': rows(3) });
    try {
      const dataset = readFileSync(path.join(p.dir, 'datasets/cases.jsonl'));
      const run = await cli(['eval', '--quiet', '--out', ro.dir], p.dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`Cannot create ${ro.dir}/results.json.`);
      expect(run.stderr).toMatch(
        /EROFS\n\s+the file system is read-only: pass --out to a writable directory/,
      );
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(readFileSync(path.join(p.dir, 'datasets/cases.jsonl'))).toEqual(dataset);
    } finally {
      p.cleanup();
      ro.unmount();
    }
  });

  it('a path through a file: exit 2 naming it', async () => {
    const p = makeTempProject({
      'tracegate.config.json': CONFIG,
      'datasets/cases.jsonl': rows(2),
      'a-file': 'x',
    });
    try {
      const run = await cli(['eval', '--quiet', '--out', 'a-file/out'], p.dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `Cannot use the output directory ${path.join(p.dir, 'a-file/out')}: ENOTDIR`,
      );
      expect(run.stderr).toContain(
        'a part of the path is a file, not a directory: pass --out to a directory',
      );
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      p.cleanup();
    }
  });

  it('a full disk mid-run: exit 2 with the path and the fix, no temporary file left, the report kept', async () => {
    const full = mountTmpfs('size=64k', 'full disk');
    if (!full) return;
    const p = makeTempProject({ 'tracegate.config.json': CONFIG, 'datasets/cases.jsonl': rows(400, true) });
    try {
      plantPassingOutputs(full.dir);
      const run = await cli(['eval', '--quiet', '--out', full.dir], p.dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /Cannot write .*results\.json.*: ENOSPC\n\s+the disk is full: free some space/,
      );
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(leftovers(full.dir)).toEqual([]);
      // The old passing results are gone; what fitted (the report) says the run did not finish.
      expect(existsSync(path.join(full.dir, 'results.json'))).toBe(false);
      expect(readFileSync(path.join(full.dir, 'report.md'), 'utf8')).toMatch(
        /^> \[!CAUTION\]\n> \*\*Interrupted: these results are partial and the gate fails\.\*\*/,
      );
    } finally {
      p.cleanup();
      full.unmount();
    }
  });

  it('promote onto a full disk: exit 2, the dataset byte-identical, no temporary file', async () => {
    const full = mountTmpfs('size=64k', 'full disk under promote');
    if (!full) return;
    try {
      const dataset = path.join(full.dir, 'hallucination.jsonl');
      // Fill the disk with an existing dataset, so the rewritten one no longer fits.
      writeFileSync(dataset, rows(120).replaceAll('format-violation', 'hallucination'));
      const before = readFileSync(dataset);
      const source = path.join(full.dir, '..', `trace-${path.basename(full.dir)}.json`);
      copyFileSync(path.join(repo, 'test/fixtures/traces/braintrust/support-logs.json'), source);
      const run = await cli(['promote', '--from', source, '--label', 'hallucination', '--to', dataset], repo);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`Cannot write ${dataset.replace(/[.]/g, '\\.')}: ENOSPC`));
      expect(readFileSync(dataset)).toEqual(before);
      expect(readdirSync(full.dir).filter((f) => f !== 'hallucination.jsonl')).toEqual([]);
    } finally {
      full.unmount();
    }
  });
});
