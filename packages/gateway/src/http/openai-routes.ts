import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway, GatewayCall } from '../gateway.js';
import { GatewayError } from '../gateway-error.js';
import type { InvokeResult } from '../invoke-target.js';
import { type Caller, clientGone, type Exchange, fastifyExchange, readCaller } from './caller.js';
import { encodeEmbeddings } from './encode-embeddings.js';
import { sendResult } from './send-result.js';

type Kind = GatewayCall['kind'];

/**
 * OpenAI-compatible endpoints; `model` names a route. The POST endpoints are served on node:http
 * directly for JSON bodies (see rawOpenAIEndpoints); these Fastify routes answer the rest (other
 * content types, a server mounting the gateway without its front) the same way.
 */
export function registerOpenAIRoutes(app: FastifyInstance, gateway: Gateway): void {
  const handler = (kind: Kind) => (request: FastifyRequest, reply: FastifyReply) =>
    invokeOpenAI(gateway, fastifyExchange(request, reply), kind, requireBody(request.body));
  app.post('/v1/chat/completions', handler('chat'));
  app.post('/v1/completions', handler('completions'));
  app.post('/v1/embeddings', handler('embeddings'));

  app.get('/v1/models', async (request) => {
    await gateway.authenticate(request.headers.authorization);
    return {
      object: 'list',
      data: gateway.listRoutes().map((route) => modelEntry(route.config.name)),
    };
  });
  app.get<{ Params: { model: string } }>('/v1/models/:model', async (request) => {
    await gateway.authenticate(request.headers.authorization);
    if (!gateway.route(request.params.model)) {
      throw new GatewayError(
        404,
        `The model '${request.params.model}' does not exist.`,
        'invalid_request_error',
        'model_not_found',
      );
    }
    return modelEntry(request.params.model);
  });
}

function modelEntry(name: string) {
  return { id: name, object: 'model', created: 0, owned_by: 'cairn-gateway' };
}

/** The parsed JSON body, or a 400 when there is none. */
export function requireBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object') {
    throw new GatewayError(
      400,
      'The request needs a JSON object body.',
      'invalid_request_error',
      'invalid_body',
    );
  }
  return body as Record<string, unknown>;
}

/** Runs an OpenAI-shaped call, whose `model` names the route, and answers it. */
export function invokeOpenAI(
  gateway: Gateway,
  exchange: Exchange,
  kind: Kind,
  body: Record<string, unknown>,
): Promise<void> {
  const model = body.model;
  if (typeof model !== 'string' || model === '') {
    return Promise.reject(
      new GatewayError(
        400,
        'You must provide a model parameter (the name of a gateway route).',
        'invalid_request_error',
        'missing_model',
      ),
    );
  }
  return invokeAndSend(gateway, exchange, kind, model, body);
}

/** Runs a call and answers it (JSON or SSE); shared by the OpenAI and MLflow endpoints. */
export async function invokeAndSend(
  gateway: Gateway,
  exchange: Exchange,
  kind: Kind,
  route: string,
  body: Record<string, unknown>,
): Promise<void> {
  const result = await invokeCall(gateway, exchange, kind, route, body);
  const transform =
    kind === 'embeddings' && body.encoding_format === 'base64' ? encodeEmbeddings : undefined;
  await sendResult(exchange, result, transform);
}

/** Runs a call with the caller's key and context; endpoints of other shapes answer it themselves. */
export function invokeCall(
  gateway: Gateway,
  exchange: Exchange,
  kind: Kind,
  route: string,
  body: Record<string, unknown>,
): Promise<InvokeResult> {
  const invoke = ({ key, context }: Caller) => {
    const call: GatewayCall = {
      kind,
      route,
      body,
      context,
      signal: clientGone(exchange.response),
      startedAt: exchange.startedAt,
    };
    if (key) call.key = key;
    const cacheControl = exchange.headers['cache-control'];
    if (cacheControl !== undefined) call.cacheControl = cacheControl;
    return gateway.invoke(call);
  };
  const caller = readCaller(gateway, exchange.headers, body);
  return caller instanceof Promise ? caller.then(invoke) : invoke(caller);
}
