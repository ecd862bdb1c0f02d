import { UsageError } from '../errors.js';

/**
 * Scrubbing: personal data and secrets are replaced by placeholders before a row is written. A
 * placeholder is stable within a row (`<EMAIL_1>` is the same address everywhere in that row, so the
 * case still reads coherently) and never derived from the value (a hash of a phone number can be reversed
 * by trying every number).
 */
export interface ScrubRule {
  /** Kind, as counted in `metadata.scrubbed` and used in the placeholder (`email` → `<EMAIL_1>`). */
  name: string;
  /** Global regex. */
  pattern: RegExp;
  /** Only this capture group is replaced (e.g. the token after `Bearer `); default: the whole match. */
  group?: number;
  /** Extra check on the matched text (a Luhn or IBAN checksum), so ordinary numbers stay. */
  validate?: (text: string) => boolean;
}

/** Luhn checksum, for card numbers. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** ISO 13616 mod-97 checksum, for IBANs. */
export function ibanValid(text: string): boolean {
  const iban = text.replace(/\s+/g, '').toUpperCase();
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 && code <= 90 ? String(code - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/**
 * The built-in rules, in the order they apply (secrets first: they may contain digits or `@`). These back up
 * the maintained secretlint preset (see `detectSecretRules`), which is precise but, measured on the shapes
 * below, misses AWS temporary keys (`ASIA…`), `Basic` authorization headers, OpenAI project keys without
 * the `T3BlbkFJ` marker, and key material it does not consider a full PEM body.
 */
export const BUILTIN_SCRUB_RULES: ScrubRule[] = [
  {
    name: 'private_key',
    pattern:
      /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  {
    name: 'webhook_url',
    pattern:
      /https:\/\/(?:hooks\.slack\.com\/(?:services|workflows|triggers)|discord(?:app)?\.com\/api\/webhooks|[\w-]+\.webhook\.office\.com)\/[A-Za-z0-9/_+=-]+/g,
  },
  { name: 'bearer_token', pattern: /\b(?:Bearer|Token|Basic)\s+([A-Za-z0-9\-._~+/]{8,}=*)/gi, group: 1 },
  { name: 'bearer_token', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g },
  {
    name: 'api_key',
    pattern:
      /\b(?:sk-(?:proj-|ant-|live-|test-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abeprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,})\b/g,
  },
  {
    name: 'api_key',
    pattern:
      /\b(?:api[_-]?key|apikey|[a-z_]*secret(?:[_-]?access)?(?:[_-]?key)?|access[_-]?token|auth[_-]?token|password|passwd|pwd)\b(["']?\s*[:=]\s*["']?)([A-Za-z0-9\-._~+/!@#$%^&*]{8,})/gi,
    group: 2,
  },
  {
    name: 'password',
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:([^\s@/]+)@/gi,
    group: 1,
  },
  {
    // `%40` is a URL-encoded `@`: an address inside a query string is still an address.
    name: 'email',
    pattern:
      /\b[A-Za-z0-9._+-]+(?:%[0-9A-Fa-f]{2}[A-Za-z0-9._+-]*)*(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g,
  },
  {
    name: 'iban',
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g,
    validate: ibanValid,
  },
  {
    name: 'card_number',
    pattern: /\b\d(?:[ .-]?\d){12,18}\b/g,
    validate: (t) => {
      const digits = t.replace(/\D/g, '');
      return digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
    },
  },
  {
    name: 'ip_address',
    pattern: /\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b/g,
  },
  {
    name: 'ip_address',
    pattern:
      /(?<![\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4}|::ffff:[0-9.]+)(?![\w:])/gi,
  },
  {
    name: 'phone',
    pattern:
      /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,5}){1,4}(?![\w])|(?<![\w+])\+\d{8,15}(?!\w)/g,
    validate: (t) => {
      const digits = t.replace(/\D/g, '');
      if (digits.length < 9 || digits.length > 15) return false;
      if (/^\d{4}-\d{2}-\d{2}/.test(t) || /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(t)) return false; // dates
      if (/^\d+\.\d+(\.\d+)*$/.test(t)) return false; // versions and decimals
      return t.startsWith('+') || t.includes('(') || /^\d{2,4}([ -])\d{2,5}(\1\d{2,5}){1,3}$/.test(t);
    },
  },
];

/** Parse `--scrub-pattern NAME=REGEX` (flags `g` added; `i` with a `(?i)` prefix). */
export function parseScrubPattern(spec: string): ScrubRule {
  const eq = spec.indexOf('=');
  if (eq <= 0)
    throw new UsageError(`--scrub-pattern "${spec}": expected NAME=REGEX, e.g. customer_id=CUST-\\d{6}`);
  const name = spec.slice(0, eq).trim();
  let source = spec.slice(eq + 1);
  let flags = 'g';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags += 'i';
  }
  if (!/^[a-z][a-z0-9_]*$/i.test(name))
    throw new UsageError(`--scrub-pattern "${spec}": NAME must be a word such as customer_id`);
  try {
    return { name: name.toLowerCase(), pattern: new RegExp(source, flags) };
  } catch (error) {
    throw new UsageError(
      `--scrub-pattern "${spec}": invalid regular expression: ${(error as Error).message}`,
    );
  }
}

/** Replaces matches in every string of a value; one Scrubber per row keeps placeholders stable in it. */
export class Scrubber {
  /** Replacements made, by kind. */
  readonly counts: Record<string, number> = {};
  private readonly placeholders = new Map<string, string>();
  private readonly perKind = new Map<string, number>();
  private readonly rules: ScrubRule[];

  constructor(extraRules: ScrubRule[] = []) {
    // User patterns first: they are the most specific (customer ids and the like).
    this.rules = [...extraRules, ...BUILTIN_SCRUB_RULES];
  }

  /** A deep copy of `value` with every string scrubbed. */
  scrub<T>(value: T): T {
    return this.walk(value) as T;
  }

  scrubText(text: string): string {
    let out = text;
    for (const rule of this.rules) {
      rule.pattern.lastIndex = 0;
      out = out.replace(rule.pattern, (match: string, ...groups: unknown[]) => {
        const target = rule.group ? (groups[rule.group - 1] as string | undefined) : match;
        if (!target || /^<[A-Z_]+_\d+>$/.test(target)) return match;
        if (rule.validate && !rule.validate(target)) return match;
        const placeholder = this.placeholderFor(rule.name, target);
        return rule.group
          ? match.slice(0, match.lastIndexOf(target)) +
              placeholder +
              match.slice(match.lastIndexOf(target) + target.length)
          : placeholder;
      });
    }
    return out;
  }

  private placeholderFor(kind: string, value: string): string {
    const key = `${kind}\u0000${value}`;
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    let placeholder = this.placeholders.get(key);
    if (!placeholder) {
      const n = (this.perKind.get(kind) ?? 0) + 1;
      this.perKind.set(kind, n);
      placeholder = `<${kind.toUpperCase()}_${n}>`;
      this.placeholders.set(key, placeholder);
    }
    return placeholder;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.scrubText(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      // Keys too: a trace's feature flags or headers can be keyed by an address or a token.
      for (const [k, v] of Object.entries(value)) out[this.scrubText(k)] = this.walk(v);
      return out;
    }
    return value;
  }
}

/**
 * Secrets found by secretlint's maintained recommended preset (cloud keys, tokens, private keys, webhooks,
 * connection strings) in every string and key of `value`, as literal rules for a Scrubber (kind `secret`).
 * Async because secretlint is; run once per row before the synchronous scrub, so the hand rules above only
 * back it up. All strings of the value are linted as one text, one call per row (about 1 ms).
 */
export async function detectSecretRules(value: unknown): Promise<ScrubRule[]> {
  const strings: string[] = [];
  collectStrings(value, strings);
  if (!strings.length) return [];
  const content = strings.join('\n\n');
  const [{ lintSource }, { creator }] = await Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend'),
  ]);
  const result = await lintSource({
    source: { content, filePath: 'row.txt', ext: '.txt', contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] } },
  });
  const found = new Set<string>();
  for (const message of result.messages) {
    const [start, end] = message.range;
    const secret = content.slice(start, end);
    if (secret.trim().length >= 8) found.add(secret);
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...found]
    .sort((a, b) => b.length - a.length)
    .map((secret) => ({ name: 'secret', pattern: new RegExp(escapeRegExp(secret), 'g') }));
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, into);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      into.push(k);
      collectStrings(v, into);
    }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
