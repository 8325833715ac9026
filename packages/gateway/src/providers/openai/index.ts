export { createOpenAICompatibleProvider } from './openai-compatible-provider.js';
export type { OpenAICompatibleSettings, OpenAIOperation } from './openai-compatible-settings.js';
export { openAICompatibleAliases, openAICompatibleVendors } from './openai-compatible-vendors.js';
export { createOpenAIProvider } from './openai-provider.js';
