import {
  type ModelVersion,
  type PromptMessage,
  type PromptVersion,
  templateProblem,
  templateVariables,
} from '@cairn/spec';
import { invalidParameter } from '../../errors.js';
import { promptTextTag, registryLimits } from '../registry-validation.js';

/** MLflow's version tags for a prompt's type and model configuration. */
export const promptTypeTag = '_mlflow_prompt_type';
export const promptModelConfigTag = '_mlflow_prompt_model_config';
export const promptResponseFormatTag = '_mlflow_prompt_response_format';
/** The placeholder `source` MLflow gives prompt versions. */
export const promptSource = 'dummy-source';

/** MLflow's prompt name rule. */
export function validatePromptName(name: string): void {
  if (!/^[a-zA-Z0-9_.-]+$/.test(name) || name === '.' || name === '..')
    throw invalidParameter(
      `Invalid prompt name '${name}'. Prompt names may only contain alphanumerics, underscores (_), dashes (-) and periods (.).`,
    );
  if (name.length > registryLimits.nameLength)
    throw invalidParameter(
      `Prompt name exceeds the maximum length of ${registryLimits.nameLength}.`,
    );
}

/**
 * Reads a template from a request: a string, or a list of `{role, content}` messages. Braces
 * must balance and the stored text must fit MLflow's prompt text limit.
 */
export function readTemplate(value: unknown): { text: string; type: 'text' | 'chat' } {
  if (typeof value !== 'string' && !Array.isArray(value))
    throw invalidParameter(
      "Invalid value for parameter 'template': a string or a list of {role, content} messages.",
    );
  const problem = templateProblem(value as string | PromptMessage[]);
  if (problem) throw invalidParameter(`Invalid prompt template: ${problem}.`);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text.length > registryLimits.promptTextLength)
    throw invalidParameter(
      `Prompt text exceeds max length of ${registryLimits.promptTextLength} characters.`,
    );
  return { text, type: typeof value === 'string' ? 'text' : 'chat' };
}

const internalTag = (key: string) =>
  key === promptTextTag || key.startsWith('_mlflow_') || key.startsWith('mlflow.prompt.');

/** A model version that holds a prompt, as Cairn's prompt endpoints show it. */
export function promptVersionToJson(version: ModelVersion): PromptVersion {
  const tags = Object.fromEntries((version.tags ?? []).map((tag) => [tag.key, tag.value]));
  const text = tags[promptTextTag] ?? '';
  const type = tags[promptTypeTag] === 'chat' ? 'chat' : 'text';
  let template: string | PromptMessage[] = text;
  if (type === 'chat') {
    try {
      template = JSON.parse(text) as PromptMessage[];
    } catch {
      template = text;
    }
  }
  let modelConfig: Record<string, unknown> | undefined;
  if (tags[promptModelConfigTag]) {
    try {
      modelConfig = JSON.parse(tags[promptModelConfigTag]) as Record<string, unknown>;
    } catch {
      modelConfig = undefined;
    }
  }
  return {
    name: version.name,
    version: version.version,
    template,
    type,
    variables: templateVariables(template),
    ...(version.description && { commit_message: version.description }),
    ...(modelConfig && { model_config: modelConfig }),
    tags: Object.fromEntries(Object.entries(tags).filter(([key]) => !internalTag(key))),
    aliases: version.aliases ?? [],
    creation_timestamp: version.creation_timestamp,
  };
}
