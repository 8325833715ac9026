export { type CreateProviderOptions, createProvider, providerIds } from './create-provider.js';
export type { ModelConfig, Provider, ProviderCallOptions } from './provider.js';
export { isRetryableStatus, ProviderError } from './provider.js';
export { ProviderConfigError } from './provider-config-error.js';
