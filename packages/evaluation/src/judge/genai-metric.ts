/**
 * LLM-as-judge metrics: `makeGenaiMetric` grades each row with a chat model following a rubric,
 * as MLflow's `make_genai_metric`. Each row gets a score, the judge's justification and the
 * judge's token usage and cost. The judge is asked for JSON (`response_format: json_object`);
 * an unparsable reply is retried once with a repair message; a judge that fails, times out or
 * still answers garbage gives that row an error, never a failed batch.
 */
import { type ChatMessage, type ChatModel, costOf, type PriceCatalogue } from '@cairn/spec';
import { aggregateScores } from '../aggregate/aggregate-scores.js';
import type { EvalRow, JudgeUsage, Metric, MetricResult, MetricRowScore } from '../metric.js';
import { buildJudgePrompt, type GenaiExample, repairPrompt } from './judge-prompt.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import { type JudgeScale, parseJudgeOutput } from './parse-judge-output.js';

/** Where a judge metric finds its inputs in a row. */
export interface JudgeColumns {
  /** The model's input (default: the first of `inputs`, `question`, `input` present). */
  inputs?: string;
  /** Extra row columns shown to the judge as grading context (`targets` means the target). */
  gradingContext?: readonly string[];
}

/** How the judge is called. */
export interface JudgeOptions {
  /** The judge model (any ChatModel: gateway route, provider, `openAiCompatibleChatModel`). */
  model: ChatModel;
  /** Sent as `model` in the request and used to price the call (default: the model's `modelName`, else 'gpt-4o'). */
  modelName?: string;
  /** Judge calls in flight at once (default 8). */
  concurrency?: number;
  /** Per-call timeout in ms (default 60 000). */
  timeoutMs?: number;
  /** Prices for `costOf` (default: the built-in catalogue). */
  priceCatalogue?: PriceCatalogue;
}

/** Options of `makeGenaiMetric`. */
export interface GenaiMetricOptions extends JudgeOptions {
  name: string;
  definition: string;
  gradingPrompt: string;
  examples?: readonly GenaiExample[];
  /** Default { min: 1, max: 5 }. */
  scale?: JudgeScale;
  /** Whether to show the row's input to the judge (default true). */
  includeInput?: boolean;
  columns?: JudgeColumns;
  greaterIsBetter?: boolean;
}

const inputColumns = ['inputs', 'question', 'input'];

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    return value.join('\n\n');
  return JSON.stringify(value);
}

function messageText(content: ChatMessage['content'] | undefined): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  }
  return '';
}

/** The name a ChatModel reports about itself, when it has one. */
function ownName(model: ChatModel): string | undefined {
  const name = (model as { modelName?: unknown }).modelName;
  return typeof name === 'string' ? name : undefined;
}

/**
 * Makes an LLM-judge metric with a custom rubric.
 *
 * @example
 * const conciseness = makeGenaiMetric({
 *   name: 'conciseness',
 *   definition: 'How briefly the answer says what is needed.',
 *   gradingPrompt: 'Score 1: rambling … Score 5: no wasted words.',
 *   model: judgeModel,
 * });
 */
export function makeGenaiMetric(options: GenaiMetricOptions): Metric {
  const scale = options.scale ?? { min: 1, max: 5 };
  const modelName = options.modelName ?? ownName(options.model) ?? 'gpt-4o';
  const timeoutMs = options.timeoutMs ?? 60_000;
  const contextColumns = options.columns?.gradingContext ?? [];
  const greaterIsBetter = options.greaterIsBetter ?? true;

  function usageOf(promptTokens: number, completionTokens: number): JudgeUsage {
    const costUsd = costOf(modelName, { promptTokens, completionTokens }, options.priceCatalogue);
    return {
      model: modelName,
      promptTokens,
      completionTokens,
      ...(costUsd === undefined ? {} : { costUsd }),
    };
  }

  async function gradeRow(
    output: string,
    row: EvalRow,
    target: unknown,
    signal: AbortSignal | undefined,
  ): Promise<MetricRowScore> {
    const gradingContext: Record<string, string> = {};
    for (const column of contextColumns) {
      const value = column === 'targets' ? target : row[column];
      if (value === undefined || value === null) {
        return {
          score: null,
          error: { kind: 'invalid-input', message: `missing grading context '${column}'` },
        };
      }
      gradingContext[column] = text(value);
    }
    let input: string | undefined;
    if (options.includeInput !== false) {
      const column =
        options.columns?.inputs ?? inputColumns.find((name) => row[name] !== undefined);
      if (column === undefined || row[column] === undefined) {
        return {
          score: null,
          error: { kind: 'invalid-input', message: 'missing input column (inputs)' },
        };
      }
      input = text(row[column]);
    }
    const messages: ChatMessage[] = [
      {
        role: 'user',
        content: buildJudgePrompt({
          name: options.name,
          definition: options.definition,
          gradingPrompt: options.gradingPrompt,
          scale,
          output,
          gradingContext,
          examples: options.examples ?? [],
          ...(input === undefined ? {} : { input }),
        }),
      },
    ];
    let promptTokens = 0;
    let completionTokens = 0;
    let lastReply = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      let reply: string;
      try {
        const timeout = AbortSignal.timeout(timeoutMs);
        const response = await options.model.chat(
          {
            model: modelName,
            messages,
            temperature: 0,
            response_format: { type: 'json_object' },
          },
          { signal: signal ? AbortSignal.any([signal, timeout]) : timeout },
        );
        promptTokens += response.usage?.prompt_tokens ?? 0;
        completionTokens += response.usage?.completion_tokens ?? 0;
        reply = messageText(response.choices[0]?.message.content);
      } catch (error) {
        const timedOut =
          error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        const message = timedOut
          ? `judge did not answer within ${timeoutMs} ms`
          : `judge call failed: ${error instanceof Error ? error.message : String(error)}`;
        return {
          score: null,
          error: { kind: 'judge-failed', message },
          judgeUsage: usageOf(promptTokens, completionTokens),
        };
      }
      const verdict = parseJudgeOutput(reply, scale);
      if (verdict) {
        return {
          score: verdict.score,
          rationale: verdict.justification,
          judgeUsage: usageOf(promptTokens, completionTokens),
        };
      }
      lastReply = reply;
      messages.push(
        { role: 'assistant', content: reply },
        { role: 'user', content: repairPrompt(scale) },
      );
    }
    return {
      score: null,
      error: {
        kind: 'judge-unparsable',
        message: `judge reply had no score after one retry: ${lastReply.slice(0, 200)}`,
      },
      judgeUsage: usageOf(promptTokens, completionTokens),
    };
  }

  return {
    name: options.name,
    greaterIsBetter,
    requiresTargets: contextColumns.includes('targets'),
    async evaluate(input, evaluateOptions): Promise<MetricResult> {
      const rows = await mapWithConcurrency(
        input.predictions,
        options.concurrency ?? 8,
        (prediction, index) => {
          if (typeof prediction !== 'string') {
            return Promise.resolve<MetricRowScore>({
              score: null,
              error: { kind: 'invalid-input', message: 'prediction: expected a string' },
            });
          }
          return gradeRow(
            prediction,
            input.rows?.[index] ?? {},
            input.targets?.[index],
            evaluateOptions?.signal,
          );
        },
      );
      const errors = rows.filter((row) => row.error).length;
      const aggregates = aggregateScores(
        rows.map((row) => row.score),
        errors,
      );
      let cost = 0;
      let tokens = 0;
      for (const row of rows) {
        cost += row.judgeUsage?.costUsd ?? 0;
        tokens += (row.judgeUsage?.promptTokens ?? 0) + (row.judgeUsage?.completionTokens ?? 0);
      }
      return {
        name: options.name,
        greaterIsBetter,
        rows,
        aggregates: { ...aggregates, extra: { judge_cost_usd: cost, judge_tokens: tokens } },
      };
    },
  };
}
