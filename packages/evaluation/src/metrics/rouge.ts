/**
 * ROUGE as Google's `rouge-score` computes it (`RougeScorer(types, use_stemmer)`): ROUGE-N from
 * clipped n-gram overlap, ROUGE-L from the longest common subsequence, ROUGE-Lsum at summary level
 * over newline-separated sentences with union-LCS and double-count prevention. With several
 * references per prediction the best reference by F-measure is taken per type (`score_multi`).
 */
import { NgramCounts } from '../text/ngram-counts.js';
import { rougeTokenize } from '../text/rouge-tokenize.js';

/** Precision, recall and F-measure of one ROUGE type. */
export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

/** The ROUGE types `rouge` computes. */
export type RougeType = 'rouge1' | 'rouge2' | 'rougeL' | 'rougeLsum';

/** Scores of one prediction, per ROUGE type. */
export type RougeRow = Record<RougeType, RougeScore>;

/** Options of `rouge`. */
export interface RougeOptions {
  /** Porter-stem tokens longer than three characters (rouge-score `use_stemmer`, default false). */
  useStemmer?: boolean;
}

/** Per-row scores and their means. */
export interface RougeResult {
  rows: RougeRow[];
  mean: RougeRow;
}

const rougeTypes: readonly RougeType[] = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];
const zero: RougeScore = { precision: 0, recall: 0, fmeasure: 0 };

function score(precision: number, recall: number): RougeScore {
  const fmeasure = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, fmeasure };
}

const targetCounts = new NgramCounts();

/** The key of the n-gram at `start`: an id, or two ids packed into one exact double. */
const ngramKey = (tokens: readonly number[], start: number, order: 1 | 2): number =>
  order === 1 ? tokens[start]! : tokens[start]! * 2 ** 26 + tokens[start + 1]!;

/** ROUGE-N: Σ over distinct n-grams of min(count in target, count in prediction), hashed. */
function scoreNgrams(target: readonly number[], prediction: readonly number[], order: 1 | 2) {
  const targetTotal = Math.max(target.length - order + 1, 0);
  const predictionTotal = Math.max(prediction.length - order + 1, 0);
  targetCounts.clear(targetTotal);
  for (let start = 0; start < targetTotal; start++)
    targetCounts.add(ngramKey(target, start, order));
  let overlap = 0;
  for (let start = 0; start < predictionTotal; start++) {
    if (targetCounts.take(ngramKey(prediction, start, order))) overlap++;
  }
  return score(overlap / Math.max(predictionTotal, 1), overlap / Math.max(targetTotal, 1));
}

/** The LCS length table, (rows+1)×(cols+1), flattened. */
function lcsTable(reference: readonly number[], candidate: readonly number[]): Int32Array {
  const cols = candidate.length + 1;
  const table = new Int32Array((reference.length + 1) * cols);
  for (let i = 1; i <= reference.length; i++) {
    const token = reference[i - 1];
    const row = i * cols;
    const previousRow = row - cols;
    for (let j = 1; j <= candidate.length; j++) {
      table[row + j] =
        token === candidate[j - 1]
          ? table[previousRow + j - 1]! + 1
          : Math.max(table[previousRow + j]!, table[row + j - 1]!);
    }
  }
  return table;
}

/** Token id → small slot, stamped per call so it never needs clearing; grows with the ids. */
class SlotTable {
  private slots = new Int32Array(1024);
  private stamps = new Uint32Array(1024);
  private epoch = 0;

  /** Starts a call whose ids are those of `a` and `b`. */
  begin(a: readonly number[], b: readonly number[]): this {
    let largest = 0;
    for (const id of a) if (id > largest) largest = id;
    for (const id of b) if (id > largest) largest = id;
    if (largest >= this.slots.length) {
      const size = Math.max(largest + 1, this.slots.length * 2);
      this.slots = new Int32Array(size);
      this.stamps = new Uint32Array(size);
      this.epoch = 0;
    }
    this.epoch++;
    return this;
  }

  /** The slot of `id`, or -1. */
  get(id: number): number {
    return this.stamps[id] === this.epoch ? this.slots[id]! : -1;
  }

  set(id: number, slot: number): void {
    this.stamps[id] = this.epoch;
    this.slots[id] = slot;
  }
}

const maskSlots = new SlotTable();
let masks = new Uint32Array(4096);

/**
 * LCS length by the bit-parallel algorithm of Crochemore et al. (2001): one bit per candidate
 * token, V ← (V + (V & M[x])) | (V & ~M[x]) per reference token x, LCS = zero bits of V. It
 * computes the same number as the dynamic-programming table in O(n·m/32) instead of O(n·m).
 */
function lcsLength(reference: readonly number[], candidate: readonly number[]): number {
  const bits = candidate.length;
  if (bits === 0 || reference.length === 0) return 0;
  const words = Math.ceil(bits / 32);
  // Token id → its mask's offset in one flat array; the slots are reused across calls.
  const slotOf = maskSlots.begin(reference, candidate);
  let distinct = 0;
  for (let index = 0; index < bits; index++) {
    const token = candidate[index]!;
    if (slotOf.get(token) < 0) slotOf.set(token, distinct++);
  }
  const size = distinct * words;
  if (masks.length < size) masks = new Uint32Array(size * 2);
  masks.fill(0, 0, size);
  for (let index = 0; index < bits; index++) {
    masks[slotOf.get(candidate[index]!) * words + (index >>> 5)]! |= 1 << (index & 31);
  }
  const v = new Uint32Array(words).fill(0xffffffff);
  for (let position = 0; position < reference.length; position++) {
    const slot = slotOf.get(reference[position]!);
    if (slot < 0) continue; // M = 0 leaves V unchanged.
    const offset = slot * words;
    let carry = 0;
    for (let word = 0; word < words; word++) {
      const current = v[word]!;
      const mask = masks[offset + word]!;
      const matched = (current & mask) >>> 0;
      const sum = current + matched + carry;
      carry = sum > 0xffffffff ? 1 : 0;
      v[word] = ((sum >>> 0) | (current & ~mask)) >>> 0;
    }
  }
  let ones = 0;
  for (let word = 0; word < words; word++) {
    let value = v[word]!;
    const used = Math.min(32, bits - word * 32);
    if (used < 32) value &= (1 << used) - 1;
    value -= (value >>> 1) & 0x55555555;
    value = (value & 0x33333333) + ((value >>> 2) & 0x33333333);
    ones += (((value + (value >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return bits - ones;
}

/** Indices into `reference` of one LCS, read back as rouge-score's `_backtrack_norec` does. */
function lcsIndices(reference: readonly number[], candidate: readonly number[]): number[] {
  const table = lcsTable(reference, candidate);
  const cols = candidate.length + 1;
  const indices: number[] = [];
  let i = reference.length;
  let j = candidate.length;
  while (i > 0 && j > 0) {
    if (reference[i - 1] === candidate[j - 1]) {
      indices.push(i - 1);
      i--;
      j--;
    } else if (table[i * cols + j - 1]! > table[(i - 1) * cols + j]!) j--;
    else i--;
  }
  return indices.reverse();
}

function scoreLcs(target: readonly number[], prediction: readonly number[]): RougeScore {
  if (target.length === 0 || prediction.length === 0) return zero;
  const length = lcsLength(target, prediction);
  return score(length / prediction.length, length / target.length);
}

function summaryLevelLcs(targetSentences: number[][], predictionSentences: number[][]) {
  if (targetSentences.length === 0 || predictionSentences.length === 0) return zero;
  const targetTotal = targetSentences.reduce((sum, sentence) => sum + sentence.length, 0);
  const predictionTotal = predictionSentences.reduce((sum, sentence) => sum + sentence.length, 0);
  if (targetTotal === 0 || predictionTotal === 0) return zero;
  const targetCounts = new Map<number, number>();
  const predictionCounts = new Map<number, number>();
  for (const sentence of targetSentences) {
    for (const token of sentence) targetCounts.set(token, (targetCounts.get(token) ?? 0) + 1);
  }
  for (const sentence of predictionSentences) {
    for (const token of sentence) {
      predictionCounts.set(token, (predictionCounts.get(token) ?? 0) + 1);
    }
  }
  let hits = 0;
  for (const reference of targetSentences) {
    const union = new Set<number>();
    for (const candidate of predictionSentences) {
      for (const index of lcsIndices(reference, candidate)) union.add(index);
    }
    for (const index of [...union].sort((a, b) => a - b)) {
      const token = reference[index]!;
      const inPrediction = predictionCounts.get(token) ?? 0;
      const inTarget = targetCounts.get(token) ?? 0;
      if (inPrediction > 0 && inTarget > 0) {
        hits++;
        predictionCounts.set(token, inPrediction - 1);
        targetCounts.set(token, inTarget - 1);
      }
    }
  }
  return score(hits / predictionTotal, hits / targetTotal);
}

/** Turns token strings into small integers so the DP tables compare numbers. */
class Vocabulary {
  private readonly ids = new Map<string, number>();
  readonly stems = new Map<string, string>();
  constructor(private readonly useStemmer: boolean) {}
  tokenize(text: string): number[] {
    return rougeTokenize(text, this.useStemmer, this.stems).map((token) => {
      let id = this.ids.get(token);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(token, id);
      }
      return id;
    });
  }
}

// rouge-score splits on '\n' and drops empty lines.
const sentencesOf = (text: string): string[] => text.split('\n').filter((line) => line.length > 0);

function scorePair(target: string, prediction: string, vocabulary: Vocabulary): RougeRow {
  const targetTokens = vocabulary.tokenize(target);
  const predictionTokens = vocabulary.tokenize(prediction);
  const rougeL = scoreLcs(targetTokens, predictionTokens);
  const targetSentences = sentencesOf(target);
  const predictionSentences = sentencesOf(prediction);
  // With one sentence on each side summary-level LCS reduces to plain LCS: skip the tables.
  const rougeLsum =
    targetSentences.length === 1 && predictionSentences.length === 1
      ? rougeL
      : summaryLevelLcs(
          targetSentences.map((sentence) => vocabulary.tokenize(sentence)),
          predictionSentences.map((sentence) => vocabulary.tokenize(sentence)),
        );
  return {
    rouge1: scoreNgrams(targetTokens, predictionTokens, 1),
    rouge2: scoreNgrams(targetTokens, predictionTokens, 2),
    rougeL,
    rougeLsum,
  };
}

/**
 * ROUGE of one prediction against one reference, or the best of several per type by F-measure
 * (rouge-score's `score_multi`).
 *
 * @example rougeScore('the cat sat', 'the cat sat').rouge1.fmeasure // 1
 */
export function rougeScore(
  prediction: string,
  references: string | readonly string[],
  options: RougeOptions = {},
): RougeRow {
  return scoreAgainst(prediction, references, new Vocabulary(options.useStemmer ?? false));
}

function scoreAgainst(
  prediction: string,
  references: string | readonly string[],
  vocabulary: Vocabulary,
): RougeRow {
  const list = typeof references === 'string' ? [references] : references;
  if (list.length === 0) return { rouge1: zero, rouge2: zero, rougeL: zero, rougeLsum: zero };
  const rows = list.map((reference) => scorePair(reference, prediction, vocabulary));
  if (rows.length === 1) return rows[0]!;
  const best = {} as RougeRow;
  for (const type of rougeTypes) {
    // np.argmax: the first reference with the highest F-measure wins.
    let winner = rows[0]![type];
    for (const row of rows) if (row[type].fmeasure > winner.fmeasure) winner = row[type];
    best[type] = winner;
  }
  return best;
}

/**
 * ROUGE-1/2/L/Lsum per prediction and their means, as rouge-score (and MLflow's rouge metrics).
 *
 * @example rouge(['the cat sat'], ['the cat sat on the mat'], { useStemmer: true }).mean.rougeL
 */
export function rouge(
  predictions: readonly string[],
  references: readonly (string | readonly string[])[],
  options: RougeOptions = {},
): RougeResult {
  if (predictions.length !== references.length) {
    throw new RangeError(
      `rouge needs one reference entry per prediction (${predictions.length} predictions, ${references.length} references).`,
    );
  }
  const vocabulary = new Vocabulary(options.useStemmer ?? false);
  const rows = predictions.map((prediction, index) =>
    scoreAgainst(prediction, references[index]!, vocabulary),
  );
  const mean = {} as RougeRow;
  for (const type of rougeTypes) {
    const sum = { precision: 0, recall: 0, fmeasure: 0 };
    for (const row of rows) {
      sum.precision += row[type].precision;
      sum.recall += row[type].recall;
      sum.fmeasure += row[type].fmeasure;
    }
    const count = Math.max(rows.length, 1);
    mean[type] = {
      precision: sum.precision / count,
      recall: sum.recall / count,
      fmeasure: sum.fmeasure / count,
    };
  }
  return { rows, mean };
}
