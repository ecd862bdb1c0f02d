import { z } from 'zod';
import type winkNLP from 'wink-nlp';
import type { ScorerDefinition } from './types.js';
import { answerText } from './util/json-text.js';

const CLAIM_KINDS = ['number', 'money', 'percent', 'date', 'url', 'email', 'entity'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

const options = z
  .object({
    /** Output JSON field holding the answer text (the whole output when absent). */
    answer_field: z.string().default('answer'),
    /** Strings that count as known facts besides the sources (e.g. the support address, the product name). */
    allow: z.array(z.string()).default([]),
    /** Which kinds of claim to check. */
    check: z.array(z.enum(CLAIM_KINDS)).default([...CLAIM_KINDS]),
    /** Where supporting text may come from: the run's retrieved documents and/or the case input. */
    sources: z.array(z.enum(['retrieved', 'input'])).default(['retrieved', 'input']),
  })
  .strict();

type Options = z.infer<typeof options>;

/** One checkable span of the answer. */
export interface Claim {
  text: string;
  kind: ClaimKind;
}

// wink-nlp with its English lite model (bundled, loads offline). Only the pipes we use: part-of-speech tags
// (proper nouns) and the entity recogniser (money, percentages, dates…); sentence splitting is skipped for
// speed, sentence starts are read off the punctuation instead.
// Loaded on first use, not at import: the model costs ~20 MB and ~150 ms, and most runs never check claims.
let nlp: ReturnType<typeof winkNLP> | undefined;
let loading: Promise<void> | undefined;

/** Load wink-nlp and its English model; `extractClaims` needs this done once (the scorer does it itself). */
export function loadClaimExtractor(): Promise<void> {
  loading ??= Promise.all([import('wink-nlp'), import('wink-eng-lite-web-model')]).then(([wink, model]) => {
    const create = ((wink as { default?: unknown }).default ?? wink) as typeof winkNLP;
    nlp = create(((model as { default?: unknown }).default ?? model) as never, ['pos', 'ner']);
  });
  return loading;
}

function engine(): ReturnType<typeof winkNLP> {
  if (!nlp) throw new Error('extractClaims: call `await loadClaimExtractor()` first');
  return nlp;
}

const ENTITY_KIND: Record<string, ClaimKind> = {
  MONEY: 'money',
  PERCENT: 'percent',
  DATE: 'date',
  TIME: 'date',
  DURATION: 'date',
  CARDINAL: 'number',
  ORDINAL: 'number',
  EMAIL: 'email',
  URL: 'url',
};
const LEADING_WORDS = new Set([
  'since',
  'until',
  'till',
  'by',
  'from',
  'before',
  'after',
  'on',
  'in',
  'at',
  'about',
  'around',
  'over',
  'under',
  'within',
  'for',
  'during',
  'of',
  'the',
  'every',
  'each',
  'per',
]);
const TOKEN_KIND: Record<string, ClaimKind> = {
  number: 'number',
  email: 'email',
  url: 'url',
  ordinal: 'number',
};

/**
 * The checkable claims of an answer: entities with digits (amounts, percentages, dates, counts), emails, URLs,
 * stray numbers, and runs of proper nouns (names of people, companies, places, products).
 */
export function extractClaims(text: string): Claim[] {
  const candidate = claimSentences(text);
  if (!candidate) return [];
  const nlp = engine();
  const its = nlp.its;
  const doc = nlp.readDoc(candidate);
  const tokens = doc.tokens();
  const words = tokens.out() as string[];
  const types = tokens.out(its.type) as string[];
  const pos = tokens.out(its.pos) as string[];
  const spaces = tokens.out(its.precedingSpaces) as string[];
  const covered = new Uint8Array(words.length);
  const claims: Claim[] = [];
  const spanText = (a: number, b: number) => {
    let s = words[a];
    for (let i = a + 1; i <= b; i++) s += spaces[i] + words[i];
    return s;
  };
  const entities = doc.entities();
  const spans = entities.out(its.span) as unknown as Array<[number, number]>;
  const entityTypes = entities.out(its.type) as string[];
  spans.forEach(([start, b], i) => {
    const kind = ENTITY_KIND[entityTypes[i]];
    if (!kind) return;
    // wink includes the preposition in spans like "until March 3": the claim is the date itself.
    let a = start;
    while (a < b && LEADING_WORDS.has(words[a].toLowerCase())) a++;
    const value = spanText(a, b);
    if ((kind === 'number' || kind === 'date' || kind === 'money' || kind === 'percent') && !/\d/.test(value))
      return;
    for (let t = a; t <= b; t++) covered[t] = 1;
    claims.push({ text: value, kind });
  });
  for (let i = 0; i < words.length; i++) {
    if (covered[i]) continue;
    const kind = TOKEN_KIND[types[i]];
    if (kind && /\d|@|\//.test(words[i])) {
      claims.push({ text: words[i], kind });
      continue;
    }
    if (pos[i] !== 'PROPN' || !/^\p{Lu}/u.test(words[i])) continue;
    let end = i;
    while (
      end + 1 < words.length &&
      !covered[end + 1] &&
      pos[end + 1] === 'PROPN' &&
      /^\p{Lu}/u.test(words[end + 1])
    )
      end++;
    // A capitalised first word of a sentence is tagged PROPN more often than it is one: leave it out.
    let start = i;
    if (i === 0 || /^[.!?:]$/.test(words[i - 1]) || spaces[i].includes('\n')) start++;
    if (start <= end) claims.push({ text: spanText(start, end), kind: 'entity' });
    i = end;
  }
  return claims;
}

const SENTENCE_END = /(?<=[.!?])\s+/;
const MAY_HOLD_CLAIM = /[\d@]|:\/\/|www\.|\S\s+\p{Lu}/u;

/**
 * Only the sentences that can hold a claim (a digit, an email or URL, a capitalised word after the first) go
 * through wink: tagging costs about 2 µs a word, and filler sentences are most of a typical answer.
 */
function claimSentences(text: string): string {
  const sentences = text.split(SENTENCE_END);
  if (sentences.length === 1) return MAY_HOLD_CLAIM.test(text) ? text : '';
  return sentences.filter((s) => MAY_HOLD_CLAIM.test(s)).join(' ');
}

/** Known facts: the text of the sources, its numbers (canonical) and its words, for quick look-ups. */
interface Facts {
  text: string;
  numbers: Set<string>;
  /** Numbers written as percentages (`12%`, `12 percent`): a percentage claim needs one of these. */
  percents: Set<string>;
  /** Numbers written as amounts (`$12`, `12 EUR`, `12 dollars`): a money claim needs one of these. */
  amounts: Set<string>;
  words: Set<string>;
}

const NUMBER = /\d+(?:,\d{3})*(?:\.\d+)?/g;
const PERCENT = /(\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)/g;
const AMOUNT =
  /[$€£¥]\s?(\d+(?:,\d{3})*(?:\.\d+)?)|(\d+(?:,\d{3})*(?:\.\d+)?)\s?(?:usd|eur|gbp|dollars?|euros?|pounds?|cents?)\b/g;
const WORD = /[\p{L}\p{N}]+/gu;
const canonicalNumber = (s: string) => String(Number(s.replace(/,/g, '')));

function factsOf(text: string): Facts {
  const lower = text.toLowerCase().replace(/\s+/g, ' ');
  return {
    text: lower,
    numbers: new Set(Array.from(lower.matchAll(NUMBER), (m) => canonicalNumber(m[0]))),
    percents: new Set(Array.from(lower.matchAll(PERCENT), (m) => canonicalNumber(m[1]))),
    amounts: new Set(Array.from(lower.matchAll(AMOUNT), (m) => canonicalNumber(m[1] ?? m[2]))),
    words: new Set(lower.match(WORD) ?? []),
  };
}

// Facts per distinct source text: the same retrieved documents recur across cases and trials.
const factsCache = new Map<string, Facts>();
function cachedFacts(text: string): Facts {
  let facts = factsCache.get(text);
  if (!facts) {
    if (factsCache.size > 5000) factsCache.clear();
    factsCache.set(text, (facts = factsOf(text)));
  }
  return facts;
}

/** Is a claim backed by the facts? Exact text first; then every number and every word of it found there. */
export function isSupported(claim: Claim, facts: Facts): boolean {
  const text = claim.text.toLowerCase().replace(/\s+/g, ' ');
  if (facts.text.includes(text)) return true;
  if (claim.kind === 'url' || claim.kind === 'email') return facts.text.includes(text.replace(/[/.]+$/, ''));
  const numbers = Array.from(text.matchAll(NUMBER), (m) => canonicalNumber(m[0]));
  const known =
    claim.kind === 'percent' ? facts.percents : claim.kind === 'money' ? facts.amounts : facts.numbers;
  if (numbers.some((n) => !known.has(n))) return false;
  // Words of amounts and dates ("dollars", "March") must be there too, bar units the source may spell differently.
  const words = (text.match(WORD) ?? []).filter((w) => !/^\d/.test(w) && !UNIT_WORDS.has(w));
  return words.every((w) => facts.words.has(w));
}

const UNIT_WORDS = new Set([
  'usd',
  'eur',
  'gbp',
  'dollars',
  'dollar',
  'euros',
  'euro',
  'percent',
  'per',
  'cent',
  'since',
  'about',
  'around',
  'the',
  'of',
  'on',
  'in',
  'at',
  'and',
]);

/** Strings and numbers anywhere inside the case input. */
function inputText(input: unknown, out: string[] = []): string[] {
  if (typeof input === 'string' || typeof input === 'number') out.push(String(input));
  else if (Array.isArray(input)) for (const v of input) inputText(v, out);
  else if (input && typeof input === 'object') for (const v of Object.values(input)) inputText(v, out);
  return out;
}

/**
 * Numbers, amounts, percentages, dates, URLs, emails and named entities in the answer must appear in the
 * retrieved context, the input, or the allow-list. Score = supported / claims; each unsupported span listed.
 */
export const unsupportedClaims: ScorerDefinition<Options> = {
  id: 'unsupported-claims',
  version: '1',
  kind: 'code',
  failureModes: ['hallucination'],
  description:
    'Numbers, amounts, percentages, dates, URLs, emails and named entities (wink-nlp) in the answer appear in the retrieved context, the input or an allow-list; lists each unsupported span.',
  options,
  create: (opts) => {
    const kinds = new Set(opts.check);
    const allowText = opts.allow.join('\n');
    return async (args) => {
      if (!nlp) await loadClaimExtractor();
      const useRetrieved = opts.sources.includes('retrieved');
      if (useRetrieved && !Array.isArray(args.retrieved)) {
        return {
          name: 'unsupported-claims',
          score: null,
          metadata: { reason: 'the run reported no retrieved context' },
        };
      }
      const parts: string[] = [];
      if (useRetrieved) for (const d of args.retrieved!) if (typeof d?.text === 'string') parts.push(d.text);
      if (opts.sources.includes('input')) parts.push(...inputText(args.input));
      parts.push(allowText);
      const facts = cachedFacts(parts.join('\n'));
      const claims = extractClaims(answerText(args.output, opts.answer_field)).filter((c) =>
        kinds.has(c.kind),
      );
      const unsupported = claims.filter((c) => !isSupported(c, facts));
      const metadata: Record<string, unknown> = { claims: claims.length, unsupported };
      if (unsupported.length) {
        const list = unsupported
          .slice(0, 5)
          .map((c) => `"${c.text}" (${c.kind})`)
          .join(', ');
        const more = unsupported.length > 5 ? ` +${unsupported.length - 5} more` : '';
        metadata.reason = `unsupported: ${list}${more} — not in the retrieved context, input or allow-list`;
      }
      const score = claims.length ? (claims.length - unsupported.length) / claims.length : 1;
      return { name: 'unsupported-claims', score, metadata };
    };
  },
};
