import { Worker } from 'node:worker_threads';
import { MODULE_WORKER_SOURCE } from './module-worker-source.js';
import { LazyAbortContext, TaskError, type TaskCallContext } from './task.js';
import type { RegressionCase } from '../../cases/regression-case.js';

/** After this many worker deaths in a row with no answer in between, stop restarting and fail fast. */
const MAX_CONSECUTIVE_CRASHES = 5;

/** What a worker needs to load the task function. */
export interface WorkerModule {
  file: string;
  exportName: string;
  typescript: boolean;
  /** jiti's CommonJS entry, for TypeScript modules; null where it cannot be resolved (the action bundle). */
  jiti: string | null;
}

/** Why a worker could not load the module. */
export interface WorkerLoadError {
  message?: string;
  code?: string;
  missingExport?: boolean;
  available?: string[];
}

interface Pending {
  id: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

type Reply =
  | { t: 'ready' }
  | ({ t: 'load-error' } & WorkerLoadError)
  | { t: 'pong' }
  | { t?: undefined; id: number; value?: unknown; threw?: string; raw?: boolean };

/** One worker thread and the cases it holds. */
class Slot {
  readonly worker: Worker;
  readonly inFlight = new Map<number, Pending>();
  readonly ready: Promise<void>;
  private outbox: unknown[] = [];
  private flushScheduled = false;
  private isReady = false;
  private stuckTimer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  /** Set once the worker is gone (exited, crashed, terminated). */
  dead = false;

  constructor(
    module: WorkerModule,
    private readonly onReply: (slot: Slot) => void,
    private readonly onDeath: (slot: Slot, reason: string) => void,
  ) {
    this.worker = new Worker(MODULE_WORKER_SOURCE, { eval: true, workerData: module });
    this.worker.unref(); // referenced only while it holds cases (see track)
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (replies: Reply[]) => {
        if (this.stuckTimer) clearTimeout(this.stuckTimer);
        this.stuckTimer = undefined;
        for (const reply of replies) {
          if (reply.t === 'ready') {
            this.isReady = true;
            resolve();
            this.flush();
          } else if (reply.t === 'load-error') {
            reject(Object.assign(new Error(reply.message ?? 'load error'), { load: reply }));
            this.kill(describeLoadError(reply));
          } else if (reply.t === 'pong') continue;
          else this.settle(reply);
        }
      });
      this.worker.on('error', (error) => {
        this.lastError = error instanceof Error ? error.message : String(error);
      });
      this.worker.on('exit', (code) => {
        const reason = this.lastError
          ? `the task crashed its worker thread: ${this.lastError}`
          : `the task ended its worker thread (exit code ${code}, e.g. process.exit())`;
        reject(Object.assign(new Error(reason), { load: { message: reason } }));
        this.die(reason);
      });
    });
    this.ready.catch(() => {}); // observed by the pool; a dead worker's cases are rejected in die()
  }

  send(message: unknown): void {
    this.outbox.push(message);
    if (!this.flushScheduled && this.isReady) {
      this.flushScheduled = true;
      // Requests made in the same turn of the event loop go in one message (one clone, one wake-up).
      setImmediate(() => this.flush());
    }
  }

  track(pending: Pending, testCase: RegressionCase): void {
    if (this.inFlight.size === 0) this.worker.ref();
    this.inFlight.set(pending.id, pending);
    this.send({ t: 'run', id: pending.id, case: testCase });
  }

  untrack(id: number): Pending | undefined {
    const pending = this.inFlight.get(id);
    if (!pending) return undefined;
    this.inFlight.delete(id);
    if (this.inFlight.size === 0 && !this.dead) this.worker.unref();
    return pending;
  }

  /**
   * A case in this worker timed out: tell the task (its signal aborts), and ask the worker to answer. A
   * worker whose event loop does not answer within `graceMs` is stuck (a synchronous loop, a blocking
   * call): it is terminated, which is the only way to stop synchronous JavaScript.
   */
  abandon(id: number, reason: string, graceMs: number): void {
    this.untrack(id);
    if (this.dead) return;
    this.send({ t: 'abort', id, reason });
    this.send({ t: 'ping' });
    if (this.stuckTimer) return;
    this.stuckTimer = setTimeout(() => {
      this.stuckTimer = undefined;
      this.kill(
        `the task's worker thread stopped responding (a synchronous loop or blocking call?) and was restarted`,
      );
    }, graceMs);
  }

  kill(reason: string): void {
    if (this.dead) return;
    this.die(reason);
    void this.worker.terminate();
  }

  private die(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    if (this.stuckTimer) clearTimeout(this.stuckTimer);
    const pending = [...this.inFlight.values()];
    this.inFlight.clear();
    this.onDeath(this, reason);
    for (const p of pending) p.reject(new TaskError(`${reason} while this case was in flight`));
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.dead || this.outbox.length === 0) return;
    const batch = this.outbox;
    this.outbox = [];
    try {
      this.worker.postMessage(batch);
    } catch {
      // A case that cannot be cloned (it came from a JSONL file, so this is near impossible): send one by one.
      for (const message of batch) {
        try {
          this.worker.postMessage([message]);
        } catch (error) {
          const id = (message as { id?: number }).id;
          if (id !== undefined)
            this.untrack(id)?.reject(
              new TaskError(`case could not be passed to the task thread: ${(error as Error).message}`),
            );
        }
      }
    }
  }

  private settle(reply: { id: number; value?: unknown; threw?: string; raw?: boolean }): void {
    const pending = this.untrack(reply.id);
    if (!pending) return; // the case already timed out
    this.onReply(this);
    if (reply.threw !== undefined)
      pending.reject(new TaskError(reply.raw ? `task ${reply.threw}` : `task threw: ${reply.threw}`));
    else pending.resolve(reply.value);
  }
}

/** The message a load failure becomes (the caller adds the module's name). */
export function describeLoadError(error: WorkerLoadError): string {
  if (error.missingExport) {
    return error.available?.length
      ? `functions exported: ${error.available.join(', ')}`
      : 'no function exports';
  }
  return error.message ?? 'unknown error';
}

/**
 * Worker threads that run a `module:` task's function, so that a task which never returns to the event
 * loop (a synchronous infinite loop) or ends its thread (`process.exit`) costs its cases, not the run: the
 * timeout still fires and signals still reach the CLI, because the main thread never runs task code. A
 * dead or stuck worker errors the cases it held and is restarted on the next case.
 */
export class TaskWorkerPool {
  private readonly slots: Array<Slot | undefined>;
  private nextId = 1;
  private crashes = 0;
  private closed = false;

  constructor(
    private readonly module: WorkerModule,
    size: number,
    private readonly graceMs = 1000,
  ) {
    this.slots = new Array<Slot | undefined>(Math.max(1, size)).fill(undefined);
  }

  /** Start the first worker and wait until it has loaded the module; rejects with the load error. */
  async start(): Promise<void> {
    await this.slot(0).ready;
  }

  run(testCase: RegressionCase, context: TaskCallContext): Promise<unknown> {
    if (this.closed) return Promise.reject(new TaskError('task closed'));
    if (this.crashes >= MAX_CONSECUTIVE_CRASHES) {
      return Promise.reject(
        new TaskError(`the task's worker thread died ${this.crashes} times in a row; not restarting it`),
      );
    }
    const slot = this.leastLoaded();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const pending: Pending = { id, resolve, reject };
      slot.track(pending, testCase);
      const onAbort = (reason: unknown) => {
        if (!slot.inFlight.has(id)) return;
        const error = reason instanceof Error ? reason : new TaskError(String(reason));
        slot.abandon(id, error.message, this.graceMs);
        reject(error);
      };
      // LazyAbortContext tells us without creating an AbortController (several µs per case).
      if (context instanceof LazyAbortContext) context.onAbort(onAbort);
      else if (context.signal.aborted) onAbort(context.signal.reason);
      else context.signal.addEventListener('abort', () => onAbort(context.signal.reason), { once: true });
    });
  }

  /** Terminate every worker; cases still in flight are errored. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.filter((s): s is Slot => s !== undefined);
    this.slots.fill(undefined);
    for (const slot of slots) slot.kill('task closed');
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => 0)));
  }

  private leastLoaded(): Slot {
    let best = -1;
    let load = Infinity;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i];
      const n = slot ? slot.inFlight.size : 0;
      if (n < load) {
        best = i;
        load = n;
        if (n === 0) break;
      }
    }
    return this.slot(best);
  }

  private slot(index: number): Slot {
    const existing = this.slots[index];
    if (existing && !existing.dead) return existing;
    const slot = new Slot(
      this.module,
      () => {
        this.crashes = 0;
      },
      (dead) => {
        if (this.slots[index] === dead) this.slots[index] = undefined;
        if (!this.closed) this.crashes++;
      },
    );
    this.slots[index] = slot;
    return slot;
  }
}
