import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../gateway.js';
import type { VirtualKeyRecord } from '../keys/virtual-key.js';
import { parseTags, type RequestContext } from '../routing/request-context.js';
import { CallSignal } from '../transport/cancel-signal.js';

/**
 * One request as the call handling sees it, whichever server took it: the raw OpenAI endpoints
 * (node:http) or a Fastify route.
 */
export interface Exchange {
  headers: IncomingHttpHeaders;
  response: ServerResponse;
  /** performance.now() when the request arrived. */
  startedAt: number;
  /** Takes the response over from the framework before it is written (Fastify's hijack). */
  claim?: () => void;
}

/** The exchange of a Fastify request. */
export function fastifyExchange(request: FastifyRequest, reply: FastifyReply): Exchange {
  return {
    headers: request.headers,
    response: reply.raw,
    startedAt: performance.now() - reply.elapsedTime,
    claim: () => reply.hijack(),
  };
}

/** Who is calling: the virtual key (when keys are in use) and the request context. */
export interface Caller {
  key: VirtualKeyRecord | undefined;
  context: RequestContext;
}

/**
 * Authenticates (when keys are required) and reads who is calling from headers and body. Without
 * keys there is nothing to wait for, so the caller comes back at once rather than as a promise.
 */
export function readCaller(
  gateway: Gateway,
  headers: IncomingHttpHeaders,
  body: Record<string, unknown>,
): Caller | Promise<Caller> {
  if (!gateway.requiresKeys) return callerOf(undefined, headers, body);
  const apiKey = headers['x-api-key'];
  return gateway
    .authenticate(
      headers.authorization ?? (typeof apiKey === 'string' ? `Bearer ${apiKey}` : undefined),
    )
    .then((key) => callerOf(key, headers, body));
}

function callerOf(
  key: VirtualKeyRecord | undefined,
  headers: IncomingHttpHeaders,
  body: Record<string, unknown>,
): Caller {
  const context: RequestContext = {
    tags: parseTags(headers['x-cairn-tags']),
    headers,
    metadata: {},
  };
  const user = headers['x-cairn-user'] ?? body.user;
  if (typeof user === 'string' && user) context.user = user;
  const session = headers['x-cairn-session'];
  if (typeof session === 'string' && session) context.session = session;
  if (body.metadata && typeof body.metadata === 'object')
    context.metadata = body.metadata as Record<string, string>;
  if (key) context.keyId = key.id;
  return { key, context };
}

/** Why a call stops when its client leaves (one shared Error: it is never thrown as is). */
const clientLeft = new Error('client closed the request');

/** A signal that fires when the client disconnects before the response is complete. */
export function clientGone(response: ServerResponse): CallSignal {
  const signal = new CallSignal();
  // `writableEnded`, not `writableFinished`: a response already ended but still in the socket's
  // buffer (a busy connection) was answered; aborting it would only cost work.
  // `on`, not `once`: a response closes once, and once's wrapper costs per request.
  response.on('close', () => {
    if (!response.writableEnded) signal.abort(clientLeft);
  });
  return signal;
}
