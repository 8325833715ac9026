/** How one OpenAI-speaking vendor differs from OpenAI: its base URL, key names and endpoints. */
export interface OpenAICompatibleVendor {
  /** Default base URL (ending in the API version segment); absent when the user must give one. */
  baseUrl?: string;
  /** Config keys holding the API key, most specific first. */
  apiKeyKeys: string[];
  /** Whether a request without a key makes sense (local servers). */
  keyOptional: boolean;
  /** Has the legacy `/completions` endpoint. */
  completions: boolean;
  /** Has `/embeddings`. */
  embeddings: boolean;
}

const localServer = { keyOptional: true, completions: true, embeddings: true };

/**
 * The OpenAI-compatible family, keyed by provider id (aliases included). Adding a vendor is one
 * entry here; none of them copies the OpenAI implementation.
 */
export const openAICompatibleVendors: Readonly<Record<string, OpenAICompatibleVendor>> = {
  openai: {
    baseUrl: 'https://api.openai.com/v1',
    apiKeyKeys: ['openai_api_key', 'api_key'],
    keyOptional: false,
    completions: true,
    embeddings: true,
  },
  mistral: {
    baseUrl: 'https://api.mistral.ai/v1',
    apiKeyKeys: ['mistral_api_key', 'api_key'],
    keyOptional: false,
    completions: false,
    embeddings: true,
  },
  ollama: {
    baseUrl: 'http://localhost:11434/v1',
    apiKeyKeys: ['ollama_api_key', 'api_key'],
    ...localServer,
  },
  vllm: {
    baseUrl: 'http://localhost:8000/v1',
    apiKeyKeys: ['vllm_api_key', 'api_key'],
    ...localServer,
  },
  together: {
    baseUrl: 'https://api.together.xyz/v1',
    apiKeyKeys: ['together_api_key', 'togetherai_api_key', 'api_key'],
    keyOptional: false,
    completions: true,
    embeddings: true,
  },
  groq: {
    baseUrl: 'https://api.groq.com/openai/v1',
    apiKeyKeys: ['groq_api_key', 'api_key'],
    keyOptional: false,
    completions: false,
    embeddings: false,
  },
  deepseek: {
    baseUrl: 'https://api.deepseek.com/v1',
    apiKeyKeys: ['deepseek_api_key', 'api_key'],
    keyOptional: false,
    completions: false,
    embeddings: false,
  },
  openrouter: {
    baseUrl: 'https://openrouter.ai/api/v1',
    apiKeyKeys: ['openrouter_api_key', 'api_key'],
    keyOptional: false,
    completions: true,
    embeddings: false,
  },
  fireworks: {
    baseUrl: 'https://api.fireworks.ai/inference/v1',
    apiKeyKeys: ['fireworks_api_key', 'api_key'],
    keyOptional: false,
    completions: true,
    embeddings: true,
  },
  // Any other server speaking OpenAI's API: the user names its base URL.
  'openai-compatible': { apiKeyKeys: ['api_key', 'openai_api_key'], ...localServer },
};

/** Alternative spellings users write in configs (MLflow says `togetherai`). */
export const openAICompatibleAliases: Readonly<Record<string, string>> = {
  togetherai: 'together',
  openai_compatible: 'openai-compatible',
  mistralai: 'mistral',
};
