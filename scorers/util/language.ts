/**
 * A small stopword-vote language guess for the `language` constraint. Hand-written because no offline
 * language identifier is among our dependencies (franc would be the library to use); it separates the
 * common European languages of support answers reliably from about eight words up, and says "unknown" below.
 */
const STOPWORDS: Record<string, string[]> = {
  en: [
    'the',
    'and',
    'is',
    'are',
    'to',
    'of',
    'in',
    'you',
    'your',
    'for',
    'with',
    'it',
    'this',
    'that',
    'be',
    'can',
    'on',
    'not',
    'have',
    'will',
  ],
  es: [
    'el',
    'la',
    'de',
    'que',
    'y',
    'en',
    'los',
    'las',
    'por',
    'para',
    'con',
    'una',
    'es',
    'su',
    'se',
    'del',
    'no',
    'puede',
    'tu',
    'está',
  ],
  fr: [
    'le',
    'la',
    'les',
    'de',
    'des',
    'et',
    'est',
    'vous',
    'pour',
    'dans',
    'une',
    'un',
    'du',
    'que',
    'pas',
    'votre',
    'sur',
    'avec',
    'sont',
    'il',
  ],
  de: [
    'der',
    'die',
    'das',
    'und',
    'ist',
    'sie',
    'nicht',
    'mit',
    'für',
    'ein',
    'eine',
    'zu',
    'den',
    'auf',
    'ihr',
    'ihre',
    'von',
    'werden',
    'können',
    'sind',
  ],
  it: [
    'il',
    'di',
    'che',
    'e',
    'la',
    'per',
    'un',
    'una',
    'sono',
    'non',
    'con',
    'del',
    'della',
    'puoi',
    'tuo',
    'gli',
    'le',
    'è',
    'nel',
    'questo',
  ],
  pt: [
    'o',
    'a',
    'de',
    'que',
    'e',
    'do',
    'da',
    'em',
    'um',
    'uma',
    'para',
    'com',
    'não',
    'os',
    'as',
    'seu',
    'sua',
    'você',
    'pode',
    'está',
  ],
  nl: [
    'de',
    'het',
    'een',
    'en',
    'van',
    'is',
    'je',
    'u',
    'uw',
    'niet',
    'op',
    'te',
    'met',
    'voor',
    'zijn',
    'dat',
    'die',
    'kunt',
    'wordt',
    'naar',
  ],
};
const LOOKUP = new Map<string, string[]>();
for (const [lang, words] of Object.entries(STOPWORDS))
  for (const w of words) LOOKUP.set(w, [...(LOOKUP.get(w) ?? []), lang]);

/** ISO 639-1 code of the most likely language, or `unknown` when the text is too short or too mixed. */
export function guessLanguage(text: string): { language: string; confidence: number } {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const votes: Record<string, number> = {};
  let hits = 0;
  for (const w of words) {
    const langs = LOOKUP.get(w);
    if (!langs) continue;
    hits++;
    for (const l of langs) votes[l] = (votes[l] ?? 0) + 1 / langs.length;
  }
  const ranked = Object.entries(votes).sort((a, b) => b[1] - a[1]);
  if (words.length < 4 || hits < 2 || ranked.length === 0) return { language: 'unknown', confidence: 0 };
  const [best, second] = ranked;
  const confidence = best[1] / (best[1] + (second?.[1] ?? 0));
  return { language: confidence >= 0.6 ? best[0] : 'unknown', confidence };
}

export const SUPPORTED_LANGUAGES = Object.keys(STOPWORDS);
