import type {
  ChatChunk,
  ChatRequest,
  ChatResponse,
  CompletionChunk,
  CompletionRequest,
  CompletionResponse,
  Usage,
} from '@cairn/spec';
import type { ProviderCallOptions } from '../provider.js';
import { contentText } from './content-text.js';

type Chat = (request: ChatRequest, options?: ProviderCallOptions) => Promise<ChatResponse>;
type ChatStream = (request: ChatRequest, options?: ProviderCallOptions) => AsyncIterable<ChatChunk>;

/** The chat request that answers a completion: the prompt as one user message. */
function chatRequestFor(request: CompletionRequest, prompt: string): ChatRequest {
  const chatRequest: ChatRequest = { messages: [{ role: 'user', content: prompt }] };
  if (request.max_tokens !== undefined) chatRequest.max_tokens = request.max_tokens;
  if (request.temperature !== undefined) chatRequest.temperature = request.temperature;
  if (request.top_p !== undefined) chatRequest.top_p = request.top_p;
  if (request.n !== undefined) chatRequest.n = request.n;
  if (request.stop !== undefined) chatRequest.stop = request.stop;
  return chatRequest;
}

function promptsOf(request: CompletionRequest): string[] {
  return typeof request.prompt === 'string' ? [request.prompt] : request.prompt;
}

/**
 * `llm/v1/completions` for vendors that only have a chat API (as MLflow's gateway does it): each
 * prompt becomes a one-message chat; choices are numbered across prompts, usage is summed.
 */
export async function completeViaChat(
  chat: Chat,
  request: CompletionRequest,
  options?: ProviderCallOptions,
): Promise<CompletionResponse> {
  const responses = await Promise.all(
    promptsOf(request).map((prompt) => chat(chatRequestFor(request, prompt), options)),
  );
  const first = responses[0];
  const usage: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  const choices: CompletionResponse['choices'] = [];
  for (const response of responses) {
    for (const choice of response.choices) {
      choices.push({
        index: choices.length,
        text: contentText(choice.message.content),
        finish_reason: choice.finish_reason,
      });
    }
    usage.prompt_tokens += response.usage?.prompt_tokens ?? 0;
    usage.completion_tokens += response.usage?.completion_tokens ?? 0;
    usage.total_tokens += response.usage?.total_tokens ?? 0;
  }
  return {
    id: first?.id ?? '',
    object: 'text_completion',
    created: first?.created ?? Math.floor(Date.now() / 1000),
    model: first?.model ?? request.model ?? '',
    choices,
    usage,
  };
}

/** Streamed completions over a chat stream; several prompts stream one after another. */
export async function* completeStreamViaChat(
  chatStream: ChatStream,
  request: CompletionRequest,
  options?: ProviderCallOptions,
): AsyncGenerator<CompletionChunk> {
  const perPrompt = request.n ?? 1;
  for (const [promptIndex, prompt] of promptsOf(request).entries()) {
    for await (const chunk of chatStream(chatRequestFor(request, prompt), options)) {
      const completionChunk: CompletionChunk = {
        id: chunk.id,
        object: 'text_completion',
        created: chunk.created,
        model: chunk.model,
        choices: chunk.choices
          .filter((choice) => typeof choice.delta.content === 'string' || choice.finish_reason)
          .map((choice) => ({
            index: promptIndex * perPrompt + choice.index,
            text: typeof choice.delta.content === 'string' ? choice.delta.content : '',
            finish_reason: choice.finish_reason,
          })),
      };
      if (chunk.usage) completionChunk.usage = chunk.usage;
      if (completionChunk.choices.length > 0 || completionChunk.usage) yield completionChunk;
    }
  }
}
