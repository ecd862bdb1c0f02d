import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTask } from '../../src/run/tasks/create-task.js';
import type { Task } from '../../src/run/tasks/task.js';
import { UsageError } from '../../src/errors.js';
import type { RegressionCase } from '../../src/cases/regression-case.js';
import { makeTempProject } from '../helpers/temp-project.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const echoApp = path.join(here, '../fixtures/tasks/echo-app.mjs');
const kase = (question: string, extra: Partial<RegressionCase> = {}) =>
  ({
    id: question,
    input: { question },
    metadata: { failure_mode: 'format-violation' },
    ...extra,
  }) as RegressionCase;

function run(task: Task, question: string, timeoutMs = 2000) {
  const c = kase(question);
  return task.run(c.input, c, { signal: AbortSignal.timeout(timeoutMs) });
}

describe('createTask', () => {
  it.each(['', 'python app.py', 'module', 'ftp://x', 'cmd:  '])(
    'rejects the spec %j with the accepted forms',
    async (spec) => {
      await expect(createTask(spec, process.cwd())).rejects.toThrow(UsageError);
    },
  );
});

describe('module: task', () => {
  const project = makeTempProject({
    'app.mjs': `
      export async function good(input) { return { output: 'hi ' + input.question, tool_calls: [{ name: 't', arguments: '{}' }] }; }
      export function bare(input) { return input.question.length; }
      export async function throws() { throw new Error('db unavailable'); }
      export async function nothing() {}
      export async function malformed() { return { output: 'x', tool_calls: 'not a list' }; }
    `,
    'app.ts': `export const typed = async (input: { question: string }): Promise<string> => input.question.toUpperCase();`,
  });
  afterAll(() => project.cleanup());

  it('calls the exported function and normalises its result', async () => {
    const task = await createTask('module:./app.mjs#good', project.dir);
    await expect(run(task, 'q')).resolves.toEqual({
      output: 'hi q',
      tool_calls: [{ name: 't', arguments: '{}' }],
    });
    await expect(run(await createTask('module:./app.mjs#bare', project.dir), 'abc')).resolves.toEqual({
      output: 3,
    });
  });

  it('loads a TypeScript module without a build step', async () => {
    await expect(run(await createTask('module:./app.ts#typed', project.dir), 'abc')).resolves.toEqual({
      output: 'ABC',
    });
  });

  it.each([
    ['throws', /task threw: db unavailable/],
    ['nothing', /task returned nothing/],
    ['malformed', /malformed TaskResult: tool_calls/],
  ])('turns %s into a task error', async (name, message) => {
    const task = await createTask(`module:./app.mjs#${name}`, project.dir);
    await expect(run(task, 'q')).rejects.toThrow(message);
  });

  it('names a missing module or export', async () => {
    await expect(createTask('module:./nope.mjs#x', project.dir)).rejects.toThrow(
      'Task module not found: ./nope.mjs',
    );
    await expect(createTask('module:./app.mjs#missing', project.dir)).rejects.toThrow(
      /no function export "missing" \(functions exported: .*good/,
    );
  });
});

describe('cmd: task', () => {
  let task: Task;
  beforeEach(async () => {
    task = await createTask(`cmd:node ${echoApp}`, here);
  });
  afterEach(async () => {
    await task.close();
  });

  it('keeps one process for many cases, answering concurrent requests by id', async () => {
    const results = await Promise.all(['a', 'slow', 'b', 'c'].map((q) => run(task, q)));
    expect(results.map((r) => r.output)).toEqual(['echo:a', 'echo:slow', 'echo:b', 'echo:c']);
    const pids = new Set(results.map((r) => (r.metadata as { pid: number }).pid));
    expect(pids.size).toBe(1);
  });

  it('errors the case in flight when the process dies, then restarts it for the next case', async () => {
    const first = await run(task, 'a');
    await expect(run(task, 'crash')).rejects.toThrow(
      /task process exited \(code 3\).*stderr: boom: simulated crash/,
    );
    const after = await run(task, 'b');
    expect(after.output).toBe('echo:b');
    expect((after.metadata as { pid: number }).pid).not.toBe((first.metadata as { pid: number }).pid);
  });

  it('never takes a log line as the answer: the case times out naming it; an error object errors it', async () => {
    // A non-JSON line is the app's log (shown on stderr), not an answer: the timeout's error names it.
    await expect(run(task, 'warm-up')).resolves.toMatchObject({ output: 'echo:warm-up' });
    const c = kase('garbage');
    const controller = new AbortController();
    const pending = task.run(c.input, c, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort(new Error('timed out after 300 ms'));
    await expect(pending).rejects.toThrow(
      /timed out after 300 ms; the app printed 1 line\(s\) on stdout that are not replies .*"this is not json"/,
    );
    await expect(run(task, 'fail')).rejects.toThrow(/task reported an error: model overloaded/);
    await expect(run(task, 'ok')).resolves.toMatchObject({ output: 'echo:ok' });
  });

  it('restarts a process that answered nothing for a whole timeout', async () => {
    const before = await run(task, 'a');
    await expect(run(task, 'hang', 200)).rejects.toThrow();
    const after = await run(task, 'b');
    expect((after.metadata as { pid: number }).pid).not.toBe((before.metadata as { pid: number }).pid);
  });

  it('stops restarting a command that crashes on start', async () => {
    const broken = await createTask('cmd:node -e "process.exit(9)"', here);
    for (let i = 0; i < 5; i++) await expect(run(broken, 'a')).rejects.toThrow(/code 9/);
    await expect(run(broken, 'a')).rejects.toThrow(/crashed 5 times in a row; not restarting/);
    await broken.close();
  });
});

describe('http task', () => {
  let server: http.Server;
  let url: string;
  const seen: unknown[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const { input, case: c } = JSON.parse(body);
        seen.push(c.id);
        if (input.question === 'boom') return void res.writeHead(500).end('internal error');
        if (input.question === 'html')
          return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ output: `http:${input.question}` }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/eval`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('POSTs {input, case} and reads the TaskResult back', async () => {
    const task = await createTask(url, here);
    await expect(run(task, 'hello')).resolves.toEqual({ output: 'http:hello' });
    expect(seen).toContain('hello');
  });

  it.each([
    ['boom', /answered 500: internal error/],
    ['html', /not JSON: "<html>"/],
  ])('errors on %s', async (q, message) => {
    await expect(run(await createTask(url, here), q)).rejects.toThrow(message);
  });

  it('errors when nothing listens', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const task = await createTask(`http://127.0.0.1:${port}/eval`, here);
    await expect(run(task, 'a')).rejects.toThrow(`POST http://127.0.0.1:${port}/eval failed: ECONNREFUSED`);
  });
});

describe('replay task', () => {
  it('returns the recorded output, tool calls and retrieval; errors without a recorded output', async () => {
    const task = await createTask('replay', here);
    const c = kase('q', {
      output: '{"a":1}',
      context: { tool_calls: [{ name: 't', arguments: '{}' }], retrieved: [{ id: 'kb-1' }] },
    });
    await expect(task.run(c.input, c, { signal: AbortSignal.timeout(100) })).resolves.toEqual({
      output: '{"a":1}',
      tool_calls: [{ name: 't', arguments: '{}' }],
      retrieved: [{ id: 'kb-1' }],
    });
    await expect(run(task, 'q')).rejects.toThrow('replay: the case has no recorded "output"');
  });
});
