export { createGeminiProvider } from './gemini-provider.js';
