/**
 * Liang's hyphenation algorithm as pyphen applies it (the fallback of textstat's syllable count):
 * every pattern is matched against the whole lower-cased word wrapped in dots, including any
 * underscore, digit or apostrophe in it, and odd levels mark break points, kept only with at least
 * two letters on either side. The patterns are the TeX en-us set shipped by the npm `hyphen`
 * package (a character trie whose leaves index a table of level arrays).
 */
import { createRequire } from 'node:module';

/** A trie node: a leaf's level-table index, a branch, or both. */
type TrieNode = number | TrieBranch | [TrieBranch, number];
interface TrieBranch {
  [character: string]: TrieNode;
}
type PatternData = [levels: number[][], trie: TrieBranch, exceptions?: Record<string, number[]>];

let patterns: PatternData | undefined;

function loadPatterns(): PatternData {
  if (patterns === undefined) {
    patterns = createRequire(import.meta.url)('hyphen/patterns/en-us') as PatternData;
  }
  return patterns;
}

/**
 * The positions at which `word` may be hyphenated (pyphen's `Pyphen(lang='en_US').positions`,
 * with left = right = 2).
 *
 * @example hyphenationPositions('hello') // [3]
 */
export function hyphenationPositions(word: string): number[] {
  const [levelTable, trie] = loadPatterns();
  const pointed = `.${word.toLowerCase()}.`;
  const levels = new Uint8Array(pointed.length + 1);
  for (let start = 0; start < pointed.length - 1; start++) {
    let node: TrieBranch | undefined = trie;
    for (let index = start; index < pointed.length && node !== undefined; index++) {
      const entry: TrieNode | undefined = Object.hasOwn(node, pointed[index]!)
        ? node[pointed[index]!]
        : undefined;
      if (entry === undefined) break;
      let levelIndex: number | undefined;
      if (typeof entry === 'number') {
        levelIndex = entry;
        node = undefined;
      } else if (Array.isArray(entry)) {
        node = entry[0];
        levelIndex = entry[1];
      } else {
        node = entry;
      }
      if (levelIndex === undefined) continue;
      const values = levelTable[levelIndex]!;
      for (let offset = 0; offset < values.length; offset++) {
        const at = start + offset;
        if (values[offset]! > levels[at]!) levels[at] = values[offset]!;
      }
    }
  }
  const positions: number[] = [];
  const right = word.length - 2;
  for (let index = 0; index < levels.length; index++) {
    const position = index - 1;
    if (levels[index]! % 2 === 1 && position >= 2 && position <= right) positions.push(position);
  }
  return positions;
}
