import type { EmbeddingRequest, EmbeddingResponse } from '@cairn/spec';
import type { ProviderCallOptions } from '../provider.js';
import { postJson } from '../shared/http.js';
import type { HttpContext } from '../shared/http-context.js';
import { invalidResponseError } from '../shared/provider-errors.js';
import type { GeminiSettings } from './gemini-options.js';

interface BatchEmbedResponse {
  embeddings?: { values: number[] }[];
}

/**
 * Embeds through `batchEmbedContents`, one request per input text. Gemini reports no token
 * counts for embeddings, so usage is zero.
 */
export async function geminiEmbed(
  context: HttpContext,
  settings: GeminiSettings,
  headers: Record<string, string>,
  request: EmbeddingRequest,
  options?: ProviderCallOptions,
): Promise<EmbeddingResponse> {
  const texts = typeof request.input === 'string' ? [request.input] : request.input;
  const body = {
    requests: texts.map((text) => ({
      model: settings.resource,
      content: { parts: [{ text }] },
      ...(request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions }),
    })),
  };
  const response = await postJson<BatchEmbedResponse>(context, {
    url: `${settings.baseUrl}/${settings.resource}:batchEmbedContents`,
    headers,
    body: JSON.stringify(body),
    signal: options?.signal,
  });
  if (!Array.isArray(response?.embeddings)) {
    throw invalidResponseError(context, 'returned no embeddings');
  }
  return {
    object: 'list',
    data: response.embeddings.map((embedding, index) => ({
      object: 'embedding',
      index,
      embedding: embedding.values,
    })),
    model: settings.resource.slice('models/'.length),
    usage: { prompt_tokens: 0, total_tokens: 0 },
  };
}
