const noop = () => {};

/** A pending deadline; `settled` is set when the work finished first. */
interface Deadline {
  at: number;
  settled: boolean;
  expire(): void;
  next: Deadline | undefined;
}

/**
 * Per-case timeouts with one timer. Every case of a run has the same timeout, so deadlines are added in
 * the order they fall due: a FIFO list suffices, and a single timer armed for the oldest live deadline
 * replaces a setTimeout/clearTimeout pair per case (about a microsecond each, a sixth of the runner's whole
 * per-case overhead). Finished work is only marked settled and skipped when the timer reaches it.
 */
export class DeadlineQueue {
  private head: Deadline | undefined;
  private tail: Deadline | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  /**
   * Settle with `work`, or reject with `onTimeout()` once the timeout has passed, whichever comes first
   * (`onTimeout` may also abort the work).
   */
  race<T>(work: Promise<T>, onTimeout: () => Error): Promise<T> {
    // Drop finished work from the front first, so the list holds only what is (nearly) in flight.
    while (this.head?.settled) this.pop();
    return new Promise<T>((resolve, reject) => {
      const deadline: Deadline = {
        at: performance.now() + this.timeoutMs,
        settled: false,
        expire: () => reject(onTimeout()),
        next: undefined,
      };
      if (this.tail) this.tail.next = deadline;
      else this.head = deadline;
      this.tail = deadline;
      this.timer ??= this.arm();
      work.then(
        (value) => {
          deadline.settled = true;
          deadline.expire = noop;
          resolve(value);
        },
        (error) => {
          deadline.settled = true;
          deadline.expire = noop;
          reject(error);
        },
      );
    });
  }

  private arm(): NodeJS.Timeout | undefined {
    while (this.head?.settled) this.pop();
    if (!this.head) return undefined;
    // Kept referenced: a hung task may hold nothing else open, and the timeout must still fire. close()
    // clears it when the run is over.
    return setTimeout(() => this.fire(), Math.max(0, this.head.at - performance.now()));
  }

  private fire(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.head && (this.head.settled || this.head.at <= now)) {
      const deadline = this.pop()!;
      if (!deadline.settled) {
        deadline.settled = true;
        deadline.expire();
      }
    }
    this.timer = this.arm();
  }

  /** Deadlines still listed (finished ones not yet dropped included): stays near the concurrency. */
  get listed(): number {
    let n = 0;
    for (let d = this.head; d; d = d.next) n++;
    return n;
  }

  /** Stop the timer (the run is over); deadlines still pending never fire. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.head = this.tail = undefined;
  }

  private pop(): Deadline | undefined {
    const deadline = this.head;
    this.head = deadline?.next;
    if (!this.head) this.tail = undefined;
    return deadline;
  }
}
