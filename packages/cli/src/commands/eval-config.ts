import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { chatModelFromSpec, type JudgeSettings } from '@cairn/evaluation';
import type { EvaluateOptions, MetricSpec, ModelType } from '@cairn/sdk';
import type { ChatModel, ChatRequest } from '@cairn/spec';
import { parse as parseYaml } from 'yaml';

/** An `eval.yaml`: the data, the model and prompt, the metrics, the judge, where to log. */
export interface EvalConfig {
  experiment?: string;
  run_name?: string;
  data: string;
  model_type: ModelType;
  /** A chat endpoint with a prompt template (`{{column}}` placeholders); absent: predictions from data. */
  model?: {
    endpoint: string;
    prompt: string;
    system?: string;
    temperature?: number;
    max_tokens?: number;
  };
  predictions_column?: string;
  targets_column?: string;
  inputs_column?: string;
  metrics?: MetricSpec[];
  judge?: string;
  concurrency?: number;
  tags?: Record<string, string>;
}

const modelTypes = new Set(['question-answering', 'text-summarization', 'text', 'retrieval']);

/** Fills `{{column}}` placeholders from a row; objects are written as JSON. */
export function renderPrompt(template: string, row: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_match, column: string) => {
    const value = row[column];
    if (value === undefined)
      throw new Error(`prompt names column '${column}', which the row lacks`);
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

/** Reads and checks an eval.yaml (or .json); file paths in it are relative to the file. */
export async function readEvalConfig(path: string): Promise<EvalConfig> {
  const text = await readFile(path, 'utf8');
  const config = parseYaml(text) as EvalConfig | null;
  const where = `${path}:`;
  if (!config || typeof config !== 'object') throw new Error(`${where} expected a mapping`);
  if (typeof config.data !== 'string')
    throw new Error(`${where} 'data' must be a file path or datasets:/name`);
  if (!modelTypes.has(config.model_type)) {
    throw new Error(`${where} 'model_type' must be one of ${[...modelTypes].join(', ')}`);
  }
  if (
    config.model &&
    (typeof config.model.endpoint !== 'string' || typeof config.model.prompt !== 'string')
  ) {
    throw new Error(
      `${where} 'model' needs 'endpoint' (gateway:/route or openai:/model) and 'prompt'`,
    );
  }
  if (config.metrics !== undefined && !Array.isArray(config.metrics)) {
    throw new Error(`${where} 'metrics' must be a list`);
  }
  if (!config.data.startsWith('datasets:/') && !isAbsolute(config.data)) {
    config.data = resolve(dirname(path), config.data);
  }
  return config;
}

/** The evaluate() options an eval.yaml describes. */
export function evaluateOptionsFrom(
  config: EvalConfig,
  judgeSettings: JudgeSettings,
): EvaluateOptions {
  let predict: EvaluateOptions['predict'];
  if (config.model) {
    const model: ChatModel = chatModelFromSpec(config.model.endpoint, judgeSettings);
    const { prompt, system, temperature, max_tokens } = config.model;
    predict = (row, context) => {
      const request: ChatRequest = {
        messages: [
          ...(system ? [{ role: 'system' as const, content: renderPrompt(system, row) }] : []),
          { role: 'user', content: renderPrompt(prompt, row) },
        ],
        ...(temperature === undefined ? {} : { temperature }),
        ...(max_tokens === undefined ? {} : { max_tokens }),
      };
      return model.chat(request, context.signal ? { signal: context.signal } : {});
    };
  }
  return {
    data: config.data,
    modelType: config.model_type,
    judgeSettings,
    ...(predict ? { predict } : {}),
    ...(config.experiment ? { experiment: config.experiment } : {}),
    ...(config.run_name ? { runName: config.run_name } : {}),
    ...(config.predictions_column ? { predictionsColumn: config.predictions_column } : {}),
    ...(config.targets_column ? { targetsColumn: config.targets_column } : {}),
    ...(config.inputs_column ? { inputsColumn: config.inputs_column } : {}),
    ...(config.metrics ? { metrics: config.metrics } : {}),
    ...(config.judge ? { judge: config.judge } : {}),
    ...(config.concurrency ? { concurrency: config.concurrency } : {}),
    ...(config.tags ? { tags: config.tags } : {}),
  };
}
