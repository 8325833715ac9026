/**
 * A local, lexicon-based toxicity classifier: finds lexicon terms in the text (whole words, with
 * common inflections) despite obfuscation, and combines their weights as a noisy-OR,
 * 1 − Π(1 − wᵢ), so one strong term scores high and several mild ones add up, always within 0..1.
 * A provider-backed variant (`moderationToxicity`) defers to a judge model or moderation endpoint.
 */
import { defaultToxicityLexicon, type ToxicityTerm } from './toxicity-lexicon.js';

/** A toxicity score and the terms that produced it. */
export interface ToxicityResult {
  /** 0 (clean) – 1 (toxic). */
  score: number;
  matches: { term: string; category: ToxicityTerm['category']; weight: number }[];
}

/** Options of `createToxicityClassifier`. */
export interface ToxicityOptions {
  /** Replaces the default lexicon. */
  lexicon?: readonly ToxicityTerm[];
  /** Added to the lexicon (e.g. a deployment's slur list). */
  extraTerms?: readonly ToxicityTerm[];
  /** Terms never to count (e.g. 'damn' in a theology app). */
  allowTerms?: readonly string[];
}

const leet: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '!': 'i',
  '3': 'e',
  '4': 'a',
  '@': 'a',
  '5': 's',
  $: 's',
  '7': 't',
  '+': 't',
  '8': 'b',
  '9': 'g',
  '|': 'l',
};

/** Lower-cases, strips accents, maps leetspeak, and joins spaced-out single letters. */
function normalize(text: string): string {
  let result = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[013457!@$+89|]/g, (character) => leet[character] ?? character);
  // "f u c k", "f.u.c.k", "f-u-c-k": three or more single letters joined by one separator.
  result = result.replace(/(?<![a-z])(?:[a-z][\s.\-_]){2,}[a-z](?![a-z])/g, (run) =>
    run.replace(/[\s.\-_]/g, ''),
  );
  return result;
}

function escapeRegex(character: string): string {
  return character.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One letter of a term: the letter repeated ("fuuuck"), or a masking character in the middle. */
function termPattern(term: string): RegExp {
  const words = term.split(' ');
  const wordPatterns = words.map((word) =>
    [...word]
      .map((letter, index) => {
        const repeated = `${escapeRegex(letter)}+`;
        const inner = index > 0 && index < word.length - 1;
        return inner ? `(?:${repeated}|[*#_%]+)` : repeated;
      })
      .join(''),
  );
  // Inflections of the last word: -s, -es, -ed, -er(s), -ing, -y.
  const body = `${wordPatterns.join('[\\s\\-_.]+')}(?:s|es|ed|er|ers|ing|y)?`;
  return new RegExp(`(?<![a-z])${body}(?![a-z])`);
}

/**
 * Makes a lexicon toxicity classifier. Compile once and reuse it: patterns are built per term.
 *
 * @example createToxicityClassifier()('you are an idiot').score // 0.6
 */
export function createToxicityClassifier(
  options: ToxicityOptions = {},
): (text: string) => ToxicityResult {
  const allowed = new Set((options.allowTerms ?? []).map((term) => term.toLowerCase()));
  const terms = [...(options.lexicon ?? defaultToxicityLexicon), ...(options.extraTerms ?? [])]
    .filter((entry) => !allowed.has(entry.term.toLowerCase()))
    .map((entry) => ({ ...entry, pattern: termPattern(entry.term.toLowerCase()) }));
  return (text: string) => {
    const normalized = normalize(text);
    const matches: ToxicityResult['matches'] = [];
    let clean = 1;
    for (const entry of terms) {
      if (!entry.pattern.test(normalized)) continue;
      matches.push({ term: entry.term, category: entry.category, weight: entry.weight });
      clean *= 1 - Math.min(Math.max(entry.weight, 0), 1);
    }
    return { score: 1 - clean, matches };
  };
}

let defaultClassifier: ((text: string) => ToxicityResult) | undefined;

/**
 * Toxicity of `text` with the default lexicon, 0..1.
 *
 * @example toxicity('Have a nice day') // 0
 */
export function toxicity(text: string): number {
  defaultClassifier ??= createToxicityClassifier();
  return defaultClassifier(text).score;
}
