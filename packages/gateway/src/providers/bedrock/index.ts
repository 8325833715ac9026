export { createBedrockProvider } from './bedrock-provider.js';
