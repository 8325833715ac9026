import { createAnthropicProvider } from './anthropic/index.js';
import { createAzureProvider } from './azure/index.js';
import { createBedrockProvider } from './bedrock/index.js';
import { createCohereProvider } from './cohere/index.js';
import { createGeminiProvider } from './gemini/index.js';
import {
  createOpenAIProvider,
  openAICompatibleAliases,
  openAICompatibleVendors,
} from './openai/index.js';
import type { ModelConfig, Provider } from './provider.js';
import { ProviderConfigError } from './provider-config-error.js';

/** Options of createProvider. */
export interface CreateProviderOptions {
  /** The fetch to call providers with (default: global fetch), e.g. one with a custom dispatcher. */
  fetch?: typeof fetch;
}

type Factory = (providerId: string, model: ModelConfig, fetchFunction: typeof fetch) => Provider;

const factories: Record<string, Factory> = {
  azure: createAzureProvider,
  azureopenai: createAzureProvider,
  azure_openai: createAzureProvider,
  anthropic: createAnthropicProvider,
  gemini: createGeminiProvider,
  bedrock: createBedrockProvider,
  'amazon-bedrock': createBedrockProvider,
  cohere: createCohereProvider,
};

/** Every provider id createProvider accepts, aliases included. */
export const providerIds: readonly string[] = [
  ...Object.keys(openAICompatibleVendors),
  ...Object.keys(openAICompatibleAliases),
  ...Object.keys(factories),
].sort();

/**
 * Builds the provider a route target's `model:` block names. Throws ProviderConfigError for an
 * unknown provider or a config that lacks what the provider needs (e.g. its API key).
 *
 * @example
 * const provider = createProvider({ provider: 'openai', name: 'gpt-4o', config: { openai_api_key: key } });
 * const response = await provider.chat?.({ messages: [{ role: 'user', content: 'Hi' }] });
 */
export function createProvider(model: ModelConfig, options: CreateProviderOptions = {}): Provider {
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const requested = String(model.provider ?? '').toLowerCase();
  const providerId = openAICompatibleAliases[requested] ?? requested;
  const config = model.config ?? {};
  if (typeof model.name !== 'string' || model.name.trim() === '') {
    throw new ProviderConfigError(`${providerId}: model.name is required`, 'name');
  }
  // MLflow configures Azure as provider `openai` with `openai_api_type: azure` or `azuread`.
  const apiType = config.openai_api_type?.toLowerCase();
  if (providerId === 'openai' && (apiType === 'azure' || apiType === 'azuread')) {
    return createAzureProvider('azure', { ...model, config }, fetchFunction);
  }
  const vendor = openAICompatibleVendors[providerId];
  if (vendor) return createOpenAIProvider(providerId, vendor, { ...model, config }, fetchFunction);
  const factory = factories[providerId];
  if (!factory) {
    throw new ProviderConfigError(
      `unknown provider "${model.provider}"; known: ${providerIds.join(', ')}`,
      'provider',
    );
  }
  return factory(providerId, { ...model, config }, fetchFunction);
}
