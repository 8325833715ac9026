/**
 * The built-in metrics as `Metric` objects for the evaluation runner, named as MLflow names them
 * (`exact_match`, `rouge1`, `flesch_kincaid_grade_level`, `precision_at_3`, …), and the default
 * metric set per model type as MLflow's default evaluator chooses it.
 */
import type { ScoreValue } from './aggregate/aggregate-scores.js';
import type { EvalRow, Metric } from './metric.js';
import { exactMatch, tokenF1 } from './metrics/answer-match.js';
import { corpusBleu, sentenceBleu } from './metrics/bleu.js';
import { logprobValues, perplexity } from './metrics/perplexity.js';
import {
  automatedReadabilityIndex,
  fleschKincaidGrade,
  fleschReadingEase,
} from './metrics/readability.js';
import { ndcgAtK, precisionAtK, recallAtK } from './metrics/retrieval.js';
import { type RougeType, rougeScore } from './metrics/rouge.js';
import {
  answerLength,
  contains,
  jsonSchemaConformance,
  jsonValidity,
  regexMatch,
} from './metrics/text-checks.js';
import { type TokenEncoding, tokenCount } from './metrics/token-count.js';
import { createToxicityClassifier, type ToxicityOptions } from './metrics/toxicity.js';
import { referencesValue, rowMetric, stringValue } from './row-metric.js';

/** The model types with a default metric set. */
export type ModelType = 'question-answering' | 'text-summarization' | 'text' | 'retrieval';

const anyValue = (value: unknown) => ({ value });
const idList = (value: unknown): { value: (string | number)[] } | { error: string } =>
  Array.isArray(value) && value.every((id) => typeof id === 'string' || typeof id === 'number')
    ? { value: value as (string | number)[] }
    : { error: 'expected an array of document ids (strings or numbers)' };

function textMetric(
  name: string,
  greaterIsBetter: boolean,
  score: (text: string, row: EvalRow) => ScoreValue | Promise<ScoreValue>,
): Metric {
  return rowMetric<string>({
    name,
    greaterIsBetter,
    requiresTargets: false,
    checkPrediction: stringValue,
    score: (prediction, _target, row) => score(prediction, row),
  });
}

function referenceMetric(
  name: string,
  score: (prediction: string, target: string | string[]) => ScoreValue,
  extra?: (
    predictions: string[],
    targets: (string | string[] | undefined)[],
  ) => Record<string, number>,
): Metric {
  return rowMetric<string, string | string[]>({
    name,
    greaterIsBetter: true,
    requiresTargets: true,
    checkPrediction: stringValue,
    checkTarget: referencesValue,
    score: (prediction, target) => score(prediction, target!),
    ...(extra ? { extra } : {}),
  });
}

function retrievalMetric(
  name: string,
  score: (retrieved: (string | number)[], relevant: (string | number)[]) => number,
): Metric {
  return rowMetric<(string | number)[], (string | number)[]>({
    name,
    greaterIsBetter: true,
    requiresTargets: true,
    checkPrediction: idList,
    checkTarget: idList,
    score: (retrieved, relevant) => score(retrieved, relevant!),
  });
}

/** Factories of the built-in metrics. */
export const builtinMetrics = {
  /** Raw string equality per row (MLflow `exact_match`); `normalize` for SQuAD-style. */
  exactMatch: (options: { normalize?: boolean } = {}): Metric =>
    referenceMetric('exact_match', (prediction, target) => exactMatch(prediction, target, options)),
  /** SQuAD token-level F1. */
  tokenF1: (): Metric => referenceMetric('token_f1', tokenF1),
  /** Sentence BLEU per row (0–100); `extra.corpus_bleu` holds corpus BLEU over the valid rows. */
  bleu: (): Metric =>
    referenceMetric(
      'bleu',
      (prediction, target) => sentenceBleu(prediction, target).score,
      (predictions, targets) => ({
        corpus_bleu: corpusBleu(predictions, targets as string[]).score,
      }),
    ),
  /** ROUGE F-measure per row, one metric per type (`rouge1`, `rouge2`, `rougeL`, `rougeLsum`). */
  rouge: (type: RougeType, options: { useStemmer?: boolean } = {}): Metric =>
    referenceMetric(
      type,
      (prediction, target) => rougeScore(prediction, target, options)[type].fmeasure,
    ),
  fleschReadingEase: (): Metric => textMetric('flesch_reading_ease', true, fleschReadingEase),
  /** Lower grade = easier to read; MLflow logs it without a direction, we say lower is better. */
  fleschKincaidGrade: (): Metric =>
    textMetric('flesch_kincaid_grade_level', false, fleschKincaidGrade),
  ariGradeLevel: (): Metric => textMetric('ari_grade_level', false, automatedReadabilityIndex),
  tokenCount: (encoding: TokenEncoding = 'cl100k_base'): Metric =>
    textMetric('token_count', false, (text) => tokenCount(text, encoding)),
  answerLength: (unit: 'words' | 'characters' = 'words'): Metric =>
    textMetric('answer_length', false, (text) => answerLength(text, unit)),
  /** Local lexicon toxicity, 0..1; aggregate `passRate` is not used, see `ratio` in `extra`. */
  toxicity: (options: ToxicityOptions = {}): Metric => {
    const classify = createToxicityClassifier(options);
    return rowMetric<string>({
      name: 'toxicity',
      greaterIsBetter: false,
      requiresTargets: false,
      checkPrediction: stringValue,
      score: (text) => classify(text).score,
      // MLflow reports the share of rows scored ≥ 0.5 as `toxicity/ratio`.
      extra: (predictions) => ({
        ratio:
          predictions.filter((text) => classify(text).score >= 0.5).length / predictions.length,
      }),
    });
  },
  /** Perplexity from the row's `logprobs` column (a list, OpenAI `logprobs`, or a response). */
  perplexity: (column = 'logprobs'): Metric =>
    rowMetric<unknown>({
      name: 'perplexity',
      greaterIsBetter: false,
      requiresTargets: false,
      checkPrediction: anyValue,
      score: (_prediction, _target, row) => {
        if (logprobValues(row[column]) === undefined) {
          throw new Error(`row has no token log-probabilities in column '${column}'`);
        }
        return perplexity(row[column] as number[]);
      },
    }),
  /** Latency in seconds from the row's `latency` column (the runner records it). */
  latency: (column = 'latency'): Metric =>
    rowMetric<unknown>({
      name: 'latency',
      greaterIsBetter: false,
      requiresTargets: false,
      checkPrediction: anyValue,
      score: (_prediction, _target, row) => {
        const value = row[column];
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw new Error(`row has no numeric '${column}' column`);
        }
        return value;
      },
    }),
  jsonValidity: (options: { allowCodeFence?: boolean } = {}): Metric =>
    textMetric('json_validity', true, (text) => jsonValidity(text, options)),
  jsonSchemaConformance: (
    schema: Record<string, unknown>,
    options: { allowCodeFence?: boolean } = {},
  ): Metric =>
    textMetric(
      'json_schema_conformance',
      true,
      (text) => jsonSchemaConformance(text, schema, options).valid,
    ),
  regexMatch: (pattern: RegExp | string, name = 'regex_match'): Metric =>
    textMetric(name, true, (text) => regexMatch(text, pattern)),
  contains: (
    needle: string | readonly string[],
    options: { caseSensitive?: boolean; mode?: 'all' | 'any'; name?: string } = {},
  ): Metric =>
    textMetric(options.name ?? 'contains', true, (text) => contains(text, needle, options)),
  precisionAtK: (k: number): Metric =>
    retrievalMetric(`precision_at_${k}`, (retrieved, relevant) =>
      precisionAtK(retrieved, relevant, k),
    ),
  recallAtK: (k: number): Metric =>
    retrievalMetric(`recall_at_${k}`, (retrieved, relevant) => recallAtK(retrieved, relevant, k)),
  ndcgAtK: (k: number): Metric =>
    retrievalMetric(`ndcg_at_${k}`, (retrieved, relevant) => ndcgAtK(retrieved, relevant, k)),
};

/** Options of `defaultMetrics`. */
export interface DefaultMetricsOptions {
  /** k of the retrieval metrics (MLflow's `retriever_k`, default 3). */
  retrieverK?: number;
  /** Stem tokens in ROUGE (default false, as MLflow's `evaluate` rouge). */
  useStemmer?: boolean;
}

/**
 * The metrics MLflow's default evaluator computes for a model type: token count, toxicity,
 * Flesch–Kincaid and ARI grade for every text type, plus exact match for question answering,
 * ROUGE-1/2/L/Lsum for summarisation; precision/recall/NDCG@k for retrieval.
 *
 * @example defaultMetrics('question-answering').map((metric) => metric.name)
 */
export function defaultMetrics(
  modelType: ModelType,
  options: DefaultMetricsOptions = {},
): Metric[] {
  if (modelType === 'retrieval') {
    const k = options.retrieverK ?? 3;
    return [builtinMetrics.precisionAtK(k), builtinMetrics.recallAtK(k), builtinMetrics.ndcgAtK(k)];
  }
  const textMetrics = [
    builtinMetrics.tokenCount(),
    builtinMetrics.toxicity(),
    builtinMetrics.fleschKincaidGrade(),
    builtinMetrics.ariGradeLevel(),
  ];
  if (modelType === 'question-answering') return [...textMetrics, builtinMetrics.exactMatch()];
  if (modelType === 'text-summarization') {
    const stem = { useStemmer: options.useStemmer ?? false };
    return [
      ...textMetrics,
      ...(['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const).map((type) =>
        builtinMetrics.rouge(type, stem),
      ),
    ];
  }
  return textMetrics;
}
