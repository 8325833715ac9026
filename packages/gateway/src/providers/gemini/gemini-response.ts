import type { ChatChoice, ChatResponse, ToolCall, Usage } from '@cairn/spec';
import { generateId, nowSeconds } from '../shared/ids.js';
import type { GeminiPart, GeminiResponse, GeminiUsageMetadata } from './gemini-wire.js';

/** Gemini's finish reason as OpenAI's; a turn that called functions finishes with tool_calls. */
export function geminiFinishReason(
  reason: string | undefined,
  calledTools: boolean,
): ChatChoice['finish_reason'] {
  if (reason === undefined) return null;
  if (calledTools) return 'tool_calls';
  if (reason === 'STOP') return 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (
    ['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY'].includes(
      reason,
    )
  ) {
    return 'content_filter';
  }
  return 'stop'; // LANGUAGE, OTHER, MALFORMED_FUNCTION_CALL, FINISH_REASON_UNSPECIFIED
}

/** Gemini usage as OpenAI usage; thinking tokens are billed as output, so they count there. */
export function geminiUsage(usage: GeminiUsageMetadata | undefined): Usage {
  const prompt = usage?.promptTokenCount ?? 0;
  const completion = (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage?.totalTokenCount ?? prompt + completion,
  };
}

/** The text (thoughts left out) and function calls of a candidate's parts. */
export function geminiParts(parts: GeminiPart[] | undefined): {
  text: string;
  toolCalls: ToolCall[];
} {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const part of parts ?? []) {
    if (part.text !== undefined && !part.thought) text += part.text;
    if (part.functionCall) {
      toolCalls.push({
        id: part.functionCall.id ?? generateId('call_'),
        type: 'function',
        function: {
          name: part.functionCall.name,
          arguments: JSON.stringify(part.functionCall.args ?? {}),
        },
      });
    }
  }
  return { text, toolCalls };
}

/** Translates a `generateContent` response into an OpenAI chat completion. */
export function geminiChatResponse(response: GeminiResponse, model: string): ChatResponse {
  const choices: ChatChoice[] = (response.candidates ?? []).map((candidate, position) => {
    const { text, toolCalls } = geminiParts(candidate.content?.parts);
    const message: ChatChoice['message'] = {
      role: 'assistant',
      content: text === '' && toolCalls.length > 0 ? null : text,
    };
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    return {
      index: candidate.index ?? position,
      message,
      finish_reason: geminiFinishReason(candidate.finishReason ?? 'STOP', toolCalls.length > 0),
    };
  });
  // A blocked prompt has no candidates; say so the way OpenAI would.
  if (choices.length === 0 && response.promptFeedback?.blockReason) {
    choices.push({
      index: 0,
      message: { role: 'assistant', content: null },
      finish_reason: 'content_filter',
    });
  }
  return {
    id: response.responseId ?? generateId('chatcmpl-'),
    object: 'chat.completion',
    created: nowSeconds(),
    model: response.modelVersion ?? model,
    choices,
    usage: geminiUsage(response.usageMetadata),
  };
}
