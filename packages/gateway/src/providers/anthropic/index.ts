export { createAnthropicProvider, isAnthropicProvider } from './anthropic-provider.js';
