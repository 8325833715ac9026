import type { ChatMessage, ChatRequest } from '@cairn/spec';
import { contentText, parseDataUrl, stopList } from '../shared/content-text.js';
import { parseArguments } from '../shared/parse-json.js';
import type { GeminiContent, GeminiPart } from './gemini-wire.js';

/**
 * Translates an OpenAI chat request to a `generateContent` body: system messages become
 * `systemInstruction`, assistant turns `model` turns, tool calls `functionCall` parts and tool
 * results `functionResponse` parts (named after the call they answer, as Gemini requires).
 */
export function geminiRequest(providerId: string, request: ChatRequest): Record<string, unknown> {
  const system: string[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  for (const message of request.messages) {
    if (message.role === 'system' || message.role === 'developer') {
      system.push(contentText(message.content));
      continue;
    }
    const role = message.role === 'assistant' ? 'model' : 'user';
    const parts = partsOf(providerId, message, toolNames);
    const previous = contents.at(-1);
    if (previous?.role === role) previous.parts.push(...parts);
    else contents.push({ role, parts });
  }
  const body: Record<string, unknown> = { contents };
  if (system.length > 0) body.systemInstruction = { parts: [{ text: system.join('\n\n') }] };
  const generationConfig: Record<string, unknown> = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined) generationConfig.maxOutputTokens = maxTokens;
  if (request.temperature !== undefined) generationConfig.temperature = request.temperature;
  if (request.top_p !== undefined) generationConfig.topP = request.top_p;
  if (request.n !== undefined) generationConfig.candidateCount = request.n;
  if (request.seed !== undefined) generationConfig.seed = request.seed;
  if (request.presence_penalty !== undefined)
    generationConfig.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty !== undefined)
    generationConfig.frequencyPenalty = request.frequency_penalty;
  const stop = stopList(request.stop);
  if (stop) generationConfig.stopSequences = stop;
  if (
    request.response_format?.type === 'json_object' ||
    request.response_format?.type === 'json_schema'
  ) {
    generationConfig.responseMimeType = 'application/json';
  }
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  if (request.tools?.length) {
    body.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.function.name,
          description: tool.function.description,
          parameters: tool.function.parameters,
        })),
      },
    ];
  }
  const toolConfig = geminiToolConfig(request.tool_choice);
  if (toolConfig) body.toolConfig = toolConfig;
  return body;
}

function partsOf(
  providerId: string,
  message: ChatMessage,
  toolNames: Map<string, string>,
): GeminiPart[] {
  if (message.role === 'tool') {
    const name = toolNames.get(message.tool_call_id ?? '') ?? message.name ?? 'tool';
    return [{ functionResponse: { name, response: { content: contentText(message.content) } } }];
  }
  const parts: GeminiPart[] = [];
  if (typeof message.content === 'string') {
    if (message.content !== '') parts.push({ text: message.content });
  } else if (message.content) {
    for (const part of message.content) {
      if (part.type === 'text') parts.push({ text: part.text });
      else {
        const inline = parseDataUrl(part.image_url.url);
        parts.push(
          inline
            ? { inlineData: { mimeType: inline.mediaType, data: inline.data } }
            : { fileData: { fileUri: part.image_url.url } },
        );
      }
    }
  }
  for (const call of message.tool_calls ?? []) {
    toolNames.set(call.id, call.function.name);
    parts.push({
      functionCall: {
        name: call.function.name,
        args: parseArguments(providerId, call.function.arguments),
      },
    });
  }
  return parts;
}

function geminiToolConfig(choice: unknown): Record<string, unknown> | undefined {
  const mode = { auto: 'AUTO', required: 'ANY', none: 'NONE' }[String(choice)];
  if (mode) return { functionCallingConfig: { mode } };
  const named = choice as { function?: { name?: string } } | undefined;
  if (named?.function?.name) {
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [named.function.name] } };
  }
  return undefined;
}
