import { jest } from '@jest/globals';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { conformanceData, CONFORMANCE_ROOT } from './conformance-data.js';
import { repoRoot } from './helpers.js';

describe('conformanceData (the skip line of the conformance tests)', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'tg-conformance-'));
    await mkdir(path.join(root, 'present-suite'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('prints one visible line naming the missing folder and reports it absent', () => {
    const lines: string[] = [];
    const data = conformanceData('bfcl', 'tool-call vs BFCL', path.join(root, 'missing'), (l) =>
      lines.push(l),
    );
    expect(data.present).toBe(false);
    expect(lines).toEqual([data.skipLine]);
    expect(data.skipLine).toMatch(/^SKIPPED tool-call vs BFCL: conformance data folder not found: /);
    expect(data.skipLine).toContain(path.join(root, 'missing', 'bfcl'));
  });

  it('says nothing when the folder is there', () => {
    const lines: string[] = [];
    const data = conformanceData('present-suite', 'x', root, (l) => lines.push(l));
    expect(data).toEqual({ dir: path.join(root, 'present-suite'), present: true, skipLine: '' });
    expect(lines).toEqual([]);
  });

  it('writes to stderr by default', () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
      written.push(String(chunk));
      return true;
    });
    try {
      conformanceData('nope', 'demo', path.join(root, 'missing'));
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toMatch(
      /^SKIPPED demo: conformance data folder not found: .*nope \(see its SOURCE.txt/,
    );
  });

  it('looks next to the repository, never inside it', () => {
    expect(CONFORMANCE_ROOT).toBe(path.resolve(repoRoot, '..', 'shared', 'conformance'));
  });
});
