import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config/gateway-config.js';
import { Gateway, type GatewayDeps } from '../gateway.js';
import { GatewayError } from '../gateway-error.js';
import { registerAnthropicRoutes } from './anthropic-routes.js';
import { sendError } from './errors.js';
import { registerMlflowRoutes } from './mlflow-routes.js';
import { registerOpenAIRoutes } from './openai-routes.js';
import { rawOpenAIEndpoints } from './raw-openai-endpoints.js';
import { parseJsonObject } from './request-body.js';

/**
 * A Fastify app serving the gateway, with the Gateway it wraps (for reloads and shutdown).
 * `handle` answers one node:http request; a server mounting the gateway forwards requests to it.
 */
export type GatewayApp = FastifyInstance & {
  gateway: Gateway;
  handle(request: IncomingMessage, response: ServerResponse): void;
};

/** Options of createGatewayApp beyond the gateway's own deps. */
export interface GatewayAppOptions {
  /** Fastify's logger; off by default (the gateway logs calls through its log sink). */
  logger?: boolean;
}

/**
 * The gateway's HTTP API: OpenAI-compatible `/v1/...`, MLflow's gateway and deployments API,
 * and `/health`. Errors are OpenAI-shaped `{"error":{"message","type","code"}}`.
 *
 * @example
 * const app = createGatewayApp(parseGatewayConfig(yaml, { env: process.env }), {
 *   createProvider, state: new MemoryState(),
 * });
 * await app.listen({ port: 5001 });
 */
export function createGatewayApp(
  config: GatewayConfig,
  deps: GatewayDeps,
  options: GatewayAppOptions = {},
): GatewayApp {
  const gateway = new Gateway(config, deps);
  const raw = rawOpenAIEndpoints(gateway, config.maxBodyBytes);
  let closing = false;
  // Fastify's router, handed over when Fastify builds the server (in its constructor).
  let routing: RequestListener | undefined;
  // The raw endpoints first; Fastify answers the rest, and everything once closing (503).
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    if (closing || !raw(request, response)) routing!(request, response);
  };
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: config.maxBodyBytes,
    return503OnClosing: true,
    serverFactory: (fastifyHandler) => {
      routing = fastifyHandler;
      const server = createServer(handle);
      // Keep-alive clients (SDKs, load balancers) reuse connections; close idle ones after a while.
      server.keepAliveTimeout = 65_000;
      return server;
    },
  });
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.decorate('gateway', gateway);
  app.decorate('handle', handle);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'string' },
    (
      _request: FastifyRequest,
      body: string | Buffer,
      done: (error: Error | null, value?: unknown) => void,
    ) => {
      try {
        done(null, parseJsonObject(body as string));
      } catch (error) {
        done(error as GatewayError);
      }
    },
  );
  app.setErrorHandler((error: FastifyError | GatewayError, _request, reply) =>
    sendError(reply, error, gateway.config.secrets),
  );
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new GatewayError(
        404,
        `No such endpoint: ${request.method} ${request.url.split('?')[0]}`,
        'invalid_request_error',
        'not_found',
      ),
      [],
    ),
  );
  app.addHook('onClose', async () => gateway.close());
  app.get('/health', async () => ({ status: 'OK' }));
  registerOpenAIRoutes(app, gateway);
  registerMlflowRoutes(app, gateway);
  registerAnthropicRoutes(app, gateway);
  return app as unknown as GatewayApp;
}
