import type { EmbeddingRequest, EmbeddingResponse } from '@cairn/spec';
import type { ProviderCallOptions } from '../provider.js';
import { postJson } from '../shared/http.js';
import type { HttpContext } from '../shared/http-context.js';
import { invalidResponseError } from '../shared/provider-errors.js';
import type { CohereSettings } from './cohere-options.js';
import type { CohereUsage } from './cohere-wire.js';

interface CohereEmbedResponse {
  id?: string;
  embeddings?: { float?: number[][] };
  meta?: CohereUsage;
}

/** Embeds through `POST /v2/embed`, asking for float embeddings. */
export async function cohereEmbed(
  context: HttpContext,
  settings: CohereSettings,
  model: string,
  headers: Record<string, string>,
  request: EmbeddingRequest,
  options?: ProviderCallOptions,
): Promise<EmbeddingResponse> {
  const texts = typeof request.input === 'string' ? [request.input] : request.input;
  const body: Record<string, unknown> = {
    model,
    texts,
    input_type: settings.inputType,
    embedding_types: ['float'],
  };
  if (request.dimensions !== undefined) body.output_dimension = request.dimensions;
  const response = await postJson<CohereEmbedResponse>(context, {
    url: `${settings.baseUrl}/embed`,
    headers,
    body: JSON.stringify(body),
    signal: options?.signal,
  });
  const vectors = response?.embeddings?.float;
  if (!Array.isArray(vectors)) throw invalidResponseError(context, 'returned no float embeddings');
  const tokens = response.meta?.billed_units?.input_tokens ?? 0;
  return {
    object: 'list',
    data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
