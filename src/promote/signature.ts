import { sha256 } from '../util/stable-json.js';
import { isRecord, type Trace } from '../traces/trace.js';
import { contentText } from '../traces/build.js';
import type { Evidence } from './label.js';

/**
 * The question a trace answered, as text: a string input, the usual keys of an input object, or the last
 * user message of a conversation.
 */
export function questionText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (Array.isArray(input)) {
    const lastUser = [...input].reverse().find((m) => isRecord(m) && m.role === 'user');
    return lastUser ? (contentText((lastUser as Record<string, unknown>).content) ?? '') : '';
  }
  if (isRecord(input)) {
    for (const key of [
      'question',
      'query',
      'prompt',
      'message',
      'input',
      'text',
      'content',
      'user_message',
    ]) {
      const v = input[key];
      if (typeof v === 'string') return v;
    }
    if (Array.isArray(input.messages)) return questionText(input.messages);
    return JSON.stringify(input);
  }
  return input === undefined || input === null ? '' : String(input);
}

/**
 * The question as a template: numbers, ids, dates, times, emails, urls and scrub placeholders masked,
 * case and spacing folded, so "Where is order A-1234?" and "where is order B-99812 ?" are one template.
 */
export function questionTemplate(input: unknown): string {
  let t = questionText(input).toLowerCase();
  t = t
    .replace(/<[a-z_]+_\d+>/g, '<pii>')
    .replace(/\bhttps?:\/\/\S+/g, '<url>')
    .replace(/\b[\w.%+-]+@[\w-]+(\.[\w-]+)+\b/g, '<pii>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<id>')
    .replace(/\b\d{4}-\d{2}-\d{2}(t[\d:.]+z?)?\b/g, '<date>')
    .replace(/\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b/g, '<date>')
    .replace(
      /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(st|nd|rd|th)?(,? \d{4})?\b/g,
      '<date>',
    )
    .replace(
      /\b\d{1,2}(st|nd|rd|th)? (of )?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*( \d{4})?\b/g,
      '<date>',
    )
    .replace(/\b\d{1,2}:\d{2}(:\d{2})?\s*(am|pm)?\b/g, '<time>')
    .replace(/\b(?=[a-z0-9_-]*\d)[a-z0-9]+(?:[-_][a-z0-9]+)+\b/g, '<id>') // A-1234, ord_99x, inv-2024-07
    .replace(/\b(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{4,}\b/g, '<id>') // ORD12345, 7f3a9c
    .replace(/(?:[$€£¥]\s?)?\d+(?:[.,]\d+)*%?/g, '<n>')
    .replace(/[^\p{L}\p{N}<>\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length > 200 ? t.slice(0, 200) : t;
}

/** A JSON pointer with array indices masked: `/items/3/price` → `/items/*\/price`. */
export function maskPointer(pointer: string): string {
  return pointer.replace(/\/\d+(?=\/|$)/g, '/*');
}

/**
 * The failure signature: the failure mode plus what failed, in the most specific form the evidence
 * gives (the tool and argument, the schema path, the missing document), else the question template.
 * Near-duplicates share a signature, so they land in one cluster.
 */
export function failureSignature(
  mode: string,
  evidence: Evidence | undefined,
  trace: Trace,
): { basis: string; signature: string } {
  let what: string;
  if (evidence?.tool) what = `tool:${evidence.tool}|arg:${evidence.argument ?? '*'}`;
  else if (evidence?.pointer !== undefined) what = `schema:${maskPointer(evidence.pointer)}`;
  else if (evidence?.document_id !== undefined) what = `doc:${evidence.document_id}`;
  else what = `q:${questionTemplate(trace.input)}`;
  const basis = `${mode}|${what}`;
  return { basis, signature: sha256(basis) };
}
