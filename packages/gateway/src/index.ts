export {
  type CreateProviderOptions,
  createProvider,
  ProviderConfigError,
  providerIds,
} from './providers/index.js';
export type { ModelConfig, Provider, ProviderCallOptions } from './providers/provider.js';
export { isRetryableStatus, ProviderError } from './providers/provider.js';
