import type { ModelConfig } from '../provider.js';
import { ProviderConfigError } from '../provider-config-error.js';
import { baseUrlFrom, configValue } from '../shared/config-value.js';
import type { OpenAICompatibleSettings } from './openai-compatible-settings.js';
import type { OpenAICompatibleVendor } from './openai-compatible-vendors.js';

/** Config keys that may carry a base URL, for every vendor (MLflow's name first). */
const baseUrlKeys = (providerId: string) => [
  'openai_api_base',
  `${providerId.replaceAll('-', '_')}_api_base`,
  'base_url',
  'api_base',
];

/**
 * Reads a model's config for an OpenAI-compatible vendor: `<vendor>_api_key` or `api_key`,
 * `openai_api_base`/`base_url` (default: the vendor's), `openai_organization` for OpenAI.
 */
export function openAIOptions(
  providerId: string,
  vendor: OpenAICompatibleVendor,
  model: ModelConfig,
): OpenAICompatibleSettings {
  const config = model.config;
  const baseUrl = baseUrlFrom(providerId, config, baseUrlKeys(providerId), vendor.baseUrl);
  const apiKey = configValue(config, ...vendor.apiKeyKeys);
  if (apiKey === undefined && !vendor.keyOptional) {
    const key = vendor.apiKeyKeys[0]!;
    throw new ProviderConfigError(`${providerId}: model.config.${key} is required`, key);
  }
  const headers: Record<string, string> = {};
  if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
  const organization = configValue(config, 'openai_organization', 'organization');
  if (organization !== undefined) headers['openai-organization'] = organization;
  return {
    providerId,
    model: model.name,
    url: (operation) => `${baseUrl}/${operation}`,
    headers,
    secrets: apiKey === undefined ? [] : [apiKey],
    completions: vendor.completions,
    embeddings: vendor.embeddings,
    sendModel: true,
  };
}
