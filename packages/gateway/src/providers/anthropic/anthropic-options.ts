import type { ModelConfig } from '../provider.js';
import { ProviderConfigError } from '../provider-config-error.js';
import { baseUrlFrom, configValue, requireConfig } from '../shared/config-value.js';

/** Resolved settings of an Anthropic model. */
export interface AnthropicSettings {
  baseUrl: string;
  apiKey: string;
  version: string;
  /** `max_tokens` when the request names none (Anthropic requires one). */
  defaultMaxTokens: number;
}

/**
 * Reads MLflow's keys `anthropic_api_key` and `anthropic_version` (default 2023-06-01), plus
 * `anthropic_api_base`/`base_url` and `max_tokens` (the default output budget, 4096).
 */
export function anthropicOptions(providerId: string, model: ModelConfig): AnthropicSettings {
  const config = model.config;
  const maxTokensText = configValue(config, 'max_tokens') ?? '4096';
  const defaultMaxTokens = Number(maxTokensText);
  if (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens <= 0) {
    throw new ProviderConfigError(
      `${providerId}: max_tokens must be a positive integer`,
      'max_tokens',
    );
  }
  return {
    baseUrl: baseUrlFrom(
      providerId,
      config,
      ['anthropic_api_base', 'base_url', 'api_base'],
      'https://api.anthropic.com/v1',
    ),
    apiKey: requireConfig(providerId, config, 'anthropic_api_key', 'api_key'),
    version: configValue(config, 'anthropic_version') ?? '2023-06-01',
    defaultMaxTokens,
  };
}
