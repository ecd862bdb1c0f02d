import type winkNLP from 'wink-nlp';

/**
 * Claims: the checkable spans of a text (numbers, amounts, percentages, dates, URLs, emails, phone numbers, named
 * entities) and whether a source text backs each one. Shared by unsupported-claims (answer vs retrieved context)
 * and citation-grounding (each sentence vs the chunk it cites).
 */

export const CLAIM_KINDS = [
  'number',
  'money',
  'percent',
  'date',
  'url',
  'email',
  'phone',
  'entity',
  'term',
  'negation',
  'comparison',
] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

/** One checkable span of the answer. */
export interface Claim {
  text: string;
  kind: ClaimKind;
  /** For a term: its dictionary form ("won" → "win"), also looked for in the source. */
  base?: string;
  /**
   * Judged by share, like terms: a single capitalised word opening a sentence, which may be a name ("Nevada is
   * …") or a common word wink tags as one ("Customers can …").
   */
  soft?: boolean;
}

/** Is a claim judged by share (terms, comparisons, a lone capitalised sentence opener) rather than alone? */
export function isSoft(claim: Claim): boolean {
  return claim.soft === true || SOFT_KINDS.has(claim.kind);
}

// wink-nlp with its English lite model (bundled, loads offline). Only the pipes we use: part-of-speech tags
// (proper nouns) and the entity recogniser (money, percentages, dates…); sentence starts are read off the
// punctuation instead of wink's sentence pipe, for speed.
// Loaded on first use, not at import: the model costs ~20 MB and ~150 ms, and most runs never check claims.
// Two pipelines over one model: the entity recogniser is most of wink's cost, and only sentences with a digit,
// a number word, an email or a URL need it.
let nlp: ReturnType<typeof winkNLP> | undefined;
let nlpPos: ReturnType<typeof winkNLP> | undefined;
let loading: Promise<void> | undefined;

/** Load wink-nlp and its English model; `extractClaims` needs this done once (the scorers do it themselves). */
export function loadClaimExtractor(): Promise<void> {
  loading ??= Promise.all([import('wink-nlp'), import('wink-eng-lite-web-model')]).then(([wink, model]) => {
    const create = ((wink as { default?: unknown }).default ?? wink) as typeof winkNLP;
    const english = ((model as { default?: unknown }).default ?? model) as never;
    nlp = create(english, ['pos', 'ner']);
    nlpPos = create(english, ['pos']);
  });
  return loading;
}

/** True once `loadClaimExtractor` has finished. */
export function claimExtractorLoaded(): boolean {
  return nlp !== undefined;
}

function engine(entities: boolean): ReturnType<typeof winkNLP> {
  if (!nlp || !nlpPos) throw new Error('extractClaims: call `await loadClaimExtractor()` first');
  return entities ? nlp : nlpPos;
}

const ENTITY_KIND: Record<string, ClaimKind> = {
  MONEY: 'money',
  PERCENT: 'percent',
  DATE: 'date',
  TIME: 'date',
  DURATION: 'date',
  CARDINAL: 'number',
  EMAIL: 'email',
  URL: 'url',
};
// wink puts prepositions and hedges inside spans ("until March 3", "nearly 300"): the claim is the value itself.
const LEADING_WORDS = new Set(
  `since until till by from before after on in at about around over under within for during of the every each per
  nearly almost approximately roughly some just only up to more less than at least most fewer`.split(/\s+/),
);
const TOKEN_KIND: Record<string, ClaimKind> = { number: 'number', email: 'email', url: 'url' };

/** Spelled-out numbers, compared as digits ("ten weeks" vs "six weeks"). "one" is left out: mostly a pronoun. */
const NUMBER_WORDS: Record<string, number> = Object.fromEntries(
  `two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen
  nineteen twenty`
    .split(/\s+/)
    .map((w, i) => [w, i + 2] as [string, number])
    .concat(
      'thirty forty fifty sixty seventy eighty ninety'.split(' ').map((w, i) => [w, (i + 3) * 10]),
      [
        ['hundred', 100],
        ['thousand', 1000],
        ['million', 1e6],
        ['billion', 1e9],
        ['dozen', 12],
      ],
    ),
);
const NUMBER_WORD = new RegExp(`\\b(${Object.keys(NUMBER_WORDS).join('|')})\\b`, 'gi');
const HAS_NUMBER_WORD = new RegExp(NUMBER_WORD.source, 'i');

/**
 * Words that start sentences without naming anything; wink tags some of them PROPN when capitalised.
 * A capitalised word at a sentence start is a claim only when it is not one of these.
 */
const OPENERS = new Set(
  `note please thanks thank hi hello dear sure yes no unfortunately instead additionally also overall finally
  first second third then here there today currently meanwhile otherwise therefore however moreover furthermore
  besides both neither either each every all some many most several another other such this that these those it its
  the a an in on at for from with by as if when while although though because since after before during until
  yet so and or but not nor our your their his her my we you they he she i contact visit email see check open
  click go read sorry unfortunately`.split(/\s+/),
);

/** Telephone numbers: at least 7 digits in groups, an optional +country code and (area code). */
const PHONE = /(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,5}){1,4}(?![\w-])/g;
const digitsOf = (s: string) => s.replace(/\D/g, '');
function phones(text: string): string[] {
  return Array.from(text.matchAll(PHONE), (m) => m[0]).filter((p) => {
    const n = digitsOf(p).length;
    // A year range ("2007-2011") or a date ("2024-05-01") is not a phone number.
    return n >= 7 && n <= 15 && !/^\d{4}[-–]\d{2,4}([-–]\d{2})?$/.test(p.trim());
  });
}

/** List numbering and bullets at the start of a line ("1. Apples", "- Pears", "• Plums"): markup, not claims. */
const LIST_MARKER = /^[ \t]*(?:\d{1,3}[.)]|[-*•●▪◦–—]|\(\d{1,3}\)|[a-z][.)])[ \t]+/gm;

/** A label opening a line ("Summary: …", "Note: …", "Short answer: …"): a heading, not a name. */
const LINE_LABEL = /^[ \t]*\p{Lu}\p{Ll}+(?: \p{Ll}+)?:[ \t]+/gmu;

/** Claim kinds judged by share rather than one by one: a paraphrase may bring in a word or two of its own. */
export const SOFT_KINDS: ReadonlySet<ClaimKind> = new Set(['term', 'comparison']);

/**
 * The checkable claims of an answer: entities with digits (amounts, percentages, dates, counts), spelled-out
 * numbers, emails, URLs, phone numbers, stray numbers, and runs of proper nouns (names of people, companies,
 * places, products), a multi-word name kept whole.
 */
export function extractClaims(text: string, facts?: Facts): Claim[] {
  const claims: Claim[] = [];
  // Abbreviated year ranges are read in full ("2007–11" claims 2007 and 2011), as in the sources.
  let body = expandRanges(text.replace(LIST_MARKER, '').replace(LINE_LABEL, ''));
  for (const p of phones(body)) {
    claims.push({ text: p.trim(), kind: 'phone' });
    body = body.replace(p, ' , '); // a break, so the words around it do not join into one name
  }
  const kept = claimSentences(body, facts);
  if (!kept.length) return claims;
  const numeric = kept.filter((x) => NEEDS_ENTITIES.test(x));
  const plain = kept.filter((x) => !NEEDS_ENTITIES.test(x));
  if (numeric.length) claimsOfDoc(numeric.join(' '), true, claims);
  for (const sentence of plain) claimsOfPlain(sentence, claims);
  // A negated statement: one claim per sentence, backed only by a source that negates something too.
  for (const sentence of kept) {
    const m = NEGATION.exec(sentence.replace(YES_NO, ''));
    // "I could not find your order": the assistant speaking of itself, not a claim about the world.
    if (m && !FIRST_PERSON.test(sentence.slice(0, m.index + YES_NO_LENGTH(sentence))))
      claims.push({ text: m[0], kind: 'negation' });
  }
  return claims;
}

/**
 * The claims of a sentence without a digit, a number word, an email or a URL, read without wink (the tagger is
 * most of the cost, and most sentences of a long answer are of this kind): a capitalised word after the first is
 * a name, runs of them one name; a capitalised first word is a (soft) name unless it is a common opener; other
 * words are terms unless they are function words, generic words, light verbs or adverbs in "-ly".
 */
function claimsOfPlain(sentence: string, claims: Claim[]): void {
  const tokens = Array.from(sentence.matchAll(PLAIN_TOKEN), (m) => ({ word: m[0], at: m.index! }));
  const opensAt = (i: number) =>
    i === 0 ||
    /[(:;"“‘[]\s*$|\n\s*$/.test(sentence.slice(tokens[i - 1].at + tokens[i - 1].word.length, tokens[i].at));
  const capitalised = (i: number) => /^\p{Lu}/u.test(tokens[i].word);
  const adjacent = (a: number, b: number) =>
    /^[ \t]*$/.test(sentence.slice(tokens[a].at + tokens[a].word.length, tokens[b].at));
  for (let i = 0; i < tokens.length; i++) {
    const { word } = tokens[i];
    const lower = word.toLowerCase();
    if (!capitalised(i)) {
      if (isPlainTerm(lower))
        claims.push({ text: word, kind: COMPARATIVES.has(lower) ? 'comparison' : 'term' });
      continue;
    }
    if (lower === 'i') continue; // the pronoun, not a name
    const opener = opensAt(i);
    // An imperative opener ("Ask Jane Doe", "Call Acme") is not part of the name after it.
    if (
      opener &&
      (OPENERS.has(lower) || STOP_WORDS.has(lower) || LIGHT_VERBS.has(lower) || LIGHT_VERB_FORMS.has(lower))
    )
      continue;
    let end = i;
    for (;;) {
      if (end + 1 < tokens.length && capitalised(end + 1) && adjacent(end, end + 1)) {
        end++;
        continue;
      }
      if (
        end + 2 < tokens.length &&
        CONNECTORS.has(tokens[end + 1].word.toLowerCase()) &&
        capitalised(end + 2) &&
        adjacent(end, end + 1) &&
        adjacent(end + 1, end + 2)
      ) {
        end += 2;
        continue;
      }
      break;
    }
    const text = sentence.slice(tokens[i].at, tokens[end].at + tokens[end].word.length);
    claims.push({ text, kind: 'entity', ...(opener && end === i ? { soft: true } : {}) });
    i = end;
  }
}

const PLAIN_TOKEN = /[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu;

/** Function words: never a claim of their own. */
const STOP_WORDS = new Set(
  `a an the and or but nor of in on at to for from by with as into onto about over under than then that this these
  those it its is are was were be been being has have had do does did will would shall should can could may might
  must not no yes so such he she they them his her their there here who whom whose which what when where why how
  i you we us our your my me also both either neither each any all some one only very much many other s t if while
  although though because since after before during until up down out off again further once just ever always
  already yet however instead via per among between within without across along around through same else anything
  everything nothing something someone anyone everyone ours yours theirs itself himself herself themselves
  ourselves yourself whether whatever whenever wherever too quite rather really still even almost nearly`.split(
    /\s+/,
  ),
);

/** A lower-case word of a plain sentence that is a term: see claimsOfPlain. */
function isPlainTerm(lower: string): boolean {
  if (lower.length < 3 || !/^\p{L}+(?:['’-]\p{L}+)*$/u.test(lower)) return false;
  if (COMPARATIVES.has(lower)) return true;
  if (STOP_WORDS.has(lower) || GENERIC.has(lower) || OPENERS.has(lower)) return false;
  if (lower.length > 4 && lower.endsWith('ly')) return false;
  const stem = stemOf(lower);
  return !LIGHT_VERBS.has(lower) && !LIGHT_VERBS.has(stem) && !LIGHT_VERB_FORMS.has(lower);
}

/** Inflected forms of the light verbs that the stemmer does not bring back ("made", "took", "said"…). */
const LIGHT_VERB_FORMS = new Set(
  `is are was were been being has had does did done says said told makes made took taken gets got gotten goes went
  gone comes came knows knew known uses using used includes included including becomes became gives gave given
  shows showed shown sees saw seen finds found helps helped wants wanted needs needed works worked provides
  provided allows allowed offers offered keeps kept starts started begins began begun seems seemed looks looked
  feels felt thinks thought believes believed considers considered means meant lets puts tries tried turns
  turned moves moved states stated reports reported announces announced claims claimed reveals revealed adds
  added explains explained describes described notes noted mentions mentioned suggests suggested confirms
  confirmed agrees agreed asks asked answers answered replies replied follows followed leads led leaves left
  remains remained stays stayed continues continued changes changed happens happened occurs occurred involves
  involved relates related bases based contains contained features featured lists listed refers referred
  appears appeared serves served holds held brings brought runs ran plays played lives lived writes wrote
  written bears bore borne born dies died making taking getting going coming knowing giving showing seeing
  finding helping wanting needing working providing allowing offering keeping starting beginning seeming looking
  feeling thinking believing meaning letting putting trying turning moving saying telling calling called calls
  naming named names applies applied apply`.split(/\s+/),
);

/** Sentences the entity recogniser must read: amounts, percentages, dates, counts, emails, URLs. */
const NEEDS_ENTITIES =
  /[\d@]|:\/\/|www\.|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen)\b/i;

/** The claims of one run of sentences, tagged by wink (with or without its entity recogniser). */
function claimsOfDoc(candidate: string, withEntities: boolean, claims: Claim[]): void {
  const nlp = engine(withEntities);
  const its = nlp.its;
  const doc = nlp.readDoc(candidate);
  const tokens = doc.tokens();
  const words = tokens.out() as string[];
  const types = tokens.out(its.type) as string[];
  const pos = tokens.out(its.pos) as string[];
  const lemmas = tokens.out(its.lemma as never) as unknown as string[];
  const spaces = tokens.out(its.precedingSpaces) as string[];
  const covered = new Uint8Array(words.length);
  const spanText = (a: number, b: number) => {
    let s = words[a];
    for (let i = a + 1; i <= b; i++) s += spaces[i] + words[i];
    return s;
  };
  if (withEntities) {
    const entities = doc.entities();
    const spans = entities.out(its.span) as unknown as Array<[number, number]>;
    const entityTypes = entities.out(its.type) as string[];
    spans.forEach(([start, b], i) => {
      const kind = ENTITY_KIND[entityTypes[i]];
      if (!kind) return;
      let a = start;
      while (a < b && LEADING_WORDS.has(words[a].toLowerCase())) a++;
      const value = spanText(a, b);
      if (kind !== 'url' && kind !== 'email' && !/\d/.test(value) && !HAS_NUMBER_WORD.test(value)) return;
      for (let t = a; t <= b; t++) covered[t] = 1;
      claims.push({ text: value, kind });
    });
  }
  const startsSentence = (i: number) =>
    i === 0 || /^[.!?:;("'“‘[]$/.test(words[i - 1]) || spaces[i].includes('\n');
  const capitalised = (i: number) => /^\p{Lu}/u.test(words[i]) && types[i] === 'word';
  for (let i = 0; i < words.length; i++) {
    if (covered[i]) continue;
    const kind = TOKEN_KIND[types[i]];
    if (kind && /\d|@|\//.test(words[i])) {
      claims.push({ text: words[i], kind });
      continue;
    }
    const lower = words[i].toLowerCase();
    if (types[i] === 'word' && NUMBER_WORDS[lower] !== undefined && pos[i] === 'NUM') {
      claims.push({ text: words[i], kind: 'number' });
      continue;
    }
    if (!capitalised(i)) {
      if (!CONTENT_POS.has(pos[i]) || !/^\p{L}{3,}$/u.test(lower)) continue;
      const lemma = lemmas[i];
      const term = termKind(lower, pos[i], lemma, i > 0 ? words[i - 1].toLowerCase() : '');
      if (term) claims.push({ text: words[i], kind: term, ...(lemma !== lower ? { base: lemma } : {}) });
      continue;
    }
    const opener = startsSentence(i);
    // A proper noun (wink's tag); at a sentence start, also not a common opener. wink tags a capitalised opener
    // such as "Ask" or "Ford" as a verb: such a word is left out of the name that follows it.
    if (pos[i] !== 'PROPN' || (opener && OPENERS.has(lower))) continue;
    let end = i;
    // A name runs over capitalised proper nouns, and over "of", "and", "de", "the"… between two of them
    // ("Bank of America", "Rock and Roll Hall of Fame").
    for (;;) {
      if (end + 1 < words.length && !covered[end + 1] && capitalised(end + 1) && !startsSentence(end + 1)) {
        end++;
        continue;
      }
      if (
        end + 2 < words.length &&
        CONNECTORS.has(words[end + 1].toLowerCase()) &&
        !covered[end + 2] &&
        capitalised(end + 2) &&
        pos[end + 2] === 'PROPN'
      ) {
        end += 2;
        continue;
      }
      break;
    }
    claims.push({ text: spanText(i, end), kind: 'entity', ...(opener && end === i ? { soft: true } : {}) });
    i = end;
  }
}

const NEGATION = /\b(?:not|never|neither|nor|none|cannot|no)\b|n['’]t\b/i;
const FIRST_PERSON = /\b(?:I|we|We)\b/;
const YES_NO_LENGTH = (sentence: string) => YES_NO.exec(sentence)?.[0].length ?? 0;
/** "No, …" / "Yes, …" answering a question is not itself a negation. */
const YES_NO = /^\s*(?:no|yes)\b[,.!]?/i;

/**
 * Words that carry no checkable fact in themselves: generic nouns and adjectives a paraphrase or summary may
 * bring in freely. A content noun or adjective outside this list and outside the source is an unsupported term.
 */
const GENERIC = new Set(
  `thing things something anything everything nothing someone anyone everyone people person way ways time times part
  parts kind kinds type types lot lots place case cases fact facts example examples information detail details
  question questions answer answers issue issues problem problems result results number numbers point points side
  sides end matter reason reasons sort form aspect aspects instance instances area areas group groups amount
  level role work works member members name names year years day days month months week weeks today moment
  good great important main major able available possible different similar same various several certain
  many few little big small large long short high low early late recent current known famous notable
  popular well best better total whole entire full real true actual other own particular specific general
  overall key common usual new old first last next previous following further additional original single
  multiple individual respective course`.split(/\s+/),
);
/**
 * Verbs that state no checkable fact of their own, or that a paraphrase or summary swaps freely (reporting verbs).
 * Other verbs ("directed", "founded", "won") are relations the source must use too.
 */
const LIGHT_VERBS = new Set(
  `be have do say tell make take get go come know use include become call name give show see find help want need
  work provide allow offer keep start begin seem look feel think believe consider mean let put set try turn move
  state report announce claim reveal add explain describe note mention suggest confirm agree ask answer reply
  follow lead leave remain stay continue change happen occur involve relate base contain feature list refer
  appear serve hold bring run play live write bear born die`.split(/\s+/),
);

/** Comparative and superlative words that are not "-er" / "-est" forms. */
const COMPARATIVES = new Set([
  'more',
  'most',
  'less',
  'least',
  'fewer',
  'fewest',
  'first',
  'last',
  'earlier',
  'later',
]);

const CONTENT_POS = new Set(['NOUN', 'ADJ', 'ADV', 'VERB']);

/** A lower-case word's claim kind: a content noun or adjective (term), a comparison, or none. */
function termKind(lower: string, pos: string, lemma: string, previous: string): ClaimKind | undefined {
  if (!/^\p{L}{3,}$/u.test(lower)) return undefined;
  if (pos === 'ADJ' || pos === 'ADV') {
    // "larger", "youngest", "closer" (wink's lemma differs), and "more X than", "the first": orderings.
    if ((/(?:er|est)$/.test(lower) && lemma !== lower) || (COMPARATIVES.has(lower) && previous !== 'at'))
      return 'comparison';
  }
  if ((pos === 'NOUN' || pos === 'ADJ') && !GENERIC.has(lower) && !OPENERS.has(lower)) return 'term';
  if (pos === 'VERB' && !LIGHT_VERBS.has(lemma) && !GENERIC.has(lower)) return 'term';
  return undefined;
}

const CONNECTORS = new Set([
  'of',
  'and',
  '&',
  'de',
  'del',
  'la',
  'le',
  'von',
  'van',
  'der',
  'da',
  'di',
  'the',
]);

const SENTENCE_END = /(?<=[.!?])\s+/;
const MAY_HOLD_CLAIM =
  /[\d@]|:\/\/|www\.|\p{Lu}|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen)\b/iu;

/**
 * The sentences that go through wink (tagging costs about 2 µs a word): those that may hold a claim — a digit,
 * an email or URL, a capital letter, a number word, a negation — or, when the source is known, a word the source
 * lacks. A sentence made of the source's own words has no term to check, so it is skipped.
 */
function claimSentences(text: string, facts?: Facts): string[] {
  // A question asserts nothing ("Questions? Write to …"): its words are not claims.
  const sentences = text.split(SENTENCE_END).filter((s) => !/\?["'”’)]*\s*$/.test(s));
  const keep = (s: string) => MAY_HOLD_CLAIM.test(s) || NEGATION.test(s) || !facts || hasNewWord(s, facts);
  return sentences.filter(keep);
}

function hasNewWord(sentence: string, facts: Facts): boolean {
  for (const w of normalisePhrase(sentence).split(' '))
    if (w.length >= 3 && !GENERIC.has(w) && !OPENERS.has(w) && !facts.stems.has(stemOf(w))) return true;
  return false;
}

/** A light suffix-stripping stemmer (plural, -ing, -ed, -ly): enough to match "stores" with "store". */
export function stemOf(word: string): string {
  const w = word;
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith('es') && /(?:ss|sh|ch|x)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && /[^su]s$/.test(w)) return w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ly')) return w.slice(0, -2);
  return w;
}

/** Known facts: a source's normalised text, its numbers (canonical) and its words, for quick look-ups. */
export interface Facts {
  /** Lower-case, accents folded, every run of non-letters one space, padded with spaces: phrase look-ups. */
  phrase: string;
  /** The raw text, lower-case, whitespace collapsed: for URLs and emails. */
  text: string;
  numbers: Set<string>;
  /** Numbers written as percentages (`12%`, `12 percent`): a percentage claim needs one of these. */
  percents: Set<string>;
  /** Numbers written as amounts (`$12`, `12 EUR`, `12 dollars`): a money claim needs one of these. */
  amounts: Set<string>;
  /** Digit strings of the phone numbers. */
  phones: Set<string>;
  words: Set<string>;
  /** `stemOf` every word. */
  stems: Set<string>;
  /** The last 4 to 8 letters of every word at least 3 letters longer: heads of compounds. */
  heads: Set<string>;
  /** The first 4, 5 and 6 letters of every word of 4 letters or more. */
  prefixes: Set<string>;
  /** Month and weekday names, as their first three letters. */
  months: Set<string>;
  /** Does the source negate anything ("not", "never", "n't"…)? */
  negates: boolean;
  /** Initials of every run of 2–6 words (stop words skipped), for abbreviations ("MVP", "NYC"). */
  initials: Set<string>;
}

const NUMBER = /\d+(?:,\d{3})*(?:\.\d+)?/g;
const PERCENT = /(\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)/g;
const AMOUNT =
  /[$€£¥]\s?(\d+(?:,\d{3})*(?:\.\d+)?)|(\d+(?:,\d{3})*(?:\.\d+)?)\s?(?:usd|eur|gbp|dollars?|euros?|pounds?|cents?)\b/g;
const canonicalNumber = (s: string) => String(Number(s.replace(/,/g, '')));

/** "2007 -- 11", "2007–11" → "2007–2011": a range's abbreviated end read as the full year. */
const YEAR_RANGE = /\b(1\d|20)(\d{2})(\s*(?:-{1,2}|–|—|to)\s*)(\d{2})\b(?![.,]?\d)/g;
const expandRanges = (s: string) =>
  s.replace(YEAR_RANGE, (m, century: string, yy: string, sep: string, end: string) =>
    Number(end) > Number(yy) ? `${century}${yy}${sep}${century}${end}` : m,
  );
const spellNumbers = (s: string) => s.replace(NUMBER_WORD, (w) => String(NUMBER_WORDS[w.toLowerCase()]));

/** Lower-case, accents folded, possessive 's dropped, every run of non-letters one space. */
export function normalisePhrase(s: string): string {
  // NFKD is the slow step; plain ASCII text has no accents to fold.
  return (/^[\x20-\x7e]*$/.test(s) ? s : s.normalize('NFKD').replace(/\p{M}/gu, ''))
    .toLowerCase()
    .replace(/['’]s\b/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const SKIP_IN_INITIALS = new Set(['of', 'and', 'the', 'for', 'a', 'an', 'in', 'on', 'at', '&']);

/** The facts of one source text. */
export function factsOf(source: string): Facts {
  const text = expandRanges(source.toLowerCase().replace(/\s+/g, ' '));
  const spelled = spellNumbers(text);
  const phrase = normalisePhrase(source);
  const tokens = phrase.split(' ');
  const initials = new Set<string>();
  const content = tokens.filter((t) => !SKIP_IN_INITIALS.has(t));
  for (let i = 0; i < content.length; i++) {
    let s = '';
    for (let k = i; k < Math.min(content.length, i + 6); k++) {
      s += content[k][0];
      if (s.length >= 2) initials.add(s);
    }
  }
  return {
    phrase: ` ${phrase} `,
    text,
    numbers: new Set(Array.from(spelled.matchAll(NUMBER), (m) => canonicalNumber(m[0]))),
    percents: new Set(Array.from(text.matchAll(PERCENT), (m) => canonicalNumber(m[1]))),
    amounts: new Set(Array.from(text.matchAll(AMOUNT), (m) => canonicalNumber(m[1] ?? m[2]))),
    phones: new Set(phones(source).map(digitsOf)),
    words: new Set(tokens),
    stems: new Set(tokens.map(stemOf)),
    negates: NEGATION.test(source),
    months: new Set(Array.from(text.matchAll(MONTHS), (m) => monthKey(m[0]))),
    heads: new Set(
      tokens.flatMap((t) => {
        const out: string[] = [];
        for (let k = 4; k <= 8 && k <= t.length - 3; k++) out.push(t.slice(-k));
        return out;
      }),
    ),
    prefixes: new Set(
      tokens.flatMap((t) => (t.length >= 4 ? [t.slice(0, 4), t.slice(0, 5), t.slice(0, 6)] : [])),
    ),
    initials,
  };
}

// Facts per distinct source text: the same retrieved documents recur across cases and trials.
const factsCache = new Map<string, Facts>();
/** `factsOf`, cached per distinct text (bounded). */
export function cachedFacts(text: string): Facts {
  let facts = factsCache.get(text);
  if (!facts) {
    if (factsCache.size > 5000) factsCache.clear();
    factsCache.set(text, (facts = factsOf(text)));
  }
  return facts;
}

/** Common abbreviations that are not initials of their long form. */
const ABBREVIATIONS: Record<string, string[]> = {
  tv: ['television'],
  us: ['united states'],
  usa: ['united states'],
  uk: ['united kingdom', 'britain'],
  dept: ['department'],
  govt: ['government'],
  intl: ['international'],
  st: ['saint', 'street'],
  mt: ['mount'],
  ft: ['fort', 'feet'],
  jr: ['junior'],
  sr: ['senior'],
  co: ['company'],
  corp: ['corporation'],
  inc: ['incorporated'],
  ltd: ['limited'],
  univ: ['university'],
};
/** Long form → its abbreviations ("television" → ["tv"]), for terms. */
const ABBREVIATION_OF: Record<string, string[]> = {};
for (const [short, longs] of Object.entries(ABBREVIATIONS))
  for (const long of longs) (ABBREVIATION_OF[long] ??= []).push(short);

const TITLES = new Set(
  'mr mrs ms miss dr prof sir dame lord lady president king queen prince princess saint st general gen captain capt senator sen governor gov judge rev the'.split(
    ' ',
  ),
);

const has = (facts: Facts, phrase: string) => phrase !== '' && facts.phrase.includes(` ${phrase} `);

/** An entity is backed when the source holds it as a phrase: whole, or without a title, plural or abbreviation. */
function entitySupported(text: string, facts: Facts): boolean {
  const phrase = normalisePhrase(text);
  if (has(facts, phrase)) return true;
  const tokens = phrase.split(' ');
  // "President Richard Nixon", "The Oberoi Group": a leading title or article the source may leave out.
  let from = 0;
  while (from < tokens.length - 1 && TITLES.has(tokens[from])) from++;
  const core = tokens.slice(from);
  if (from && has(facts, core.join(' '))) return true;
  // A plural or singular of the last word ("Apples" / "apple").
  const last = core[core.length - 1];
  const stem = last.replace(/(?:es|s)$/, '');
  const head = core.slice(0, -1).join(' ');
  for (const variant of [stem, `${last}s`, `${stem}s`, `${last}es`])
    if (variant !== last && variant.length > 2 && has(facts, head ? `${head} ${variant}` : variant))
      return true;
  // Abbreviations: "TV" for "television", "MVP" for "Most Valuable Player", "U.S." for "United States".
  const letters = text.replace(/[^\p{L}]/gu, '');
  if (core.length <= 3 && /^\p{Lu}{2,6}$/u.test(letters)) {
    const abbr = letters.toLowerCase();
    if (facts.initials.has(abbr) || (ABBREVIATIONS[abbr] ?? []).some((long) => has(facts, long))) return true;
  }
  if (core.length === 1 && ABBREVIATIONS[core[0]]?.some((long) => has(facts, long))) return true;
  // An abbreviation joined to a name over "of" ("MVP of Super Bowl XLVIII"): each part on its own. Only then:
  // "Bank of America" must stay one name.
  const parts = text.split(/\s+(?:of|and|&|the)\s+/i).filter(Boolean);
  if (parts.length > 1 && parts.some((p) => /^\p{Lu}{2,6}$/u.test(p.replace(/\./g, ''))))
    return parts.every((part) => entitySupported(part, facts));
  return false;
}

/**
 * A term is backed by the same word in the source, by stem ("stores" / "store"), by a longer or shorter form of
 * it ("American" / "America", "Scottish" / "Scotland" share six letters), by its abbreviation ("television" /
 * "TV"), or as the head of a compound ("phone" / "smartphone").
 */
function termSupported(word: string, facts: Facts): boolean {
  // "synth-pop": the joined form ("synthpop") or every part.
  if (word.includes(' '))
    return (
      facts.words.has(word.replace(/ /g, '')) || word.split(' ').every((part) => termSupported(part, facts))
    );
  const stem = stemOf(word);
  if (facts.stems.has(stem) || facts.words.has(word)) return true;
  if (stem.length >= 6) {
    if (facts.prefixes.has(stem.slice(0, 6))) return true;
  } else if (stem.length >= 4) {
    if (facts.prefixes.has(stem)) return true;
    for (let k = 4; k < stem.length; k++) if (facts.words.has(stem.slice(0, k))) return true;
  }
  for (const short of ABBREVIATION_OF[word] ?? []) if (facts.words.has(short)) return true;
  // The head of a compound: "phone" in "smartphone", "ball" in "basketball".
  if (stem.length >= 4)
    for (const w of facts.words) if (w.length > stem.length + 2 && w.endsWith(stem)) return true;
  return false;
}

const MONTHS =
  /\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/g;
const MONTH_NAMES = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
  'sun',
];
const monthKey = (w: string) => MONTH_NAMES.find((m) => w.startsWith(m)) ?? w;

/**
 * Is a claim backed by the facts? URLs, emails and phone numbers by their text (digits for phones); entities as
 * a phrase (see entitySupported); amounts, percentages, dates and counts by their numbers (an amount needs an
 * amount, a percentage a percentage; hedges and units such as "nearly", "years" or "dollars" may differ) and the
 * month or weekday a date names.
 */
export function isSupported(claim: Claim, facts: Facts): boolean {
  const text = claim.text.toLowerCase().replace(/\s+/g, ' ');
  if (claim.kind === 'url' || claim.kind === 'email')
    return facts.text.includes(text) || facts.text.includes(text.replace(/[/.]+$/, ''));
  if (claim.kind === 'phone') {
    const digits = digitsOf(text);
    if (facts.phones.has(digits)) return true;
    for (const p of facts.phones) if (p.endsWith(digits) || digits.endsWith(p)) return true;
    return false;
  }
  if (claim.kind === 'entity') return entitySupported(claim.text, facts);
  if (claim.kind === 'negation') return facts.negates;
  if (claim.kind === 'term' || claim.kind === 'comparison')
    return (
      termSupported(normalisePhrase(text), facts) ||
      (claim.base !== undefined && termSupported(normalisePhrase(claim.base), facts))
    );
  const numbers = Array.from(spellNumbers(expandRanges(text)).matchAll(NUMBER), (m) => canonicalNumber(m[0]));
  const known =
    claim.kind === 'percent' ? facts.percents : claim.kind === 'money' ? facts.amounts : facts.numbers;
  if (numbers.some((n) => !known.has(n))) return false;
  if (claim.kind === 'date') {
    const months = Array.from(text.matchAll(MONTHS), (m) => monthKey(m[0]));
    if (months.length) {
      if (months.some((m) => !facts.months.has(m))) return false;
    }
  }
  return numbers.length > 0 || facts.text.includes(text);
}

/** What checking a text's claims against facts found. */
export interface ClaimCheck {
  claims: Claim[];
  /** Claims that fail the text: hard claims the facts lack, and soft ones when they reach the share. */
  unsupported: Array<{ text: string; kind: ClaimKind }>;
  /** Soft claims the facts lack, below the share: reported, not held against the text. */
  tolerated: string[];
}

/**
 * Check a text's claims against facts. Hard claims (names, numbers, dates, URLs, emails, phones, negations) fail
 * one by one; soft ones (terms, comparisons, a lone capitalised opener) fail together, when the unsupported ones
 * are more than `termShare` of them.
 */
export function checkClaims(
  text: string,
  facts: Facts,
  termShare: number,
  kinds?: ReadonlySet<ClaimKind>,
): ClaimCheck {
  const claims = extractClaims(text, facts).filter((c) => !kinds || kinds.has(c.kind));
  const missing = claims.filter((c) => !isSupported(c, facts));
  const softClaims = claims.filter(isSoft).length;
  const softMissing = missing.filter(isSoft).length;
  const softCounts = softMissing > 0 && softMissing > termShare * softClaims;
  return {
    claims,
    unsupported: (softCounts ? missing : missing.filter((c) => !isSoft(c))).map(({ text, kind }) => ({
      text,
      kind,
    })),
    tolerated: softCounts ? [] : missing.filter(isSoft).map((c) => c.text),
  };
}
