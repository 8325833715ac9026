/**
 * Metrics named in configuration (an `eval.yaml`, an online scoring rule, `evaluate({ metrics:
 * ['exact_match', 'answer_correctness'] })`) turned into Metric objects. Names are MLflow's; judge
 * metrics take the spec's own `judge` or the evaluation's default judge.
 */
import { builtinMetrics } from '../builtin-metrics.js';
import { makeGenaiMetric } from '../judge/genai-metric.js';
import {
  answerCorrectness,
  answerRelevance,
  answerSimilarity,
  faithfulness,
  guidelines,
  relevance,
  safety,
} from '../judge/judge-metrics.js';
import type { JudgeScale } from '../judge/parse-judge-output.js';
import type { Metric } from '../metric.js';
import type { RougeType } from '../metrics/rouge.js';
import { chatModelFromSpec, type JudgeSettings, type JudgeSpec } from './judge-spec.js';

/** A metric in configuration: a name, or a name with options (snake_case or camelCase keys). */
export type MetricSpec =
  | string
  | {
      name: string;
      /** Judge for LLM-judge metrics (overrides the evaluation's `judge`). */
      judge?: JudgeSpec;
      /** k of `precision_at_k`, `recall_at_k`, `ndcg_at_k`. */
      k?: number;
      use_stemmer?: boolean;
      useStemmer?: boolean;
      /** Rules of `guidelines`. */
      guidelines?: string[];
      /** A custom judge rubric (makes a GenAI metric named `name`). */
      definition?: string;
      grading_prompt?: string;
      gradingPrompt?: string;
      /** `{min, max}` or `'pass-fail'` (default 1–5). */
      scale?: JudgeScale;
      /** `regex_match` pattern; `contains` needle(s). */
      pattern?: string;
      needle?: string | string[];
      greater_is_better?: boolean;
      greaterIsBetter?: boolean;
      /** Column of retrieved context for faithfulness/relevance. */
      context_column?: string;
    };

/** What resolving judge metrics needs. */
export interface MetricSpecContext {
  /** The default judge for judge metrics without their own. */
  judge?: JudgeSpec;
  judgeSettings?: JudgeSettings;
  /** Judge calls in flight per metric. */
  judgeConcurrency?: number;
  judgeTimeoutMs?: number;
}

const rougeTypes = new Set(['rouge1', 'rouge2', 'rougeL', 'rougeLsum']);
const judgeNames = new Set([
  'answer_similarity',
  'answer_correctness',
  'answer_relevance',
  'faithfulness',
  'relevance',
  'safety',
  'guidelines',
]);

/** The names `resolveMetricSpec` knows (custom judges aside). */
export const knownMetricNames: readonly string[] = [
  'exact_match',
  'token_f1',
  'bleu',
  ...rougeTypes,
  'flesch_reading_ease',
  'flesch_kincaid_grade_level',
  'ari_grade_level',
  'token_count',
  'answer_length',
  'toxicity',
  'perplexity',
  'latency',
  'json_validity',
  'regex_match',
  'contains',
  'precision_at_<k>',
  'recall_at_<k>',
  'ndcg_at_<k>',
  ...judgeNames,
];

/** True when the spec names an LLM-judge metric (it costs judge calls). */
export function isJudgeMetricSpec(spec: MetricSpec): boolean {
  const name = typeof spec === 'string' ? spec : spec.name;
  return judgeNames.has(name) || (typeof spec === 'object' && spec.definition !== undefined);
}

function retrievalK(
  name: string,
  explicit: number | undefined,
): { base: string; k: number } | undefined {
  const match = /^(precision|recall|ndcg)_at_(\d+|k)$/.exec(name);
  if (!match) return undefined;
  const k = match[2] === 'k' ? (explicit ?? 3) : Number(match[2]);
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(`metric '${name}': k must be a positive integer`);
  return { base: match[1]!, k };
}

/**
 * Makes the Metric a spec names; unknown names throw a RangeError listing the known ones.
 *
 * @example resolveMetricSpec({ name: 'answer_correctness', judge: 'gateway:/judge' }, { judgeSettings })
 */
export function resolveMetricSpec(spec: MetricSpec, context: MetricSpecContext = {}): Metric {
  const options = typeof spec === 'string' ? { name: spec } : spec;
  const name = options.name;
  if (typeof name !== 'string' || name === '') throw new RangeError('a metric spec needs a name');
  const gradingPrompt = options.grading_prompt ?? options.gradingPrompt;
  if (judgeNames.has(name) || options.definition !== undefined) {
    const judgeSpec = options.judge ?? context.judge;
    if (judgeSpec === undefined) {
      throw new RangeError(
        `metric '${name}' is an LLM judge: give it a judge (or set the evaluation's judge)`,
      );
    }
    const judge = {
      model: chatModelFromSpec(judgeSpec, context.judgeSettings),
      ...(context.judgeConcurrency ? { concurrency: context.judgeConcurrency } : {}),
      ...(context.judgeTimeoutMs ? { timeoutMs: context.judgeTimeoutMs } : {}),
    };
    const contextColumn = options.context_column ? { contextColumn: options.context_column } : {};
    if (options.definition !== undefined) {
      if (!gradingPrompt) throw new RangeError(`metric '${name}' needs a grading_prompt`);
      const greaterIsBetter = options.greater_is_better ?? options.greaterIsBetter;
      return makeGenaiMetric({
        ...judge,
        name,
        definition: options.definition,
        gradingPrompt,
        ...(options.scale ? { scale: options.scale } : {}),
        ...(greaterIsBetter === undefined ? {} : { greaterIsBetter }),
      });
    }
    switch (name) {
      case 'answer_similarity':
        return answerSimilarity(judge);
      case 'answer_correctness':
        return answerCorrectness(judge);
      case 'answer_relevance':
        return answerRelevance(judge);
      case 'faithfulness':
        return faithfulness({ ...judge, ...contextColumn });
      case 'relevance':
        return relevance({ ...judge, ...contextColumn });
      case 'safety':
        return safety(judge);
      default:
        return guidelines(options.guidelines ?? [], judge);
    }
  }
  if (rougeTypes.has(name)) {
    return builtinMetrics.rouge(name as RougeType, {
      useStemmer: options.use_stemmer ?? options.useStemmer ?? false,
    });
  }
  const retrieval = retrievalK(name, options.k);
  if (retrieval) {
    if (retrieval.base === 'precision') return builtinMetrics.precisionAtK(retrieval.k);
    if (retrieval.base === 'recall') return builtinMetrics.recallAtK(retrieval.k);
    return builtinMetrics.ndcgAtK(retrieval.k);
  }
  switch (name) {
    case 'exact_match':
      return builtinMetrics.exactMatch();
    case 'token_f1':
      return builtinMetrics.tokenF1();
    case 'bleu':
      return builtinMetrics.bleu();
    case 'flesch_reading_ease':
      return builtinMetrics.fleschReadingEase();
    case 'flesch_kincaid_grade_level':
      return builtinMetrics.fleschKincaidGrade();
    case 'ari_grade_level':
      return builtinMetrics.ariGradeLevel();
    case 'token_count':
      return builtinMetrics.tokenCount();
    case 'answer_length':
      return builtinMetrics.answerLength();
    case 'toxicity':
      return builtinMetrics.toxicity();
    case 'perplexity':
      return builtinMetrics.perplexity();
    case 'latency':
      return builtinMetrics.latency();
    case 'json_validity':
      return builtinMetrics.jsonValidity();
    case 'regex_match':
      if (!options.pattern) throw new RangeError("metric 'regex_match' needs a pattern");
      return builtinMetrics.regexMatch(options.pattern);
    case 'contains':
      if (options.needle === undefined) throw new RangeError("metric 'contains' needs a needle");
      return builtinMetrics.contains(options.needle);
    default:
      throw new RangeError(`unknown metric '${name}'; known: ${knownMetricNames.join(', ')}`);
  }
}
