import type { ModelConfig, Provider } from '../provider.js';
import { createOpenAICompatibleProvider } from './openai-compatible-provider.js';
import type { OpenAICompatibleVendor } from './openai-compatible-vendors.js';
import { openAIOptions } from './openai-options.js';

/** OpenAI or one of the OpenAI-compatible vendors, from its table entry and the model config. */
export function createOpenAIProvider(
  providerId: string,
  vendor: OpenAICompatibleVendor,
  model: ModelConfig,
  fetchFunction: typeof fetch,
): Provider {
  return createOpenAICompatibleProvider(openAIOptions(providerId, vendor, model), fetchFunction);
}
