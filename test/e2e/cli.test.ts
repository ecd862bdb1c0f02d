import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jsonl, makeTempProject, row } from '../helpers/temp-project.js';
import { bin, cli, repo } from '../helpers/cli.js';
import { spawn } from 'node:child_process';
import { shardOf } from '../../src/run/shard.js';

const echoApp = path.join(repo, 'test/fixtures/tasks/echo-app.mjs');

describe('tracegate eval on the demo', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(path.join(tmpdir(), 'tracegate-demo-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('passes on the good build', async () => {
    const run = await cli(['eval', '--out', out]);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/tracegate: PASSED — 17 cases, 5 failure modes/);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(Object.keys(results.failure_modes).sort()).toEqual([
      'format-violation',
      'hallucination',
      'instruction-follow-failure',
      'retrieval-miss',
      'tool-argument-error',
    ]);
  });

  it('exits 1 on the regressed build, naming every failing failure mode, with origin links', async () => {
    const run = await cli([
      'eval',
      '--out',
      out,
      '--task',
      'module:./examples/support-assistant/build-regressed.js#answer',
    ]);
    expect(run.code).toBe(1);
    const verdict = run.stdout.split('\n').find((l) => l.startsWith('tracegate: FAILED'))!;
    for (const mode of [
      'format-violation',
      'hallucination',
      'instruction-follow-failure',
      'retrieval-miss',
      'tool-argument-error',
    ]) {
      expect(verdict).toContain(mode);
    }
    // The terminal lists the failing cases at their dataset line, and JUnit counts them exactly.
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    const failing = results.cases.filter((c: { passed: boolean }) => !c.passed);
    expect(failing.length).toBeGreaterThan(5);
    const failed = failing.filter((c: { status: string }) => c.status === 'failed').length;
    const errored = failing.filter((c: { status: string }) => c.status === 'errored').length;
    for (const c of failing.slice(0, 20)) expect(run.stdout).toContain(`${c.dataset}:${c.line} ${c.id}`);
    const junit = readFileSync(path.join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain(
      `<testsuites name="tracegate" tests="17" failures="${failed}" errors="${errored}" skipped="0"`,
    );
    expect(junit.match(/<testcase /g)).toHaveLength(17);
    expect(junit.match(/<failure /g) ?? []).toHaveLength(failed);
    for (const c of failing) expect(junit).toContain(`<testcase name="${c.id}"`);
    const report = readFileSync(path.join(out, 'report.md'), 'utf8');
    expect(report).toMatch(
      /\[span\]\(https:\/\/www\.braintrust\.dev\/app\/acme-demo\/object\?object_type=project_logs&object_id=8c0f3a52-/,
    );
  });

  it('compares with a baseline from the good build and counts regressions', async () => {
    expect((await cli(['eval', '--out', path.join(out, 'main')])).code).toBe(0);
    const run = await cli([
      'eval',
      '--out',
      path.join(out, 'pr'),
      '--baseline',
      path.join(out, 'main/results.json'),
      '--task',
      'module:./examples/support-assistant/build-regressed.js#answer',
      '--json',
    ]);
    expect(run.code).toBe(1);
    const results = JSON.parse(run.stdout);
    expect(results.baseline.comparable).toBe(true);
    expect(results.failure_modes['tool-argument-error'].regressions).toBeGreaterThan(0);
    expect(
      results.cases.filter((c: { vs_baseline: string }) => c.vs_baseline === 'regressed').length,
    ).toBeGreaterThan(5);
  });
});

describe('tracegate eval on bad input', () => {
  it('exits 2 naming file:line for a malformed dataset, and runs nothing', async () => {
    const p = makeTempProject({
      'tracegate.config.json': { task: 'module:./app.mjs#run' },
      'app.mjs':
        'import { writeFileSync } from "node:fs"; export const run = () => { writeFileSync("ran", "1"); return "x"; };',
      'datasets/good.jsonl': jsonl([row('a')]),
      'datasets/bad.jsonl': jsonl([row('b')]) + '{"id": "c", "input": 1}\n{oops\n',
    });
    const run = await cli(['eval'], p.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/datasets\/bad\.jsonl:2: metadata: is required/);
    expect(run.stderr).toMatch(/datasets\/bad\.jsonl:3: invalid JSON/);
    expect(() => readFileSync(path.join(p.dir, 'ran'))).toThrow();
    p.cleanup();
  });

  it.each([
    [['eval', '--trials', 'zero'], /--trials "zero": expected a whole number/],
    [['eval', '--shard', '5/4'], /Invalid shard "5\/4"/],
    [['eval', '--task', 'python app.py'], /Unknown task spec "python app.py"/],
    [['eval', '--no-such-flag'], /unknown option '--no-such-flag'/],
    [['eval', '--baseline', 'missing.json'], /Baseline not found/],
  ])('exits 2 for %j', async (args, message) => {
    const p = makeTempProject({ 'datasets/a.jsonl': jsonl([row('a', 'x', { output: 'o' })]) });
    const run = await cli(args, p.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    p.cleanup();
  });

  it('exits 2 naming the config key and the fix', async () => {
    const p = makeTempProject({
      'tracegate.config.yaml': 'concurrency: -1\n',
      'datasets/a.jsonl': jsonl([row('a')]),
    });
    const run = await cli(['eval'], p.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /Invalid config in tracegate\.config\.yaml:\n\s+concurrency: .* — use a whole number from 1 to 10000/,
    );
    p.cleanup();
  });
});

describe('tracegate eval with process and HTTP tasks', () => {
  const rows = [
    row('a', 'x', { input: { question: 'one' }, expected: 'echo:one' }),
    row('boom', 'x', { input: { question: 'crash' }, expected: 'x' }),
    row('b', 'x', { input: { question: 'two' }, expected: 'echo:two' }),
    row('h', 'x', { input: { question: 'hang' }, expected: 'x' }),
    row('c', 'x', { input: { question: 'three' }, expected: 'echo:three' }),
  ];

  it('a cmd: task that crashes mid-run errors that case, restarts, and runs the rest', async () => {
    const p = makeTempProject({
      'tracegate.config.json': {
        task: `cmd:node ${echoApp}`,
        concurrency: 1,
        // Long enough for a cold process start on a loaded CI machine; the hanging case still hits it.
        timeout_ms: 4000,
        failure_modes: { x: { scorers: ['exact-match'] } },
      },
      'datasets/a.jsonl': jsonl(rows),
    });
    const run = await cli(['eval', '--json'], p.dir);
    expect(run.code).toBe(1);
    const results = JSON.parse(run.stdout);
    expect(results.failure_modes.x).toMatchObject({ cases: 5, passed: 3, errored: 2 });
    const byId = Object.fromEntries(results.cases.map((c: { id: string }) => [c.id, c]));
    expect(byId.boom.error).toMatch(/task process exited \(code 3\)/);
    expect(byId.h.error).toBe('timed out after 4000 ms');
    p.cleanup();
  });

  it('an http task served by a local server', async () => {
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const { input } = JSON.parse(body);
        if (input.question === 'hang') return; // never answers: the timeout must fire
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ output: `echo:${input.question}` }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/task`;
    const p = makeTempProject({
      'tracegate.config.json': { failure_modes: { x: { scorers: ['exact-match'] } } },
      'datasets/a.jsonl': jsonl(rows.filter((r) => r.id !== 'boom')),
    });
    // fetch loads undici on first use, which takes hundreds of ms on a loaded machine: a timeout well above
    // that, which the hanging request still hits.
    const run = await cli(['eval', '--task', url, '--timeout', '3000', '--json'], p.dir);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    expect(run.code).toBe(1);
    const results = JSON.parse(run.stdout);
    expect(results.failure_modes.x).toMatchObject({ cases: 4, passed: 3, errored: 1 });
    expect(results.cases.find((c: { id: string }) => c.id === 'h').error).toBe('timed out after 3000 ms');
    p.cleanup();
  });
});

describe('tracegate eval interrupted', () => {
  it('exits 130 on Ctrl-C and stops the cmd: task process it started', async () => {
    const p = makeTempProject({
      'tracegate.config.json': {
        task: `cmd:node ${echoApp}`,
        timeout_ms: 60_000,
        failure_modes: { x: { scorers: ['exact-match'] } },
      },
      'datasets/a.jsonl': jsonl([row('h', 'x', { input: { question: 'hang' }, expected: 'x' })]),
    });
    const pidFile = path.join(p.dir, 'app.pid');
    const child = spawn(process.execPath, [bin, 'eval'], {
      cwd: p.dir,
      env: { ...process.env, ECHO_APP_PID_FILE: pidFile, ECHO_APP_STAY_UP: '1' },
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const appPid = await waitFor(() => Number(readFileSync(pidFile, 'utf8')));
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive(appPid)).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    await waitFor(() => !alive(appPid) || undefined);
    p.cleanup();
  });
});

/** Poll until `read` returns a truthy value without throwing (5 s at most). */
async function waitFor<T>(read: () => T | undefined): Promise<T> {
  for (let i = 0; i < 100; i++) {
    try {
      const value = read();
      if (value) return value;
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting');
}

describe('tracegate merge', () => {
  it('merges shard results into one results.json, report.md and junit.xml', async () => {
    const p = makeTempProject({
      'datasets/a.jsonl': jsonl(
        Array.from({ length: 12 }, (_, i) =>
          row(`c${i}`, 'x', { output: i === 3 ? 'bad' : 'ok', expected: 'ok' }),
        ),
      ),
      'tracegate.config.json': { failure_modes: { x: { scorers: ['exact-match'] } } },
    });
    // Exactly one shard holds the failing case c3: that shard exits 1, the other 0.
    const failingShard = shardOf('c3', 2);
    for (const k of [1, 2])
      expect((await cli(['eval', '--shard', `${k}/2`, '--out', `s${k}`, '--quiet'], p.dir)).code).toBe(
        k === failingShard ? 1 : 0,
      );
    const run = await cli(['merge', 's1/results.json', 's2/results.json', '--out', 'merged'], p.dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/merged 2 shard\(s\), 12 cases/);
    expect(run.stdout).toMatch(/^x\s+FAIL\s+91\.7% \(11\/12\)/m);
    expect(run.stdout).toContain('datasets/a.jsonl:4 c3: exact-match 0.00');
    expect(run.stdout).toContain('tracegate: FAILED — failing failure modes: x');
    const merged = JSON.parse(readFileSync(path.join(p.dir, 'merged/results.json'), 'utf8'));
    expect(merged.failure_modes.x).toMatchObject({ cases: 12, passed: 11, failed: 1, verdict: 'fail' });
    const junit = readFileSync(path.join(p.dir, 'merged/junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(12);
    expect(junit).toContain('<testsuites name="tracegate" tests="12" failures="1" errors="0" skipped="0"');
    expect(junit).toMatch(/<testcase name="c3"[^>]*>\s*<failure /);
    p.cleanup();
  });
});

describe('tracegate --help', () => {
  it('exits 0 and lists the commands', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/eval \[options\]/);
  });
});
