/**
 * Groups span-like pieces into traces while streaming, holding only the traces still open. Sources export
 * spans as they end, so a trace's pieces sit close together in a file but not necessarily in order, and
 * its root usually comes last. A trace is complete once its root has been seen and no piece of it arrived
 * for `idleRecords` records, or when more than `maxOpen` traces are open (the least recently touched is
 * emitted). Memory therefore depends on these bounds, never on the file size.
 */
export interface AssemblerOptions {
  /** Records without news for a trace whose root was seen before it is emitted. */
  idleRecords?: number;
  /** Open traces kept at most; the least recently touched is emitted first. */
  maxOpen?: number;
  /** Ids of emitted traces remembered, so a late piece is reported rather than becoming a broken trace. */
  rememberClosed?: number;
}

export interface TraceGroup<P> {
  traceId: string;
  pieces: P[];
  positions: string[];
  rootSeen: boolean;
}

interface OpenTrace<P> extends TraceGroup<P> {
  lastSeen: number;
}

export class TraceAssembler<P> {
  private readonly open = new Map<string, OpenTrace<P>>();
  private readonly closed = new Set<string>();
  private records = 0;
  private readonly idle: number;
  private readonly maxOpen: number;
  private readonly remember: number;

  constructor(options: AssemblerOptions = {}) {
    this.idle = options.idleRecords ?? 5000;
    this.maxOpen = options.maxOpen ?? 10000;
    this.remember = options.rememberClosed ?? 100000;
  }

  /**
   * Add one piece; returns the traces that became complete (possibly none), or `late` when the piece
   * belongs to a trace already emitted.
   */
  add(traceId: string, piece: P, isRoot: boolean, position: string): TraceGroup<P>[] | 'late' {
    this.records++;
    let trace = this.open.get(traceId);
    if (trace) {
      this.open.delete(traceId);
    } else {
      if (this.closed.has(traceId)) return 'late';
      trace = { traceId, pieces: [], positions: [], rootSeen: false, lastSeen: 0 };
    }
    trace.pieces.push(piece);
    trace.positions.push(position);
    trace.rootSeen ||= isRoot;
    trace.lastSeen = this.records;
    this.open.set(traceId, trace); // re-inserted: the Map's order is least recently touched first
    return this.ready();
  }

  /** Everything still open, at the end of the input. */
  finish(): TraceGroup<P>[] {
    const rest = [...this.open.values()];
    this.open.clear();
    return rest;
  }

  /** Open traces right now (for tests and the bench). */
  get openCount(): number {
    return this.open.size;
  }

  private ready(): TraceGroup<P>[] {
    const done: TraceGroup<P>[] = [];
    for (const trace of this.open.values()) {
      const quiet = this.records - trace.lastSeen;
      // A trace whose root never comes (it lives in another service's export) waits four times longer.
      const complete = quiet >= this.idle && (trace.rootSeen || quiet >= 4 * this.idle);
      if (complete || this.open.size > this.maxOpen) {
        this.open.delete(trace.traceId);
        this.markClosed(trace.traceId);
        done.push(trace);
      } else break;
    }
    return done;
  }

  private markClosed(traceId: string): void {
    this.closed.add(traceId);
    if (this.closed.size > this.remember) {
      const oldest = this.closed.values().next().value as string;
      this.closed.delete(oldest);
    }
  }
}
