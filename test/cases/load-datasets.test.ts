import { findDatasetFiles, loadDatasets, scanDatasets } from '../../src/cases/load-datasets.js';
import { UsageError } from '../../src/errors.js';
import { jsonl, makeTempProject, row } from '../helpers/temp-project.js';

async function problemsOf(files: Record<string, string>): Promise<string[]> {
  const project = makeTempProject(files);
  try {
    await loadDatasets('datasets/**/*.jsonl', project.dir);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).problems;
  } finally {
    project.cleanup();
  }
  throw new Error('expected the datasets to be rejected');
}

describe('loadDatasets', () => {
  it('accepts a UTF-8 BOM, CRLF line ends and blank lines, and keeps real line numbers', async () => {
    const text = '\uFEFF' + JSON.stringify(row('a')) + '\r\n\r\n   \r\n' + JSON.stringify(row('b')) + '\r\n';
    const project = makeTempProject({ 'datasets/x.jsonl': text });
    const cases = await loadDatasets('datasets/**/*.jsonl', project.dir);
    project.cleanup();
    expect(cases.map((c) => [c.case.id, c.dataset, c.line])).toEqual([
      ['a', 'datasets/x.jsonl', 1],
      ['b', 'datasets/x.jsonl', 4],
    ]);
    expect(cases[0].hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it.each([
    ['bad JSON', '{"id": "a",', /datasets\/bad\.jsonl:1: invalid JSON/],
    ['a JSON array instead of an object', '[1,2]', /datasets\/bad\.jsonl:1: expected a JSON object per line/],
    [
      'missing metadata.failure_mode',
      JSON.stringify({ id: 'a', input: 1, metadata: {} }),
      /datasets\/bad\.jsonl:1: metadata\.failure_mode: is required/,
    ],
    [
      'wrong type for id',
      JSON.stringify({ id: 7, input: 1, metadata: { failure_mode: 'x' } }),
      /datasets\/bad\.jsonl:1: id: expected string, got number 7/,
    ],
    [
      'a failure mode that is not kebab-case',
      JSON.stringify(row('a', 'Format Violation')),
      /metadata\.failure_mode: must be a kebab-case id/,
    ],
    [
      'missing input',
      JSON.stringify({ id: 'a', metadata: { failure_mode: 'x' } }),
      /datasets\/bad\.jsonl:1: input: is required/,
    ],
  ])('reports %s as file:line', async (_name, line, pattern) => {
    const problems = await problemsOf({ 'datasets/bad.jsonl': line + '\n' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(pattern);
  });

  it('reports every bad line at once, including duplicate ids across files', async () => {
    const problems = await problemsOf({
      'datasets/a.jsonl': jsonl([row('x'), row('y')]) + 'not json\n',
      'datasets/b/c.jsonl': jsonl([row('y'), row('z')]) + '{"id":"q"}\n',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^datasets\/a\.jsonl:3: invalid JSON/),
      'datasets/b/c.jsonl:1: duplicate id "y" (first defined at datasets/a.jsonl:2)',
      expect.stringMatching(/^datasets\/b\/c\.jsonl:3: /),
    ]);
  });

  it('names the glob when nothing matches', async () => {
    const project = makeTempProject({ 'other/x.jsonl': '' });
    await expect(findDatasetFiles('datasets/**/*.jsonl', project.dir)).rejects.toThrow(
      /No dataset files match "datasets\/\*\*\/\*\.jsonl"/,
    );
    project.cleanup();
  });

  it('scan counts selected rows and their failure modes, and hashes the bytes', async () => {
    const project = makeTempProject({
      'datasets/a.jsonl': jsonl([row('a', 'hallucination'), row('b', 'retrieval-miss'), row('c')]),
    });
    const scan1 = await scanDatasets(['datasets/a.jsonl'], project.dir, (c) => c.id !== 'b');
    expect(scan1).toMatchObject({ count: 3, selected: 2, modes: ['format-violation', 'hallucination'] });
    const scan2 = await scanDatasets(['datasets/a.jsonl'], project.dir);
    expect(scan2.hash).toBe(scan1.hash);
    project.cleanup();
  });
});
