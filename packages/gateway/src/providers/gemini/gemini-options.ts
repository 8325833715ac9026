import type { ModelConfig } from '../provider.js';
import { baseUrlFrom, requireConfig } from '../shared/config-value.js';

/** Resolved settings of a Gemini model. */
export interface GeminiSettings {
  baseUrl: string;
  apiKey: string;
  /** `models/<name>`, the resource name the API wants. */
  resource: string;
}

/** Reads MLflow's `gemini_api_key`, plus `gemini_api_base`/`base_url` (default: v1beta). */
export function geminiOptions(providerId: string, model: ModelConfig): GeminiSettings {
  const config = model.config;
  return {
    baseUrl: baseUrlFrom(
      providerId,
      config,
      ['gemini_api_base', 'base_url', 'api_base'],
      'https://generativelanguage.googleapis.com/v1beta',
    ),
    apiKey: requireConfig(providerId, config, 'gemini_api_key', 'api_key'),
    resource: model.name.startsWith('models/') ? model.name : `models/${model.name}`,
  };
}
