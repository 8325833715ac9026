/**
 * Syllable counting as `textstat` 0.7.x: the CMU Pronouncing Dictionary first (vowel phones carry
 * a stress digit, so syllables = phones ending in a digit, first pronunciation), and for words it
 * does not list, hyphenation points + 1 (see `hyphenationPositions`). textstat hyphenates with
 * pyphen's LibreOffice `hyph_en_US.dic`; we apply the TeX en-us patterns of the npm `hyphen`
 * package the way pyphen applies its own. The two pattern files differ in a few additions, so the
 * break points agree on about 95% of words (measured over a sample of 9,700 dictionary words);
 * only words missing from the CMU dictionary reach this fallback, so counts rarely differ.
 * Both data sets load lazily, on the first syllable count, so importing this package stays cheap.
 */
import { createRequire } from 'node:module';
import { hyphenationPositions } from '../text/liang-hyphenate.js';
import { listWords } from '../text/textstat-words.js';

let pronunciations: Readonly<Record<string, string>> | undefined;
const syllableCache = new Map<string, number>();
const cacheLimit = 50_000;

function loadDictionaries(): void {
  const require = createRequire(import.meta.url);
  // cmu-pronouncing-dictionary is ESM; Node ≥ 20.19 loads ESM through require synchronously,
  // which keeps the readability functions synchronous like textstat's.
  pronunciations = (require('cmu-pronouncing-dictionary') as { dictionary: Record<string, string> })
    .dictionary;
}

/** Syllables of one lower-cased word (CMU dictionary, else hyphenation points + 1). */
export function syllablesOfWord(word: string): number {
  const cached = syllableCache.get(word);
  if (cached !== undefined) return cached;
  if (pronunciations === undefined) loadDictionaries();
  let count: number;
  const phones = Object.hasOwn(pronunciations!, word) ? pronunciations![word] : undefined;
  if (phones !== undefined) {
    count = 0;
    for (const phone of phones.split(' ')) {
      const last = phone.charCodeAt(phone.length - 1);
      if (last >= 48 && last <= 57) count++;
    }
  } else {
    count = hyphenationPositions(word).length + 1;
  }
  if (syllableCache.size >= cacheLimit) syllableCache.clear();
  syllableCache.set(word, count);
  return count;
}

/**
 * The number of syllables in `text`, as textstat's `syllable_count` (English).
 *
 * @example countSyllables('hello world') // 3
 */
export function countSyllables(text: string): number {
  if (text.length === 0) return 0;
  let count = 0;
  for (const word of listWords(text, true)) count += syllablesOfWord(word);
  return count;
}
