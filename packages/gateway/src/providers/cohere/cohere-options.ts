import type { ModelConfig } from '../provider.js';
import { baseUrlFrom, configValue, requireConfig } from '../shared/config-value.js';

/** Resolved settings of a Cohere model. */
export interface CohereSettings {
  baseUrl: string;
  apiKey: string;
  /** `input_type` for embeddings (v3+ models require one). */
  inputType: string;
}

/**
 * Reads MLflow's `cohere_api_key`, plus `cohere_api_base`/`base_url` (default: the v2 API) and
 * `cohere_input_type` for embeddings (default `search_document`).
 */
export function cohereOptions(providerId: string, model: ModelConfig): CohereSettings {
  const config = model.config;
  return {
    baseUrl: baseUrlFrom(
      providerId,
      config,
      ['cohere_api_base', 'base_url', 'api_base'],
      'https://api.cohere.com/v2',
    ),
    apiKey: requireConfig(providerId, config, 'cohere_api_key', 'api_key'),
    inputType: configValue(config, 'cohere_input_type', 'input_type') ?? 'search_document',
  };
}
