/**
 * BLEU as sacrebleu computes it (`sacrebleu.corpus_bleu` / `sacrebleu.sentence_bleu`), on its
 * 0–100 scale: 13a tokenisation, n-gram orders 1–4, clipped counts against the per-n-gram maximum
 * over references, the closest reference length (ties → the shorter) for the brevity penalty, and
 * sacrebleu's smoothing methods ('exp' by default; sentence BLEU also uses the effective order).
 */
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

function countNgrams(tokens: string[], order: number, into: Map<string, number>): void {
  for (let start = 0; start + order <= tokens.length; start++) {
    const key = order === 1 ? tokens[start]! : tokens.slice(start, start + order).join(' ');
    into.set(key, (into.get(key) ?? 0) + 1);
  }
}

function segmentStatistics(
  hypothesis: string,
  references: readonly string[],
  options: BleuOptions,
): SegmentStatistics {
  const hypTokens = preprocess(hypothesis, options);
  const sysLen = hypTokens.length;
  let refLen = 0;
  let closestDiff = Number.POSITIVE_INFINITY;
  const maxRefCounts = new Map<string, number>();
  for (const reference of references) {
    const refTokens = preprocess(reference, options);
    const diff = Math.abs(sysLen - refTokens.length);
    if (diff < closestDiff) {
      closestDiff = diff;
      refLen = refTokens.length;
    } else if (diff === closestDiff) {
      refLen = Math.min(refLen, refTokens.length);
    }
    const counts = new Map<string, number>();
    for (let order = 1; order <= maxOrder; order++) countNgrams(refTokens, order, counts);
    for (const [ngram, count] of counts) {
      if (count > (maxRefCounts.get(ngram) ?? 0)) maxRefCounts.set(ngram, count);
    }
  }
  const correct = new Array<number>(maxOrder).fill(0);
  const total = new Array<number>(maxOrder).fill(0);
  for (let order = 1; order <= maxOrder; order++) {
    const counts = new Map<string, number>();
    countNgrams(hypTokens, order, counts);
    for (const [ngram, count] of counts) {
      total[order - 1]! += count;
      correct[order - 1]! += Math.min(count, maxRefCounts.get(ngram) ?? 0);
    }
  }
  return { sysLen, refLen, correct, total };
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
  predictions.forEach((prediction, index) => {
    const stats = segmentStatistics(prediction, usableReferences(references[index]!), options);
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
  const stats = segmentStatistics(prediction, usableReferences(references), options);
  return computeBleu(stats.correct, stats.total, stats.sysLen, stats.refLen, options, true);
}
