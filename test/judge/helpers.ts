import type { ChatReply } from '../servers/openai-server.js';

/** The prompt text of a chat-completions or responses request. */
export function promptOf(body: any): string {
  const messages: any[] = body.messages ?? (Array.isArray(body.input) ? body.input : []);
  return messages
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
    .join('\n');
}

/** The verdict tool's name in either wire format. */
export function toolName(body: any): string {
  const tool = body.tools?.[0];
  return tool?.function?.name ?? tool?.name;
}

/** A judge reply: a call of the verdict tool with `verdict`, in whichever API the request used. */
export function verdictReply(body: any, verdict: Record<string, unknown> | string): ChatReply {
  return { tool_calls: [{ name: toolName(body), arguments: verdict }] };
}

/** A judge server reply that picks the choice from the prompt. */
export function judgeBy(decide: (prompt: string, body: any) => Record<string, unknown>) {
  return (body: any): ChatReply => verdictReply(body, decide(promptOf(body), body));
}

/** A calibration record whose figures clear the default minimums (20/20 agreement on each side). */
export function passingCalibrationRecord(scorer: {
  name: string;
  id: string;
  version: string;
  minScore: number;
  model?: string;
}): Record<string, unknown> {
  const rate = (lower: number) => ({ value: 1, lower, upper: 1, of: '20/20' });
  return {
    version: 1,
    scorer: scorer.name,
    scorer_id: scorer.id,
    scorer_version: scorer.version,
    judge_model: scorer.model ?? 'judge-model',
    prompt_hash: 'sha256:test',
    min_score: scorer.minScore,
    labels: { file: 'labels.jsonl', sha256: 'sha256:test', examples: 40, pass: 20, fail: 20, reviewers: [] },
    figures: {
      examples: 40,
      agreement: rate(0.912),
      kappa: 1,
      tpr: rate(0.839),
      tnr: rate(0.839),
      confusion: { tp: 20, fp: 0, fn: 0, tn: 20 },
      suggested_threshold: 0.9,
    },
    created_at: '2026-12-01T00:00:00.000Z',
  };
}
