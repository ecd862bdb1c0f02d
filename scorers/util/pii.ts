/**
 * Personal data in text: emails, phone numbers, payment card numbers (Luhn-checked) and API-key-looking
 * strings. Hand-written because no offline PII detector exists for Node among our dependencies (Presidio and
 * the like are Python services); these are the standard patterns, tuned to skip dates, prices and order ids.
 */
export type PiiKind = 'email' | 'phone' | 'card' | 'api_key';
export const PII_KINDS: PiiKind[] = ['email', 'phone', 'card', 'api_key'];

export interface PiiSpan {
  kind: PiiKind;
  text: string;
  index: number;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const PHONE =
  /(?<![\w.$€£/-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,5}){1,4}(?![\w%]|[.,]\d)|(?<![\w.$€£/-])\+\d{7,15}(?!\w)/g;
const API_KEYS = [
  /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}/g, // OpenAI, Anthropic
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{22,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google
  /\b[rs]k_(?:live|test)_[0-9a-zA-Z]{20,}/g, // Stripe
  /\b(?:api[_-]?key|secret|token|password)\s*[:=]\s*["']?[A-Za-z0-9_\-./+=]{12,}/gi, // key=value
];
const ISO_DATE = /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Every personal-data span found in the text, in order. */
export function findPii(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const taken: Array<[number, number]> = [];
  const free = (i: number, n: number) => !taken.some(([a, b]) => i < b && i + n > a);
  const add = (kind: PiiKind, m: RegExpMatchArray) => {
    spans.push({ kind, text: m[0], index: m.index! });
    taken.push([m.index!, m.index! + m[0].length]);
  };
  for (const m of text.matchAll(EMAIL)) add('email', m);
  for (const re of API_KEYS)
    for (const m of text.matchAll(re)) if (free(m.index!, m[0].length)) add('api_key', m);
  for (const m of text.matchAll(CARD)) {
    const digits = m[0].replace(/\D/g, '');
    if (free(m.index!, m[0].length) && luhn(digits)) add('card', m);
  }
  for (const m of text.matchAll(PHONE)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15 || ISO_DATE.test(m[0]) || !free(m.index!, m[0].length))
      continue;
    add('phone', m);
  }
  return spans.sort((a, b) => a.index - b.index);
}
