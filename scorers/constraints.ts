import { z } from 'zod';
import type { ScorerDefinition } from './types.js';
import { answerText, clip, getPath, isPlainObject, readJson } from './util/json-text.js';
import { findPii, PII_KINDS, type PiiKind } from './util/pii.js';
import { guessLanguage, SUPPORTED_LANGUAGES } from './util/language.js';

/**
 * Compile a constraint pattern: `"/re/flags"` or a bare pattern. PCRE's leading inline flags (`(?i)refund`,
 * `(?is)…`) are translated to JavaScript flags; inline flags anywhere else, and any pattern that does not compile,
 * give an error that says how to write it for JavaScript.
 */
export function compilePattern(pattern: string): RegExp | { error: string } {
  const slashed = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  let source = slashed ? slashed[1] : pattern;
  let flags = slashed ? slashed[2] : '';
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(source);
  if (inline) {
    const unknown = [...inline[1]].filter((f) => !'ims'.includes(f));
    if (unknown.length)
      return {
        error: `pattern ${JSON.stringify(pattern)} uses the inline flag(s) (?${unknown.join('')}), which JavaScript does not have; only i, m and s translate (write "/${source.slice(inline[0].length)}/${[...new Set(flags + inline[1].replace(/[^ims]/g, ''))].join('')}")`,
      };
    source = source.slice(inline[0].length);
    flags = [...new Set(flags + inline[1])].join('');
  }
  const midInline = /\(\?[a-zA-Z]+(?:-[a-zA-Z]+)?[:)]/.exec(source);
  if (midInline)
    return {
      error: `pattern ${JSON.stringify(pattern)} uses the inline modifier ${midInline[0]}, which JavaScript does not support; put the flags on the whole pattern instead, e.g. "/${source.replace(/\(\?[a-zA-Z]+(?:-[a-zA-Z]+)?[:)]/g, '(?:')}/i" (check the groups still balance)`,
    };
  try {
    return new RegExp(source, flags);
  } catch (error) {
    return {
      error: `pattern ${JSON.stringify(pattern)} does not compile as a JavaScript regular expression: ${(error as Error).message}${slashed ? '' : ' (write "/pattern/flags" for flags)'}`,
    };
  }
}

/** A list of patterns, each checked when the config (or the case) is read, so a typo fails at load with its key. */
const patternList = z.array(z.string()).superRefine((patterns, ctx) => {
  patterns.forEach((p, i) => {
    const compiled = compilePattern(p);
    if (!(compiled instanceof RegExp)) ctx.addIssue({ code: 'custom', path: [i], message: compiled.error });
  });
});

/** Declarative constraints on an answer; every key optional. The same shape in options and `expected.constraints`. */
export const constraintSetSchema = z
  .object({
    /** Regexes the answer must match (`"/pattern/i"` for flags; a leading PCRE `(?i)` is translated). */
    must_match: patternList.optional(),
    must_not_match: patternList.optional(),
    /** Terms the answer must / must not mention (case-insensitive, whole words). */
    must_mention: z.array(z.string()).optional(),
    must_not_mention: z.array(z.string()).optional(),
    max_words: z.number().int().nonnegative().optional(),
    min_words: z.number().int().nonnegative().optional(),
    max_chars: z.number().int().nonnegative().optional(),
    max_sentences: z.number().int().nonnegative().optional(),
    /** Dotted paths that must be present (not null) in the output JSON, e.g. `citations` or `meta.lang`. */
    required_fields: z.array(z.string()).optional(),
    /** Markdown headings the answer must contain (heading text, case-insensitive). */
    required_sections: z.array(z.string()).optional(),
    /** No personal data: emails, phone numbers, card numbers, API keys. */
    no_pii: z.boolean().optional(),
    /** Kinds of personal data allowed despite `no_pii`, and exact values allowed (e.g. the support address). */
    allow_pii: z.array(z.enum(PII_KINDS as [PiiKind, ...PiiKind[]]).or(z.string())).optional(),
    /** ISO 639-1 code the answer must be written in (en, es, fr, de, it, pt, nl). */
    language: z.string().optional(),
  })
  .strict();

export type ConstraintSet = z.infer<typeof constraintSetSchema>;

const options = constraintSetSchema
  .extend({
    /** Output JSON field whose text the text constraints check (the whole output when absent). */
    answer_field: z.string().default('answer'),
  })
  .strict();

type Options = z.infer<typeof options>;

// Intl.Segmenter (built into Node) counts words and sentences the way ICU does: "e.g." and "3.5" do not end
// sentences, and punctuation is not a word.
const wordSegmenter = new Intl.Segmenter('en', { granularity: 'word' });
const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

function countWords(text: string): number {
  let n = 0;
  for (const s of wordSegmenter.segment(text)) if (s.isWordLike) n++;
  return n;
}

function countSentences(text: string): number {
  let n = 0;
  for (const s of sentenceSegmenter.segment(text)) if (s.segment.trim()) n++;
  return n;
}

/** A compiled pattern, or the error message (the schema rejects bad patterns first; this is the safety net). */
function toRegex(pattern: string): RegExp | string {
  const compiled = compilePattern(pattern);
  return compiled instanceof RegExp ? compiled : `invalid pattern: ${compiled.error}`;
}

function mentions(text: string, term: string): boolean {
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu').test(text);
}

/** The case's constraints merged over the configured ones (the case wins key by key). */
function constraintsFor(opts: Options, expected: unknown): ConstraintSet | { error: string } {
  const { answer_field: _field, ...configured } = opts;
  const own = isPlainObject(expected) ? expected.constraints : undefined;
  if (own === undefined) return configured;
  const parsed = constraintSetSchema.safeParse(own);
  if (!parsed.success) {
    return {
      error: parsed.error.issues
        .map((i) => `expected.constraints.${i.path.join('.')}: ${i.message}`)
        .join('; '),
    };
  }
  return { ...configured, ...parsed.data };
}

/** Declarative constraints from the config or the case (`expected.constraints`). Score = fraction met. */
export const constraints: ScorerDefinition<Options> = {
  id: 'constraints',
  version: '1',
  kind: 'code',
  failureModes: ['instruction-follow-failure'],
  description:
    'Declarative constraints (config or expected.constraints): must/must-not match or mention, max words/chars/sentences, required JSON fields or markdown sections, no PII, language. Score = fraction met.',
  options,
  create: (opts) => (args) => {
    const set = constraintsFor(opts, args.expected);
    if ('error' in set)
      return { name: 'constraints', score: 0, metadata: { reason: `invalid constraints: ${set.error}` } };
    const text = answerText(args.output, opts.answer_field);
    const checks: Array<{ constraint: string; ok: boolean; detail?: string }> = [];
    const check = (constraint: string, ok: boolean, detail?: string) =>
      checks.push({ constraint, ok, ...(ok ? {} : { detail }) });

    for (const p of set.must_match ?? []) {
      const re = toRegex(p);
      check(
        `must_match ${p}`,
        typeof re !== 'string' && re.test(text),
        typeof re === 'string' ? re : 'no match',
      );
    }
    for (const p of set.must_not_match ?? []) {
      const re = toRegex(p);
      const m = typeof re === 'string' ? null : re.exec(text);
      check(
        `must_not_match ${p}`,
        typeof re !== 'string' && !m,
        typeof re === 'string' ? re : m ? `matched "${clip(m[0], 40)}"` : undefined,
      );
    }
    for (const t of set.must_mention ?? []) check(`must_mention "${t}"`, mentions(text, t), 'not mentioned');
    for (const t of set.must_not_mention ?? [])
      check(`must_not_mention "${t}"`, !mentions(text, t), 'mentioned');
    if (set.max_words !== undefined || set.min_words !== undefined) {
      const n = countWords(text);
      if (set.max_words !== undefined) check(`max_words ${set.max_words}`, n <= set.max_words, `${n} words`);
      if (set.min_words !== undefined) check(`min_words ${set.min_words}`, n >= set.min_words, `${n} words`);
    }
    if (set.max_chars !== undefined)
      check(`max_chars ${set.max_chars}`, text.length <= set.max_chars, `${text.length} characters`);
    if (set.max_sentences !== undefined) {
      const n = countSentences(text);
      check(`max_sentences ${set.max_sentences}`, n <= set.max_sentences, `${n} sentences`);
    }
    if (set.required_fields?.length) {
      const read = readJson(args.output, { allowFence: true });
      for (const f of set.required_fields) {
        const v = read.ok ? getPath(read.value, f) : undefined;
        check(
          `required_field ${f}`,
          v !== undefined && v !== null,
          read.ok ? 'missing' : 'output is not JSON',
        );
      }
    }
    if (set.required_sections?.length) {
      const headings = [...text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((m) => m[1].toLowerCase());
      for (const s of set.required_sections)
        check(`required_section "${s}"`, headings.includes(s.toLowerCase()), 'no such heading');
    }
    if (set.no_pii) {
      const allowed = new Set((set.allow_pii ?? []).map((a) => a.toLowerCase()));
      // Scan the whole output, not only the answer field: a leak in any field is a leak.
      const found = findPii(
        typeof args.output === 'string' ? args.output : JSON.stringify(args.output ?? ''),
      );
      const leaks = found.filter((p) => !allowed.has(p.kind) && !allowed.has(p.text.toLowerCase()));
      check('no_pii', leaks.length === 0, leaks.map((p) => `${p.kind} "${p.text}"`).join(', '));
    }
    if (set.language) {
      const want = set.language.toLowerCase();
      const guess = guessLanguage(text);
      const known = SUPPORTED_LANGUAGES.includes(want);
      // An unknown guess (short text) or an unsupported language is not held against the answer.
      const ok = !known || guess.language === 'unknown' || guess.language === want;
      check(`language ${want}`, ok, `looks like ${guess.language}`);
    }
    if (checks.length === 0) {
      return {
        name: 'constraints',
        score: null,
        metadata: { reason: 'no constraints in options or expected.constraints' },
      };
    }
    const failed = checks.filter((c) => !c.ok);
    const metadata: Record<string, unknown> = { checks };
    if (failed.length) {
      metadata.violations = failed.map((c) => `${c.constraint}: ${c.detail}`);
      metadata.reason = failed.map((c) => `${c.constraint}: ${c.detail}`).join('; ');
    }
    return { name: 'constraints', score: (checks.length - failed.length) / checks.length, metadata };
  },
};
