/**
 * Reading JSONL datasets: linear in the file's size however long a line is, a configurable maximum line
 * size that fails at file:line, invalid UTF-8 reported at file:line instead of silently replaced, and
 * property-based tests over the loader (fast-check): any bytes at all give cases or typed errors naming
 * file:line, never a crash, a hang or an unhandled rejection; and the line reader agrees with a simple
 * reference model however the file is cut into chunks.
 */
import path from 'node:path';
import { isUtf8 } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { makeTempProject } from '../helpers/temp-project.js';
import { cli } from '../helpers/cli.js';
import { caseRow, readResults } from './runtime-helpers.js';
import { readLineBatches, type NumberedLine } from '../../src/util/read-lines.js';
import { readCaseBatches, scanDatasets } from '../../src/cases/load-datasets.js';
import { UsageError } from '../../src/errors.js';

const CONFIG = { task: 'replay', failure_modes: { 'format-violation': { scorers: ['json-parse'] } } };

describe('dataset lines through the CLI', () => {
  it('a 10 MB line is read and scored (the reader is linear: this took 69 s when it was quadratic)', async () => {
    const big = caseRow('big', 'x'.repeat(10 * 1024 * 1024), { output: '{}' });
    const p = makeTempProject({
      'tracegate.config.json': CONFIG,
      'datasets/cases.jsonl': `${big}\n${caseRow('small', 'q', { output: '{}' })}\n`,
    });
    try {
      const run = await cli(['eval', '--quiet'], p.dir);
      expect(run.code).toBe(0);
      expect(readResults(path.join(p.dir, '.tracegate')).cases.map((c: any) => [c.id, c.line])).toEqual([
        ['big', 1],
        ['small', 2],
      ]);
    } finally {
      p.cleanup();
    }
  });

  it('a line over max_line_bytes fails at file:line with the key to raise; the other rows are still checked', async () => {
    const p = makeTempProject({
      'tracegate.config.json': { ...CONFIG, max_line_bytes: 4096 },
      'datasets/cases.jsonl': [
        caseRow('a', 'q', { output: '{}' }),
        caseRow('long', 'x'.repeat(5000)),
        '{"id": "broken"',
      ].join('\n'),
    });
    try {
      const run = await cli(['eval', '--quiet'], p.dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        'datasets/cases.jsonl:2: line is longer than the maximum of 4096 bytes (max_line_bytes); split the row, or raise "max_line_bytes" in tracegate.config',
      );
      expect(run.stderr).toMatch(/datasets\/cases\.jsonl:3: invalid JSON/);
    } finally {
      p.cleanup();
    }
  });

  it('invalid UTF-8 is reported at file:line with the byte, not replaced by U+FFFD', async () => {
    const p = makeTempProject({ 'tracegate.config.json': CONFIG, 'datasets/cases.jsonl': '' });
    try {
      const file = path.join(p.dir, 'datasets/cases.jsonl');
      const good = Buffer.from(caseRow('a', 'café', { output: '{}' }) + '\n');
      const bad = Buffer.concat([
        Buffer.from('{"id":"b","input":{"question":"caf'),
        Buffer.from([0xe9]),
        Buffer.from('"}}\n'),
      ]);
      writeFileSync(file, Buffer.concat([good, bad]));
      const run = await cli(['eval', '--quiet'], p.dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        'datasets/cases.jsonl:2: not valid UTF-8 (byte 0xe9 at byte 35 of the line); save the file as UTF-8',
      );
    } finally {
      p.cleanup();
    }
  });
});

/** The reference model of readLineBatches: split the bytes on '\n', judge each line on its own. */
function referenceLines(bytes: Buffer, maxLineBytes: number): NumberedLine[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      parts.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < bytes.length) parts.push(bytes.subarray(start));
  return parts.map((part, index) => {
    const line = index + 1;
    if (part.length > maxLineBytes) return { line, problem: 'too long' } as NumberedLine;
    let b = part;
    if (line === 1 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    if (!isUtf8(b)) return { line, problem: 'utf8' } as NumberedLine;
    const text = b.toString('utf8');
    return { line, text: text.endsWith('\r') ? text.slice(0, -1) : text };
  });
}

/** Bytes that look like a JSONL file: rows, junk, invalid UTF-8, CR, BOMs and blank lines. */
const lineBytes = fc.oneof(
  fc
    .constantFrom(
      caseRow('a', 'q'),
      caseRow('b', 'ü 🙂 \u2028'),
      '',
      '   ',
      '{"id":',
      '[1,2]',
      'null',
      '{"id":"x","input":1,"metadata":{"failure_mode":"Not Kebab"}}',
    )
    .map((s) => Buffer.from(s)),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  fc.constant(Buffer.from([0xef, 0xbb, 0xbf])),
  fc.constant(Buffer.from([0xe2, 0x82])), // a character cut short
);
const fileBytes = fc
  .tuple(fc.array(fc.tuple(lineBytes, fc.constantFrom('\n', '\r\n', '')), { maxLength: 12 }), fc.boolean())
  .map(([lines, bom]) =>
    Buffer.concat([
      bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0),
      ...lines.flatMap(([b, end]) => [b, Buffer.from(end)]),
    ]),
  );

describe('property: the JSONL loader under arbitrary bytes', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tracegate-prop-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('readLineBatches matches the reference model for every chunk size and maximum', async () => {
    await fc.assert(
      fc.asyncProperty(
        fileBytes,
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 80 }),
        async (bytes, chunkBytes, maxLineBytes) => {
          const file = path.join(dir, 'model.jsonl');
          writeFileSync(file, bytes);
          const got: NumberedLine[] = [];
          for await (const batch of readLineBatches(file, { chunkBytes, maxLineBytes })) got.push(...batch);
          const simplified = got.map((l) =>
            l.problem
              ? { line: l.line, problem: l.problem.startsWith('line is longer') ? 'too long' : 'utf8' }
              : { line: l.line, text: l.text },
          );
          expect(simplified).toEqual(referenceLines(bytes, maxLineBytes));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('scanning then reading gives cases, or one UsageError whose every problem names file:line', async () => {
    await fc.assert(
      fc.asyncProperty(fileBytes, fc.integer({ min: 1024, max: 4096 }), async (bytes, maxLineBytes) => {
        writeFileSync(path.join(dir, 'data.jsonl'), bytes);
        const lines = bytes.toString('latin1').split('\n').length;
        try {
          await scanDatasets(['data.jsonl'], dir, undefined, { maxLineBytes });
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          const problems = (error as UsageError).problems;
          expect(problems.length).toBeGreaterThan(0);
          for (const problem of problems) {
            const m = /^data\.jsonl:(\d+): \S/.exec(problem);
            expect(m).not.toBeNull();
            expect(Number(m![1])).toBeLessThanOrEqual(lines);
          }
          return;
        }
        // Valid: every row reads back, in order, with its line.
        for await (const batch of readCaseBatches(['data.jsonl'], dir, { maxLineBytes }))
          for (const loaded of batch) expect(typeof loaded.case.id).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});
