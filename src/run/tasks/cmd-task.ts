import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { normaliseTaskResult, TaskError, type Task, type TaskResult } from './task.js';
import { UsageError } from '../../errors.js';

/** After this many crashes in a row with no answer in between, stop restarting and fail the rest fast. */
const MAX_CONSECUTIVE_CRASHES = 5;

interface Pending {
  id: number;
  sentAt: number;
  resolve(result: TaskResult): void;
  reject(error: Error): void;
}

/** Exit codes with which a shell says the command itself could not run: not found, not executable. */
const CANNOT_START = new Set([126, 127]);

/** The longest log line shown as is; longer ones are cut. */
const MAX_LOG_LINE = 500;

/**
 * `cmd:<command>`: one long-lived process speaking JSON lines on stdio, so a Python or Go app is tested
 * without a process per case. Each request is `{"id": n, "input": …, "case": …}`; each answer is a
 * JSON object with an `output` (a TaskResult) or an `error` key, with the same `id`, or, for apps that
 * answer in order, without one. Any other line on stdout (a log line, even a JSON one) is never taken as
 * an answer: it is shown on stderr as the app's log. A process that dies is restarted on the next case,
 * and the cases it had in flight are errored; a process that answers nothing for a whole timeout is
 * treated as hung and restarted. A command that cannot start at all stops the run (`fatal`, exit 2).
 */
export function createCmdTask(spec: string, command: string, cwd: string): Task {
  let child: ChildProcessWithoutNullStreams | undefined;
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let lastLineAt = 0;
  let crashes = 0;
  let stderrTail = '';
  let closed = false;
  let everAnswered = false;
  let fatal: Error | undefined;
  /** Lines on stdout that were not replies, since the last reply: named when a case then times out. */
  let strayLines = 0;
  let lastStrayLine = '';

  function failAll(reason: string) {
    for (const p of pending.values()) p.reject(new TaskError(reason));
    pending.clear();
  }

  function start(): ChildProcessWithoutNullStreams {
    const proc = spawn(command, { cwd, shell: true, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    // Its own process group (detached) lets us kill the shell and what it started together, but also means
    // a Ctrl-C in the terminal does not reach it: kill it when this process exits, however it exits.
    const killOnExit = () => kill(proc);
    process.once('exit', killOnExit);
    proc.once('exit', () => process.removeListener('exit', killOnExit));
    stderrTail = '';
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-500);
    });
    proc.stdin.on('error', () => {}); // EPIPE when the process died: reported through 'exit'.
    createInterface({ input: proc.stdout, crlfDelay: Infinity }).on('line', (line) => onLine(line));
    proc.on('error', (error) => {
      fatal ??= cannotStart(`${error.message}`);
      onExit(`could not start "${command}": ${error.message}`);
    });
    proc.on('exit', (code, signal) => {
      if (!everAnswered && !closed && code !== null && CANNOT_START.has(code)) {
        fatal ??= cannotStart(
          `exit code ${code}${stderrTail.trim() ? `: ${stderrTail.trim().split('\n').slice(-2).join(' | ')}` : ''}`,
        );
      }
      onExit(`task process exited (${signal ? `signal ${signal}` : `code ${code}`})`);
    });
    function onExit(reason: string) {
      if (child !== proc) return;
      child = undefined;
      if (!closed) crashes++;
      const tail = stderrTail.trim()
        ? `; stderr: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}`
        : '';
      failAll(`${reason} while this case was in flight${tail}`);
    }
    return proc;
  }

  function cannotStart(detail: string): UsageError {
    return new UsageError(`Task "${spec}" could not start (${detail}).`, [
      `The command runs through the shell in ${cwd}: check that the program exists there and is executable.`,
    ]);
  }

  function onLine(line: string) {
    if (line.trim() === '') return;
    lastLineAt = performance.now();
    const reply = parseReply(line);
    if (!reply) {
      showLog(line);
      return;
    }
    const target = reply.id !== undefined ? pending.get(reply.id) : pending.values().next().value;
    if (!target) {
      if (reply.id === undefined) showLog(line); // an answer nobody asked for
      return; // else an answer to a case that already timed out
    }
    pending.delete(target.id);
    crashes = 0;
    everAnswered = true;
    strayLines = 0;
    const message = reply.message;
    if ('error' in message && !('output' in message)) {
      target.reject(new TaskError(`task reported an error: ${String(message.error)}`));
      return;
    }
    delete message.id;
    try {
      target.resolve(normaliseTaskResult(message));
    } catch (error) {
      target.reject(error as Error);
    }
  }

  /** A line on stdout that is not a reply: the app's log, shown on stderr, neutralised. */
  function showLog(line: string) {
    strayLines++;
    lastStrayLine = line.length > 120 ? line.slice(0, 120) + '…' : line;
    process.stderr.write(`task log (${spec}): ${neutralise(line)}\n`);
  }

  function kill(proc: ChildProcessWithoutNullStreams) {
    try {
      process.kill(-proc.pid!, 'SIGKILL'); // the whole process group: the shell and what it started
    } catch {
      proc.kill('SIGKILL');
    }
  }

  return {
    spec,
    get fatal() {
      return fatal;
    },
    run(input, testCase, { signal }) {
      if (fatal) return Promise.reject(fatal);
      if (crashes >= MAX_CONSECUTIVE_CRASHES) {
        return Promise.reject(
          new TaskError(`task process crashed ${crashes} times in a row; not restarting it`),
        );
      }
      child ??= start();
      const proc = child;
      const id = nextId++;
      return new Promise<TaskResult>((resolve, reject) => {
        const entry: Pending = { id, sentAt: performance.now(), resolve, reject };
        pending.set(id, entry);
        signal.addEventListener(
          'abort',
          () => {
            if (!pending.delete(id)) return;
            // The timeout's error is the one the runner reports: say what the app printed instead of a reply.
            if (strayLines > 0 && signal.reason instanceof Error)
              signal.reason.message += `; the app printed ${strayLines} line(s) on stdout that are not replies (a reply is a JSON object with "output" or "error"), the last: ${JSON.stringify(lastStrayLine)}`;
            reject(signal.reason);
            // Nothing at all came back since this case was sent: the process is wedged, not just slow.
            if (child === proc && lastLineAt < entry.sentAt) {
              child = undefined;
              kill(proc);
              failAll(`task process restarted: it answered nothing for a whole timeout`);
            }
          },
          { once: true },
        );
        proc.stdin.write(JSON.stringify({ id, input, case: testCase }) + '\n');
      });
    },
    async close() {
      closed = true;
      const proc = child;
      child = undefined;
      failAll('task closed');
      if (!proc) return;
      proc.stdin.end();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          kill(proc);
          resolve();
        }, 1000);
        proc.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

/**
 * A reply line: a JSON object with an `output` or an `error` key, and an `id` that is a number when
 * present. Anything else (a log line, JSON or not) is not an answer.
 */
function parseReply(line: string): { id: number | undefined; message: Record<string, unknown> } | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!message || typeof message !== 'object' || Array.isArray(message)) return undefined;
  const record = message as Record<string, unknown>;
  if (!('output' in record) && !('error' in record)) return undefined;
  if (record.id !== undefined && typeof record.id !== 'number') return undefined;
  return { id: record.id as number | undefined, message: record };
}

/**
 * Make an app's log line safe to print in a terminal or a CI log: control characters (escape sequences,
 * carriage returns) become visible escapes, and the line is prefixed by the caller, so it can never start
 * with a `::` workflow command.
 */
function neutralise(line: string): string {
  const cut = line.length > MAX_LOG_LINE ? line.slice(0, MAX_LOG_LINE) + '…' : line;
  return cut.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
