import type { Trace } from '../traces/trace.js';
import type { Label } from './label.js';
import { questionText } from './signature.js';

/** Which member of a cluster becomes its dataset row. */
export const REPRESENTATIVE_POLICIES = ['most-recent', 'most-complete', 'earliest'] as const;
export type RepresentativePolicy = (typeof REPRESENTATIVE_POLICIES)[number];

/** A trace with its label and signature, ready to cluster. */
export interface LabelledTrace {
  trace: Trace;
  label: Label;
  kind: 'failure' | 'golden';
  signature: string;
  /** The readable text the signature hashes (`tool-argument-error|tool:lookup_order|arg:order_id`). */
  basis: string;
}

/** One cluster: its size and time range, a representative kept whole, the others by span id only. */
export interface Cluster {
  signature: string;
  basis: string;
  failure_mode: string;
  kind: 'failure' | 'golden';
  size: number;
  first_seen?: string;
  last_seen?: string;
  representative: LabelledTrace;
  /** Root span ids of the other members (at most `maxRelated`; `size` counts them all). */
  related_span_ids: string[];
}

/** How complete a trace is as a regression case: the more context to replay it, the better. */
export function completeness(trace: Trace): number {
  let score = 0;
  if (trace.output !== undefined) score += 2;
  if (trace.input !== undefined && trace.input !== null) score += 2;
  if (trace.tool_calls.length)
    score +=
      1 + trace.tool_calls.filter((c) => c.result !== undefined || c.error).length / trace.tool_calls.length;
  if (trace.retrieved.length)
    score += 1 + trace.retrieved.filter((c) => c.text).length / trace.retrieved.length;
  for (const field of [
    trace.system_prompt,
    trace.prompt_version,
    trace.model_version,
    trace.usage,
    trace.expected,
  ])
    if (field !== undefined) score++;
  if (trace.feedback.length) score++;
  return score;
}

/**
 * Streaming clustering by failure signature: memory holds one representative trace and a capped list of
 * span ids per cluster, so it grows with the number of clusters, not the number of traces.
 */
export class Clusterer {
  private readonly clusters = new Map<string, Cluster>();

  constructor(
    private readonly policy: RepresentativePolicy = 'most-recent',
    private readonly maxRelated = 1000,
  ) {}

  add(item: LabelledTrace): void {
    const key = `${item.kind}\u0000${item.signature}`;
    const time = item.trace.start_time;
    const cluster = this.clusters.get(key);
    if (!cluster) {
      this.clusters.set(key, {
        signature: item.signature,
        basis: item.basis,
        failure_mode: item.label.failure_mode,
        kind: item.kind,
        size: 1,
        first_seen: time,
        last_seen: time,
        representative: item,
        related_span_ids: [],
      });
      return;
    }
    cluster.size++;
    if (time && (!cluster.first_seen || time < cluster.first_seen)) cluster.first_seen = time;
    if (time && (!cluster.last_seen || time > cluster.last_seen)) cluster.last_seen = time;
    const loser = this.better(item, cluster.representative) ? cluster.representative : item;
    if (loser !== item) cluster.representative = item;
    if (cluster.related_span_ids.length < this.maxRelated)
      cluster.related_span_ids.push(loser.trace.root_span_id);
  }

  /** Is `a` a better representative than `b` under the policy? Ties go to the one seen first. */
  private better(a: LabelledTrace, b: LabelledTrace): boolean {
    const ta = a.trace.start_time ?? '';
    const tb = b.trace.start_time ?? '';
    if (this.policy === 'most-complete') {
      const ca = completeness(a.trace);
      const cb = completeness(b.trace);
      if (ca !== cb) return ca > cb;
      return ta > tb;
    }
    if (this.policy === 'earliest') return ta !== '' && (tb === '' || ta < tb);
    return ta > tb;
  }

  get size(): number {
    return this.clusters.size;
  }

  /** Clusters, largest first (then by signature, for a stable order). */
  result(): Cluster[] {
    return [...this.clusters.values()].sort((a, b) => b.size - a.size || a.basis.localeCompare(b.basis));
  }
}

/** A one-line example of a cluster for the terminal. */
export function clusterExample(cluster: Cluster, width = 80): string {
  const text = questionText(cluster.representative.trace.input).replace(/\s+/g, ' ').trim();
  return text.length > width ? text.slice(0, width - 1) + '…' : text;
}
