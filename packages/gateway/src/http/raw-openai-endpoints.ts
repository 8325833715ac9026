import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Gateway, GatewayCall } from '../gateway.js';
import type { Exchange } from './caller.js';
import { writeError } from './errors.js';
import { invokeOpenAI } from './openai-routes.js';
import { readJsonBody } from './request-body.js';

const kindsByPath: Readonly<Record<string, GatewayCall['kind']>> = {
  '/v1/chat/completions': 'chat',
  '/v1/completions': 'completions',
  '/v1/embeddings': 'embeddings',
};

/**
 * Serves `POST /v1/chat/completions`, `/v1/completions` and `/v1/embeddings` with JSON bodies on
 * node:http directly; returns false for any other request, for Fastify to answer. These calls are
 * nearly all of a gateway's traffic, and Fastify's request pipeline cost about as much CPU as
 * the whole call handling behind it. Answers and errors are the same as the Fastify routes'.
 */
export function rawOpenAIEndpoints(
  gateway: Gateway,
  maxBodyBytes: number,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    if (request.method !== 'POST') return false;
    const kind = kindsByPath[request.url as string];
    if (kind === undefined || !isJsonType(request.headers['content-type'])) return false;
    const exchange: Exchange = {
      headers: request.headers,
      response,
      startedAt: performance.now(),
    };
    readJsonBody(request, maxBodyBytes, (error, body) => {
      const fail = (failure: Error) => writeError(response, failure, gateway.config.secrets);
      if (error) fail(error);
      else invokeOpenAI(gateway, exchange, kind, body!).catch(fail);
    });
    return true;
  };
}

/** `application/json`, with or without parameters (`; charset=utf-8`). */
function isJsonType(type: string | undefined): boolean {
  if (type === undefined || !type.startsWith('application/json')) return false;
  const next = type.charCodeAt(16);
  // End of string, ';' or whitespace: not `application/jsonl`.
  return Number.isNaN(next) || next === 59 || next === 32 || next === 9;
}
