import type { EmbeddingRequest, EmbeddingResponse } from '@cairn/spec';
import type { ProviderCallOptions } from '../provider.js';
import type { HttpContext } from '../shared/http-context.js';
import { invalidResponseError } from '../shared/provider-errors.js';

/** Sends one signed InvokeModel request and returns its parsed JSON body. */
export type InvokeModel = <T>(body: object, options?: ProviderCallOptions) => Promise<T>;

/** Whether the model id names an embedding family Cairn knows how to call on Bedrock. */
export function bedrockEmbeddingFamily(model: string): 'titan' | 'cohere' | undefined {
  if (model.includes('titan-embed')) return 'titan';
  if (model.includes('cohere.embed')) return 'cohere';
  return undefined;
}

/**
 * Embeddings through InvokeModel: Titan takes one text per call (the calls run in parallel and
 * report token counts); Cohere takes a batch with an input type.
 */
export async function bedrockEmbed(
  context: HttpContext,
  invoke: InvokeModel,
  model: string,
  inputType: string,
  request: EmbeddingRequest,
  options?: ProviderCallOptions,
): Promise<EmbeddingResponse> {
  const texts = typeof request.input === 'string' ? [request.input] : request.input;
  if (bedrockEmbeddingFamily(model) === 'cohere') {
    const response = await invoke<{ embeddings?: number[][] }>(
      { texts, input_type: inputType },
      options,
    );
    if (!Array.isArray(response?.embeddings))
      throw invalidResponseError(context, 'returned no embeddings');
    return {
      object: 'list',
      data: response.embeddings.map((embedding, index) => ({
        object: 'embedding',
        index,
        embedding,
      })),
      model,
      usage: { prompt_tokens: 0, total_tokens: 0 },
    };
  }
  const responses = await Promise.all(
    texts.map((inputText) =>
      invoke<{ embedding?: number[]; inputTextTokenCount?: number }>(
        request.dimensions === undefined
          ? { inputText }
          : { inputText, dimensions: request.dimensions },
        options,
      ),
    ),
  );
  let tokens = 0;
  const data = responses.map((response, index) => {
    if (!Array.isArray(response?.embedding))
      throw invalidResponseError(context, 'returned no embedding');
    tokens += response.inputTextTokenCount ?? 0;
    return { object: 'embedding' as const, index, embedding: response.embedding };
  });
  return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
