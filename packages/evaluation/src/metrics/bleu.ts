/**
 * BLEU as sacrebleu computes it (`sacrebleu.corpus_bleu` / `sacrebleu.sentence_bleu`), on its
 * 0–100 scale: 13a tokenisation, n-gram orders 1–4, clipped counts against the per-n-gram maximum
 * over references, the closest reference length (ties → the shorter) for the brevity penalty, and
 * sacrebleu's smoothing methods ('exp' by default; sentence BLEU also uses the effective order).
 */
import { NgramCounts } from '../text/ngram-counts.js';
import { SegmentEncoder } from '../text/segment-encoder.js';
import { splitWhitespace } from '../text/split-whitespace.js';
import { tokenize13a } from '../text/tokenize-13a.js';

/** Smoothing as sacrebleu names it. */
export type BleuSmoothMethod = 'none' | 'floor' | 'add-k' | 'exp';

/** Options of `corpusBleu` and `sentenceBleu` (sacrebleu's `BLEU(...)` arguments). */
export interface BleuOptions {
  /** Lower-case before tokenising (sacrebleu `lowercase`, default false). */
  lowercase?: boolean;
  /** '13a' (sacrebleu's default) or 'none' (split on whitespace only). */
  tokenize?: '13a' | 'none';
  /** Default 'exp' (sacrebleu's default for both corpus and sentence BLEU). */
  smoothMethod?: BleuSmoothMethod;
  /** For 'floor' (default 0.1) and 'add-k' (default 1). */
  smoothValue?: number;
  /** Average over the highest n-gram order present (default: false for corpus, true for sentence). */
  effectiveOrder?: boolean;
}

/** A BLEU score with the statistics sacrebleu reports next to it. */
export interface BleuScore {
  /** 0–100. */
  score: number;
  /** Matching n-grams per order (1–4). */
  counts: number[];
  /** Hypothesis n-grams per order. */
  totals: number[];
  /** n-gram precisions in percent. */
  precisions: number[];
  /** Brevity penalty. */
  bp: number;
  /** sysLen / refLen. */
  ratio: number;
  sysLen: number;
  refLen: number;
}

const maxOrder = 4;

interface SegmentStatistics {
  sysLen: number;
  refLen: number;
  correct: number[];
  total: number[];
}

function preprocess(text: string, options: BleuOptions): string[] {
  // sacrebleu right-strips before tokenising; the tokenizer trims anyway.
  const line = options.lowercase ? text.toLowerCase() : text;
  return options.tokenize === 'none' ? splitWhitespace(line) : tokenize13a(line.trimEnd());
}

/** Keys of every n-gram of one order, rolled from the previous order's keys. */
function rollKeys(ids: readonly number[], previous: Float64Array | undefined, base: number) {
  const order = previous === undefined ? 1 : ids.length - previous.length + 2;
  const keys = new Float64Array(Math.max(ids.length - order + 1, 0));
  for (let start = 0; start < keys.length; start++) {
    const last = ids[start + order - 1]!;
    keys[start] = previous === undefined ? last : previous[start]! * base + last;
  }
  return keys;
}

/**
 * Clipped matches per order by sorting integer n-gram keys and merging, which avoids hash maps:
 * for each distinct hypothesis n-gram, min(its count, its highest count in any reference).
 */
function sortedMatches(
  hypIds: readonly number[],
  refIds: readonly (readonly number[])[],
  base: number,
  correct: number[],
): void {
  let hypKeys: Float64Array | undefined;
  const refKeys: (Float64Array | undefined)[] = refIds.map(() => undefined);
  for (let order = 1; order <= maxOrder; order++) {
    hypKeys = rollKeys(hypIds, hypKeys, base);
    if (hypKeys.length === 0) break;
    const hypSorted = hypKeys.slice().sort();
    // Distinct keys and their counts.
    const distinct: number[] = [];
    const hypCounts: number[] = [];
    for (let index = 0; index < hypSorted.length; index++) {
      if (index > 0 && hypSorted[index] === hypSorted[index - 1])
        hypCounts[hypCounts.length - 1]!++;
      else {
        distinct.push(hypSorted[index]!);
        hypCounts.push(1);
      }
    }
    const maxRef = new Int32Array(distinct.length);
    refIds.forEach((ids, refIndex) => {
      const keys = rollKeys(ids, refKeys[refIndex], base);
      refKeys[refIndex] = keys;
      const sorted = keys.slice().sort();
      let position = 0;
      for (let index = 0; index < distinct.length && position < sorted.length; index++) {
        const key = distinct[index]!;
        while (position < sorted.length && sorted[position]! < key) position++;
        let run = 0;
        while (position < sorted.length && sorted[position] === key) {
          run++;
          position++;
        }
        if (run > maxRef[index]!) maxRef[index] = run;
      }
    });
    let matched = 0;
    for (let index = 0; index < distinct.length; index++) {
      matched += Math.min(hypCounts[index]!, maxRef[index]!);
    }
    correct[order - 1] = matched;
  }
}

const referenceCounts = new NgramCounts();

/**
 * Clipped matches per order against a single reference: the reference's n-grams go into a hash
 * multiset and each hypothesis n-gram takes one occurrence if any is left, which sums
 * min(hypothesis count, reference count) over distinct n-grams without sorting.
 */
function hashedMatches(
  hypIds: readonly number[],
  refIds: readonly number[],
  base: number,
  correct: number[],
): void {
  let hypKeys: Float64Array | undefined;
  let refKeys: Float64Array | undefined;
  for (let order = 1; order <= maxOrder; order++) {
    hypKeys = rollKeys(hypIds, hypKeys, base);
    if (hypKeys.length === 0) break;
    refKeys = rollKeys(refIds, refKeys, base);
    referenceCounts.clear(refKeys.length);
    for (let index = 0; index < refKeys.length; index++) referenceCounts.add(refKeys[index]!);
    let matched = 0;
    for (let index = 0; index < hypKeys.length; index++) {
      if (referenceCounts.take(hypKeys[index]!)) matched++;
    }
    correct[order - 1] = matched;
  }
}

/**
 * Counts n-grams of one segment. Tokens get ids local to the segment (hypothesis and its
 * references), and an n-gram becomes one integer key (its ids as digits in base `vocabulary + 1`),
 * so matching sorts numbers rather than hashing joined strings. With a segment vocabulary too
 * large for exact integer keys it falls back to string-keyed maps.
 */
function segmentCounts(
  hypTokens: readonly string[],
  references: readonly string[][],
  encoder: SegmentEncoder,
): SegmentStatistics {
  encoder.begin();
  const hypIds = encoder.encode(hypTokens);
  const refIds = references.map((tokens) => encoder.encode(tokens));
  const base = encoder.size + 1;
  const numeric = base ** maxOrder < Number.MAX_SAFE_INTEGER;
  const count = (ids: readonly number[], into: Map<number | string, number>) => {
    for (let order = 1; order <= maxOrder; order++) {
      for (let start = 0; start + order <= ids.length; start++) {
        const key = ids.slice(start, start + order).join(',');
        into.set(key, (into.get(key) ?? 0) + 1);
      }
    }
  };
  const sysLen = hypTokens.length;
  let refLen = 0;
  let closestDiff = Number.POSITIVE_INFINITY;
  for (const ids of refIds) {
    const diff = Math.abs(sysLen - ids.length);
    if (diff < closestDiff) {
      closestDiff = diff;
      refLen = ids.length;
    } else if (diff === closestDiff) {
      refLen = Math.min(refLen, ids.length);
    }
  }
  const correct = new Array<number>(maxOrder).fill(0);
  const total = new Array<number>(maxOrder).fill(0);
  for (let order = 1; order <= maxOrder; order++) {
    total[order - 1] = Math.max(sysLen - order + 1, 0);
  }
  if (numeric) {
    if (refIds.length === 1) hashedMatches(hypIds, refIds[0]!, base, correct);
    else sortedMatches(hypIds, refIds, base, correct);
    return { sysLen, refLen, correct, total };
  }
  const maxRefCounts = new Map<number | string, number>();
  for (const ids of refIds) {
    const counts = new Map<number | string, number>();
    count(ids, counts);
    for (const [key, value] of counts) {
      if (value > (maxRefCounts.get(key) ?? 0)) maxRefCounts.set(key, value);
    }
  }
  const hypCounts = new Map<number | string, number>();
  count(hypIds, hypCounts);
  for (const [key, value] of hypCounts) {
    const order = typeof key === 'number' ? (key % maxOrder) + 1 : key.split(',').length;
    correct[order - 1]! += Math.min(value, maxRefCounts.get(key) ?? 0);
  }
  return { sysLen, refLen, correct, total };
}

function segmentStatistics(
  hypothesis: string,
  references: readonly string[],
  options: BleuOptions,
  encoder: SegmentEncoder,
): SegmentStatistics {
  return segmentCounts(
    preprocess(hypothesis, options),
    references.map((reference) => preprocess(reference, options)),
    encoder,
  );
}

// sacrebleu's my_log: log(0) is a large negative number rather than -Infinity.
const safeLog = (value: number): number => (value === 0 ? -9999999999 : Math.log(value));

function computeBleu(
  correctIn: number[],
  totalIn: number[],
  sysLen: number,
  refLen: number,
  options: BleuOptions,
  defaultEffectiveOrder: boolean,
): BleuScore {
  const smoothMethod = options.smoothMethod ?? 'exp';
  const smoothValue = options.smoothValue ?? (smoothMethod === 'floor' ? 0.1 : 1);
  const effectiveOrder = options.effectiveOrder ?? defaultEffectiveOrder;
  const correct = [...correctIn];
  const total = [...totalIn];
  let bp = 1;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0;
  const ratio = refLen > 0 ? sysLen / refLen : 0;
  const precisions = new Array<number>(maxOrder).fill(0);
  const result = { counts: correctIn, totals: totalIn, precisions, bp, ratio, sysLen, refLen };
  if (!correct.some((count) => count > 0)) return { score: 0, ...result };

  let smoothMteval = 1;
  let usedOrder = maxOrder;
  for (let order = 1; order <= maxOrder; order++) {
    const index = order - 1;
    if (smoothMethod === 'add-k' && order > 1) {
      correct[index]! += smoothValue;
      total[index]! += smoothValue;
    }
    if (total[index] === 0) break;
    if (effectiveOrder) usedOrder = order;
    if (correct[index] === 0) {
      if (smoothMethod === 'exp') {
        smoothMteval *= 2;
        precisions[index] = 100 / (smoothMteval * total[index]!);
      } else if (smoothMethod === 'floor') {
        precisions[index] = (100 * smoothValue) / total[index]!;
      }
    } else {
      precisions[index] = (100 * correct[index]!) / total[index]!;
    }
  }
  let logSum = 0;
  for (let index = 0; index < usedOrder; index++) logSum += safeLog(precisions[index]!);
  return { score: bp * Math.exp(logSum / usedOrder), ...result };
}

/** sacrebleu drops empty references when segments have a variable number of them. */
function usableReferences(references: string | readonly string[]): readonly string[] {
  const list = typeof references === 'string' ? [references] : references;
  const nonEmpty = list.filter((reference) => reference !== '');
  return nonEmpty.length > 0 ? nonEmpty : [''];
}

/**
 * Corpus BLEU over `predictions`, each with one reference or several (`references[i]` belongs
 * to `predictions[i]`), as `sacrebleu.corpus_bleu(predictions, reference_streams)`.
 *
 * @example corpusBleu(['the cat sat'], [['the cat sat', 'a cat sat']]).score // 100
 */
export function corpusBleu(
  predictions: readonly string[],
  references: readonly (string | readonly string[])[],
  options: BleuOptions = {},
): BleuScore {
  if (predictions.length !== references.length) {
    throw new RangeError(
      `corpusBleu needs one reference entry per prediction (${predictions.length} predictions, ${references.length} references).`,
    );
  }
  const correct = new Array<number>(maxOrder).fill(0);
  const total = new Array<number>(maxOrder).fill(0);
  let sysLen = 0;
  let refLen = 0;
  const encoder = new SegmentEncoder();
  predictions.forEach((prediction, index) => {
    const refs = usableReferences(references[index]!);
    const stats = segmentStatistics(prediction, refs, options, encoder);
    sysLen += stats.sysLen;
    refLen += stats.refLen;
    for (let order = 0; order < maxOrder; order++) {
      correct[order]! += stats.correct[order]!;
      total[order]! += stats.total[order]!;
    }
  });
  return computeBleu(correct, total, sysLen, refLen, options, false);
}

/**
 * Sentence BLEU of one prediction against one or several references, as
 * `sacrebleu.sentence_bleu` ('exp' smoothing, effective order).
 *
 * @example sentenceBleu('the cat sat on the mat', 'the cat sat on the mat').score // 100
 */
export function sentenceBleu(
  prediction: string,
  references: string | readonly string[],
  options: BleuOptions = {},
): BleuScore {
  const refs = usableReferences(references);
  const stats = segmentStatistics(prediction, refs, options, new SegmentEncoder());
  return computeBleu(stats.correct, stats.total, stats.sysLen, stats.refLen, options, true);
}
