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

/** A case handed to the pool, until it settles. */
interface Pending {
  id: number;
  testCase: RegressionCase;
  /** The worker that holds it (changes when a stuck worker's unsent cases move to a fresh one). */
  slot?: Slot;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

type Reply =
  | { t: 'ready' }
  | ({ t: 'load-error' } & WorkerLoadError)
  | { t: 'pong' }
  | { t?: undefined; id: number; value?: unknown; threw?: string; raw?: boolean };

type Request = { t: 'run'; id: number; case: RegressionCase } | { t: 'abort'; id: number; reason: string };

/** One worker thread and the cases it holds. */
class Slot {
  readonly worker: Worker;
  /** Cases sent to the worker, or waiting in `outbox` to be sent. */
  readonly inFlight = new Map<number, Pending>();
  readonly ready: Promise<void>;
  private outbox: Request[] = [];
  private flushScheduled = false;
  private isReady = false;
  /** Armed while a ping is unanswered: the worker may be stuck, so nothing more is sent to it. */
  private stuckTimer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  /** Set once the worker is gone (exited, crashed, terminated). */
  dead = false;

  constructor(
    module: WorkerModule,
    private readonly onAnswer: () => void,
    /** The worker is gone; `unsent` are the cases it never received, for another worker to run. */
    private readonly onDeath: (slot: Slot, unsent: Pending[]) => void,
  ) {
    this.worker = new Worker(MODULE_WORKER_SOURCE, { eval: true, workerData: module });
    this.worker.unref(); // referenced only while it holds cases (see track)
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (replies: Reply[]) => {
        if (this.stuckTimer) {
          clearTimeout(this.stuckTimer);
          this.stuckTimer = undefined;
          this.scheduleFlush();
        }
        for (const reply of replies) {
          if (reply.t === 'ready') {
            this.isReady = true;
            resolve();
            this.scheduleFlush();
          } else if (reply.t === 'load-error') {
            reject(Object.assign(new Error(reply.message ?? 'load error'), { load: reply }));
            this.kill(`the task module failed to load in a new worker thread: ${describeLoadError(reply)}`);
          } else if (reply.t !== 'pong') this.settle(reply);
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

  track(pending: Pending): void {
    if (this.inFlight.size === 0) this.worker.ref();
    pending.slot = this;
    this.inFlight.set(pending.id, pending);
    this.send({ t: 'run', id: pending.id, case: pending.testCase });
  }

  untrack(id: number): Pending | undefined {
    const pending = this.inFlight.get(id);
    if (!pending) return undefined;
    this.inFlight.delete(id);
    if (this.inFlight.size === 0 && !this.dead) this.worker.unref();
    return pending;
  }

  /** Whether new cases should go elsewhere (a ping is unanswered). */
  get suspect(): boolean {
    return this.stuckTimer !== undefined;
  }

  /**
   * A case in this worker timed out: tell the task (its signal aborts), and ask the worker to answer. A
   * worker whose event loop does not answer within `graceMs` is stuck (a synchronous loop, a blocking
   * call): it is terminated, which is the only way to stop synchronous JavaScript.
   */
  abandon(id: number, reason: string, graceMs: number): void {
    const wasSent = !this.outbox.some((m) => m.t === 'run' && m.id === id);
    this.untrack(id);
    if (this.dead) return;
    if (!wasSent) {
      this.outbox = this.outbox.filter((m) => m.id !== id);
      return;
    }
    this.send({ t: 'abort', id, reason });
    if (this.stuckTimer) return;
    // Sent directly, not batched: the answer (any message) is what tells a busy worker from a stuck one.
    this.flush();
    this.worker.postMessage([{ t: 'ping' }]);
    this.stuckTimer = setTimeout(() => {
      this.stuckTimer = undefined;
      this.kill(
        `the task's worker thread stopped responding for ${graceMs} ms after a timeout (a synchronous loop or blocking call?) and was restarted`,
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
    this.stuckTimer = undefined;
    const unsentIds = new Set(this.outbox.filter((m) => m.t === 'run').map((m) => m.id));
    this.outbox = [];
    const unsent: Pending[] = [];
    const lost: Pending[] = [];
    for (const p of this.inFlight.values()) (unsentIds.has(p.id) ? unsent : lost).push(p);
    this.inFlight.clear();
    this.onDeath(this, unsent);
    for (const p of lost) p.reject(new TaskError(`${reason} while this case was in flight`));
  }

  private send(message: Request): void {
    this.outbox.push(message);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || !this.isReady || this.suspect || this.dead) return;
    this.flushScheduled = true;
    // Requests made in the same turn of the event loop go in one message (one clone, one wake-up).
    setImmediate(() => {
      this.flushScheduled = false;
      if (!this.suspect) this.flush();
    });
  }

  private flush(): void {
    if (this.dead || !this.isReady || this.outbox.length === 0) return;
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
          this.untrack(message.id)?.reject(
            new TaskError(`case could not be passed to the task thread: ${(error as Error).message}`),
          );
        }
      }
    }
  }

  private settle(reply: { id: number; value?: unknown; threw?: string; raw?: boolean }): void {
    const pending = this.untrack(reply.id);
    if (!pending) return; // the case already timed out
    this.onAnswer();
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
  private spare: Slot | undefined;
  private nextId = 1;
  private crashes = 0;
  private closed = false;

  constructor(
    private readonly module: WorkerModule,
    size: number,
    private readonly graceMs = 500,
  ) {
    this.slots = new Array<Slot | undefined>(Math.max(1, size)).fill(undefined);
  }

  /** Start the first worker and wait until it has loaded the module; rejects with the load error. */
  async start(): Promise<void> {
    await this.slot(0).ready;
  }

  run(testCase: RegressionCase, context: TaskCallContext): Promise<unknown> {
    if (this.closed) return Promise.reject(new TaskError('task closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const pending: Pending = { id, testCase, resolve, reject };
      this.dispatch(pending);
      const onAbort = (reason: unknown) => {
        const slot = pending.slot;
        if (!slot?.inFlight.has(id)) return;
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

  private dispatch(pending: Pending): void {
    if (this.crashes >= MAX_CONSECUTIVE_CRASHES) {
      pending.reject(
        new TaskError(`the task's worker thread died ${this.crashes} times in a row; not restarting it`),
      );
      return;
    }
    this.pick().track(pending);
  }

  /** Terminate every worker; cases still in flight are errored. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = [...this.slots, this.spare].filter((s): s is Slot => s !== undefined);
    this.slots.fill(undefined);
    this.spare = undefined;
    for (const slot of slots) slot.kill('task closed');
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => 0)));
  }

  /** The least loaded worker that is not suspected of being stuck; a new one when all are. */
  private pick(): Slot {
    let best = -1;
    let load = Infinity;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i];
      if (slot?.suspect) continue;
      const n = slot ? slot.inFlight.size : 0;
      if (n < load) {
        best = i;
        load = n;
        if (n === 0) break;
      }
    }
    if (best === -1) {
      // Every worker is suspect: one extra worker runs new cases meanwhile (so a stuck worker holds no
      // case it never received); it takes the place of whichever worker dies first.
      this.spare ??= this.spawn(() => {
        this.spare = undefined;
      });
      return this.spare;
    }
    return this.slot(best);
  }

  private slot(index: number): Slot {
    const existing = this.slots[index];
    if (existing && !existing.dead) return existing;
    if (this.spare && !this.spare.dead) {
      const spare = this.spare;
      this.spare = undefined;
      this.slots[index] = spare;
      return spare;
    }
    const slot = this.spawn(() => {
      if (this.slots[index] === slot) this.slots[index] = undefined;
    });
    this.slots[index] = slot;
    return slot;
  }

  private spawn(onGone: () => void): Slot {
    return new Slot(
      this.module,
      () => {
        this.crashes = 0;
      },
      (_dead, unsent) => {
        onGone();
        if (this.closed) {
          for (const p of unsent) p.reject(new TaskError('task closed'));
          return;
        }
        this.crashes++;
        for (const p of unsent) this.dispatch(p);
      },
    );
  }
}
