export { defaultAzureApiVersion } from './azure-options.js';
export { createAzureProvider } from './azure-provider.js';
