import { outputAsText } from './types.js';

/** A case's input as the judge reads it: the question when there is one, else the input as text. */
export function inputAsText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (input && typeof input === 'object') {
    const q = (input as Record<string, unknown>).question ?? (input as Record<string, unknown>).query;
    if (typeof q === 'string') return q;
  }
  return outputAsText(input);
}

/** Retrieved chunks as numbered context lines: `[kb-1] text`. */
export function contextAsText(retrieved: Array<{ id: string; text?: string }> | undefined): string {
  return (retrieved ?? [])
    .filter((c) => typeof c.text === 'string' && c.text.trim())
    .map((c) => `[${c.id}] ${c.text}`)
    .join('\n');
}
