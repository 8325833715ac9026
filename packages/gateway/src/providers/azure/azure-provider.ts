import { createOpenAICompatibleProvider } from '../openai/openai-compatible-provider.js';
import type { ModelConfig, Provider } from '../provider.js';
import { azureOptions } from './azure-options.js';

/** Azure OpenAI: the shared OpenAI implementation at a deployment URL with Azure's auth. */
export function createAzureProvider(
  providerId: string,
  model: ModelConfig,
  fetchFunction: typeof fetch,
): Provider {
  return createOpenAICompatibleProvider(azureOptions(providerId, model), fetchFunction);
}
