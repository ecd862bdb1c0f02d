import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { cli } from '../helpers/cli.js';
import { validateConfig } from '../../src/config/load-config.js';

/** Every file under dir (but .git), path → bytes: to compare a repository before and after. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === '.git') continue;
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(path.relative(dir, full), readFileSync(full).toString('base64'));
    }
  };
  walk(dir);
  return files;
}

function gitRepo(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tracegate-init-'));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/**
 * A Braintrust export of one production request: the model answered only with a tool call (no text), the
 * tool rejected the argument, and the tools and model were logged on the root span's metadata (not on an
 * `llm` span's), as apps that log one span per request do.
 */
const TOOL_ONLY_TRACE = [
  {
    id: 'r1',
    span_id: 'root-1',
    root_span_id: 'root-1',
    project_id: 'p-1',
    span_attributes: { name: 'support', type: 'task' },
    input: { question: 'Where is order ORD-10001?' },
    metadata: {
      model: 'gpt-4.1-mini-2025-04-14',
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup_order',
            parameters: {
              type: 'object',
              properties: { order_id: { type: 'string' } },
              required: ['order_id'],
            },
          },
        },
      ],
    },
    metrics: { start: 1794992400, end: 1794992401 },
  },
  {
    id: 'r2',
    span_id: 'tool-1',
    root_span_id: 'root-1',
    span_parents: ['root-1'],
    project_id: 'p-1',
    span_attributes: { name: 'lookup_order', type: 'tool' },
    input: { order_id: 10001 },
    output: null,
    error: 'order_id must be a string like ORD-12345',
    metrics: { start: 1794992400.5, end: 1794992400.6 },
  },
];

describe('tracegate init in an empty git repository, then the first five minutes', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('init --yes → eval exits 0 → promote a trace → eval exits 1 → init again changes nothing', async () => {
    dir = gitRepo({ 'package.json': JSON.stringify({ name: 'app', main: 'src/index.js' }) });

    const init = await cli(['init', '--yes'], dir);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('task module:./tracegate.task.mjs#answer');
    expect(init.stdout).toMatch(
      /Next:\n {2}1\. npx tracegate eval.*\n {2}2\. npx tracegate promote.*\n {2}3\. git add /,
    );

    // What it wrote is valid: the config against the schema, the workflow as YAML with its guarantees.
    const config = validateConfig(
      JSON.parse(readFileSync(path.join(dir, 'tracegate.config.json'), 'utf8')),
      'x',
    );
    expect(Object.keys(config.failure_modes).sort()).toEqual([
      'format-violation',
      'hallucination',
      'instruction-follow-failure',
      'retrieval-miss',
      'tool-argument-error',
    ]);
    expect(config.task).toBe('module:./tracegate.task.mjs#answer');
    expect(readFileSync(path.join(dir, 'tracegate.task.mjs'), 'utf8')).toContain(
      "import * as app from './src/index.js'",
    );
    const workflow = parseYaml(readFileSync(path.join(dir, '.github/workflows/tracegate.yml'), 'utf8'));
    expect(workflow.permissions).toEqual({});
    expect(workflow.jobs.gate.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(workflow.jobs.gate['timeout-minutes']).toBeGreaterThan(0);
    expect(workflow.concurrency['cancel-in-progress']).toBe("${{ github.event_name == 'pull_request' }}");
    expect(workflow.concurrency.group).toContain('github.sha'); // each main run its own group
    expect(workflow.on.push.branches).toEqual(['main']);
    const steps = workflow.jobs.gate.steps as Array<Record<string, unknown>>;
    expect(steps.map((s) => s.uses).filter(Boolean)).toEqual(
      expect.arrayContaining(['actions/cache/restore@v4', 'tracegate/tracegate@v1', 'actions/cache/save@v4']),
    );
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toMatch(/^\.tracegate\/$/m);
    for (const mode of Object.keys(config.failure_modes)) {
      const rows = readFileSync(path.join(dir, `datasets/${mode}.jsonl`), 'utf8')
        .trim()
        .split('\n');
      expect(rows).toHaveLength(1);
      expect(JSON.parse(rows[0]).metadata).toMatchObject({
        failure_mode: mode,
        note: expect.stringContaining('tracegate init'),
      });
    }

    // The first eval: every example row passes its mode's default scorers.
    const first = await cli(['eval', '--quiet'], dir);
    expect(first.stderr).toContain('not wired to your app yet');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('5 cases, 5 failure modes');

    // A production failure becomes a row; it fails the gate (the adapter replays its recorded calls).
    writeFileSync(
      path.join(dir, 'traces.jsonl'),
      TOOL_ONLY_TRACE.map((r) => JSON.stringify(r)).join('\n') + '\n',
    );
    const promote = await cli(['promote', '--from', 'traces.jsonl', '--label', 'tool-argument-error'], dir);
    expect(promote.code).toBe(0);
    const rows = readFileSync(path.join(dir, 'datasets/tool-argument-error.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(rows).toHaveLength(2);
    const promoted = JSON.parse(rows[1]);
    expect(promoted.output ?? null).toBeNull(); // the model answered with a tool call only
    expect(promoted.context.tools).toHaveLength(1); // read from the root span's metadata
    expect(promoted.metadata.model_version).toBe('gpt-4.1-mini-2025-04-14');
    expect(promoted.context.retrieved).toBeUndefined(); // nothing retrieved was recorded

    const second = await cli(['eval', '--quiet'], dir);
    expect(second.code).toBe(1);
    expect(second.stdout).toMatch(/tool-argument-error\s+FAIL/);

    // --task replay scores the recorded tool call instead of erroring on the missing output.
    const replay = await cli(['eval', '--quiet', '--task', 'replay', '--json'], dir);
    expect(replay.code).toBe(1);
    const results = JSON.parse(replay.stdout);
    expect(results.failure_modes['tool-argument-error']).toMatchObject({
      cases: 2,
      passed: 1,
      failed: 1,
      errored: 0,
    });

    // init again without --force: every byte stays as it was (the run outputs aside).
    rmSync(path.join(dir, '.tracegate'), { recursive: true, force: true });
    const before = snapshot(dir);
    const again = await cli(['init', '--yes'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('kept (exists; --force overwrites)');
    expect(snapshot(dir)).toEqual(before);
  }, 60000);

  test('--force overwrites what init wrote; --task with a missing module is exit 2 naming the path', async () => {
    dir = gitRepo();
    expect((await cli(['init', '--yes'], dir)).code).toBe(0);
    writeFileSync(path.join(dir, 'tracegate.config.json'), '{"task":"replay"}\n');
    const forced = await cli(['init', '--yes', '--force'], dir);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/tracegate\.config\.json\s+overwritten/);
    expect(readFileSync(path.join(dir, 'tracegate.config.json'), 'utf8')).toContain('tracegate.task.mjs');

    const bad = await cli(['init', '--yes', '--force', '--task', 'module:./nope.mjs#answer'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`looked for ${path.join(dir, 'nope.mjs')}`);
  });

  test('a Python project gets a cmd: adapter speaking JSON lines, and eval runs it', async () => {
    dir = gitRepo({ 'pyproject.toml': '[project]\nname = "app"\n' });
    try {
      execFileSync('python3', ['--version'], { stdio: 'ignore' });
    } catch {
      console.log('skip: python3 is not installed, the cmd: adapter is not run');
      return;
    }
    const init = await cli(['init', '--yes', '--no-workflow'], dir);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('task cmd:python3 tracegate_task.py');
    expect(() => statSync(path.join(dir, '.github'))).toThrow();
    const run = await cli(['eval', '--quiet', '--json'], dir);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).failure_modes).toMatchObject({
      hallucination: { passed: 1, errored: 0 },
      'tool-argument-error': { passed: 1, errored: 0 },
    });
    expect(run.code).toBe(0);
  }, 30000);

  test('a file in the way is exit 2 naming it; init in a subfolder says where the workflow must go', async () => {
    dir = gitRepo({ datasets: 'not a folder' });
    const blocked = await cli(['init', '--yes'], dir);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain('init could not write datasets/hallucination.jsonl');
    expect(blocked.stderr).toContain('Written before it (kept): tracegate.config.json, tracegate.task.mjs');

    const sub = path.join(dir, 'services/api');
    mkdirSync(sub, { recursive: true });
    const nested = await cli(['init', '--yes'], sub);
    expect(nested.code).toBe(0);
    expect(nested.stdout).toContain('GitHub runs workflows only from the repository root');
    expect(nested.stdout).toContain('working-directory: services/api');
  });
});
