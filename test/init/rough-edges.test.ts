import path from 'node:path';
import { cli } from '../helpers/cli.js';
import { jsonl, makeTempProject, row } from '../helpers/temp-project.js';
import { proposeLabel } from '../../src/promote/label.js';
import type { Trace } from '../../src/traces/trace.js';
import { traceSchema } from '../../src/traces/trace.js';

// Rough edges a new user hits in the first five minutes (issue 13), each through the real CLI or the
// real function.

const passing = row('fmt-1', 'format-violation', { output: '{"a":1}' });

describe('--task module: on the command line', () => {
  test("resolves against the working directory, not the config file's folder", async () => {
    const project = makeTempProject({
      'tracegate.config.json': { task: 'replay' },
      'app/datasets/f.jsonl': jsonl([row('fmt-1')]),
      'app/task.mjs': 'export const answer = () => \'{"a":1}\';',
    });
    try {
      const run = await cli(
        ['eval', '--quiet', '--task', 'module:./task.mjs#answer'],
        path.join(project.dir, 'app'),
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    } finally {
      project.cleanup();
    }
  });

  test('a module that is not there is exit 2 with the path it tried', async () => {
    const project = makeTempProject({ 'datasets/f.jsonl': jsonl([passing]) });
    try {
      const run = await cli(['eval', '--task', 'module:./missing.mjs#answer'], project.dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`looked for ${path.join(project.dir, 'missing.mjs')}`);
      expect(run.stderr).toContain('resolves against the working directory');
    } finally {
      project.cleanup();
    }
  });
});

test('the default dataset glob never walks into node_modules/ or .git/', async () => {
  const project = makeTempProject({
    'datasets/f.jsonl': jsonl([passing]),
    // An installed copy of a package that ships its datasets: the same ids again.
    'node_modules/some-pkg/datasets/f.jsonl': jsonl([passing]),
    '.git/datasets/f.jsonl': jsonl([passing]),
  });
  try {
    const run = await cli(
      ['eval', '--quiet', '--task', 'replay', '--datasets', '**/*.jsonl', '--json'],
      project.dir,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).failure_modes['format-violation'].cases).toBe(1);
    // Named on purpose, node_modules is read.
    const named = await cli(
      ['eval', '--quiet', '--task', 'replay', '--datasets', 'node_modules/**/*.jsonl', '--json'],
      project.dir,
    );
    expect(named.code).toBe(0);
  } finally {
    project.cleanup();
  }
});

test('eval --help documents review_status and what a row without one counts as', async () => {
  const help = await cli(['eval', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout.replace(/\s+/g, ' ')).toContain('review_status (a row without one counts as approved)');
});

test('a pending row is left out by --filter review_status=approved; a row without a status is kept', async () => {
  const project = makeTempProject({
    'datasets/f.jsonl': jsonl([
      passing,
      row('fmt-2', 'format-violation', {
        output: 'not json',
        metadata: { failure_mode: 'format-violation', review_status: 'pending' },
      }),
    ]),
  });
  try {
    const run = await cli(
      ['eval', '--quiet', '--task', 'replay', '--filter', 'review_status=approved', '--json'],
      project.dir,
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).failure_modes['format-violation'].cases).toBe(1);
  } finally {
    project.cleanup();
  }
});

describe('--auto-label and retrieval', () => {
  const trace = (extra: Partial<Trace>): Trace =>
    traceSchema.parse({
      trace_id: 't',
      root_span_id: 'r',
      source: { format: 'jsonl', object_type: 'x', object_id: 'y', id: 'z' },
      input: 'What is the refund window?',
      output: '{"answer":"30 days [doc-3]","citations":["doc-3"]}',
      spans: [{ span_id: 'r', kind: 'llm' }],
      ...extra,
    });

  test('with no retrieval recorded, a cited document is not a hallucination (not applicable)', async () => {
    expect(await proposeLabel(trace({}))).toBeUndefined();
  });

  test('with a retrieval recorded that lacks the cited document, it is', async () => {
    const label = await proposeLabel(
      trace({
        retrieved: [{ id: 'doc-1', text: 'Refunds within 30 days.' }],
        spans: [
          { span_id: 'r', kind: 'llm' },
          { span_id: 's', kind: 'retrieval' },
        ],
      }),
    );
    expect(label?.failure_mode).toBe('hallucination');
  });
});
