import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { normaliseTaskResult, TaskError, type Task, type TaskResult } from './task.js';

/** After this many crashes in a row with no answer in between, stop restarting and fail the rest fast. */
const MAX_CONSECUTIVE_CRASHES = 5;

interface Pending {
  id: number;
  sentAt: number;
  resolve(result: TaskResult): void;
  reject(error: Error): void;
}

/**
 * `cmd:<command>`: one long-lived process speaking JSON lines on stdio, so a Python or Go app is tested
 * without a process per case. Each request is `{"id": n, "input": …, "case": …}`; each answer is a
 * TaskResult (or `{"error": "…"}`) with the same `id`, or, for apps that answer in order, without one.
 * A process that dies is restarted on the next case, and the cases it had in flight are errored; a process
 * that answers nothing for a whole timeout is treated as hung and restarted.
 */
export function createCmdTask(spec: string, command: string, cwd: string): Task {
  let child: ChildProcessWithoutNullStreams | undefined;
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let lastLineAt = 0;
  let crashes = 0;
  let stderrTail = '';
  let closed = false;

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
    proc.on('error', (error) => onExit(`could not start "${command}": ${error.message}`));
    proc.on('exit', (code, signal) =>
      onExit(`task process exited (${signal ? `signal ${signal}` : `code ${code}`})`),
    );
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

  function onLine(line: string) {
    if (line.trim() === '') return;
    lastLineAt = performance.now();
    let message: any;
    try {
      message = JSON.parse(line);
    } catch {
      const oldest = pending.values().next().value;
      if (oldest) {
        pending.delete(oldest.id);
        oldest.reject(
          new TaskError(`task answered with a line that is not JSON: ${JSON.stringify(line.slice(0, 120))}`),
        );
      }
      return;
    }
    const id =
      message && typeof message === 'object' && typeof message.id === 'number' ? message.id : undefined;
    const target = id !== undefined ? pending.get(id) : pending.values().next().value;
    if (!target) return; // An answer to a case that already timed out.
    pending.delete(target.id);
    crashes = 0;
    if (
      message &&
      typeof message === 'object' &&
      !Array.isArray(message) &&
      'error' in message &&
      !('output' in message)
    ) {
      target.reject(new TaskError(`task reported an error: ${String(message.error)}`));
      return;
    }
    if (message && typeof message === 'object' && 'id' in message) delete message.id;
    try {
      target.resolve(normaliseTaskResult(message));
    } catch (error) {
      target.reject(error as Error);
    }
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
    run(input, testCase, { signal }) {
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
