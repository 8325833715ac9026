import type { ChatResponse } from '@cairn/spec';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../gateway.js';
import type { GatewayError } from '../gateway-error.js';
import { anthropicErrorType } from '../providers/anthropic/anthropic-mapping.js';
import { countTokensHandler } from './anthropic-count-tokens.js';
import { chatRequestFromMessages } from './anthropic-messages-request.js';
import { messageFromChat } from './anthropic-messages-response.js';
import { type MessageStreamEvent, messageEvents } from './anthropic-messages-stream.js';
import { fastifyExchange } from './caller.js';
import { sendError } from './errors.js';
import { invokeCall, requireBody } from './openai-routes.js';
import { type SseFraming, sendResult } from './send-result.js';

/**
 * Anthropic's Messages API as a door to chat routes: `POST /v1/messages` (and the
 * `/anthropic/v1/messages` alias) with `model` naming a route. Calls go through the same
 * guardrails, cache, limits, budgets, routing, fallback and logging as `/v1/chat/completions`;
 * answers, streams and errors come back in Anthropic's shapes. The virtual key may come as
 * `x-api-key` (what Anthropic's SDK sends) or `Authorization: Bearer`.
 * `POST /v1/messages/count_tokens` counts a request's input tokens on the same routes
 * (see countTokensHandler).
 *
 * @example
 * const client = new Anthropic({ baseURL: 'http://localhost:5001', apiKey: 'ck-…' });
 * await client.messages.create({ model: 'chat', max_tokens: 256, messages: [{ role: 'user', content: 'hi' }] });
 */
export function registerAnthropicRoutes(app: FastifyInstance, gateway: Gateway): void {
  const errorHandler = (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) =>
    sendError(reply, error, gateway.config.secrets, anthropicErrorBody);
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const chatRequest = chatRequestFromMessages(requireBody(request.body));
    const route = chatRequest.model as string;
    const exchange = fastifyExchange(request, reply);
    const result = await invokeCall(gateway, exchange, 'chat', route, chatRequest);
    // Anthropic's ids start with msg_; this one is the request id the logs and headers carry.
    const id = `msg_${result.meta.requestId.replaceAll('-', '')}`;
    if (result.kind === 'json') {
      await sendResult(exchange, result, (body) => messageFromChat(body as ChatResponse, id));
    } else {
      const events = messageEvents(result.chunks, id, route);
      await sendResult(exchange, { ...result, chunks: events }, undefined, anthropicFraming);
    }
  };
  app.post('/v1/messages', { errorHandler }, handler);
  app.post('/anthropic/v1/messages', { errorHandler }, handler);
  const countTokens = (request: FastifyRequest, reply: FastifyReply) =>
    countTokensHandler(gateway, request, reply);
  app.post('/v1/messages/count_tokens', { errorHandler }, countTokens);
  app.post('/anthropic/v1/messages/count_tokens', { errorHandler }, countTokens);
}

/** Anthropic's error body: `{"type":"error","error":{"type","message"}}`, typed by status. */
function anthropicErrorBody(error: GatewayError) {
  return {
    type: 'error',
    error: { type: anthropicErrorType(error.status), message: error.message },
  };
}

/** Anthropic's SSE: an `event:` line naming each event, no end marker, errors as `event: error`. */
const anthropicFraming: SseFraming = {
  event: (event) =>
    `event: ${(event as MessageStreamEvent).type}\ndata: ${JSON.stringify(event)}\n\n`,
  end: '',
  error: (error) => `event: error\ndata: ${JSON.stringify(anthropicErrorBody(error))}\n\n`,
};
