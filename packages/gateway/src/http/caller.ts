import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../gateway.js';
import type { VirtualKeyRecord } from '../keys/virtual-key.js';
import { parseTags, type RequestContext } from '../routing/request-context.js';
import { CallSignal } from '../transport/cancel-signal.js';

/** Authenticates (when keys are required) and reads who is calling from headers and body. */
export async function readCaller(
  gateway: Gateway,
  request: FastifyRequest,
  body: Record<string, unknown>,
): Promise<{ key: VirtualKeyRecord | undefined; context: RequestContext }> {
  const headers = request.headers;
  const apiKey = headers['x-api-key'];
  const key = await gateway.authenticate(
    headers.authorization ?? (typeof apiKey === 'string' ? `Bearer ${apiKey}` : undefined),
  );
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
export function clientGone(reply: FastifyReply): CallSignal {
  const signal = new CallSignal();
  // `writableEnded`, not `writableFinished`: a response already ended but still in the socket's
  // buffer (a busy connection) was answered; aborting it would only cost work.
  reply.raw.once('close', () => {
    if (!reply.raw.writableEnded) signal.abort(clientLeft);
  });
  return signal;
}
