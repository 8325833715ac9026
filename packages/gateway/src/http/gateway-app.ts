import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { GatewayConfig } from '../config/gateway-config.js';
import { Gateway, type GatewayDeps } from '../gateway.js';
import { GatewayError } from '../gateway-error.js';
import { parseJsonKeepingText } from '../json-text.js';
import { scrubSecrets } from '../upstream-error.js';
import { registerAnthropicRoutes } from './anthropic-routes.js';
import { registerMlflowRoutes } from './mlflow-routes.js';
import { registerOpenAIRoutes } from './openai-routes.js';

/** A Fastify app serving the gateway, with the Gateway it wraps (for reloads and shutdown). */
export type GatewayApp = FastifyInstance & { gateway: Gateway };

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
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: config.maxBodyBytes,
    // Keep-alive clients (SDKs, load balancers) reuse connections; close idle ones after a while.
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
  });
  app.decorate('gateway', gateway);
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
        const parsed = parseJsonKeepingText(body as string);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
          done(
            new GatewayError(
              400,
              'The request body must be a JSON object.',
              'invalid_request_error',
              'invalid_body',
            ),
          );
        } else done(null, parsed);
      } catch {
        done(
          new GatewayError(
            400,
            'The request body is not valid JSON.',
            'invalid_request_error',
            'invalid_json',
          ),
        );
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

/**
 * Renders any error with the right status, secrets scrubbed, as OpenAI's error JSON unless
 * `render` shapes it otherwise (the Anthropic endpoint).
 */
export function sendError(
  reply: FastifyReply,
  error: FastifyError | GatewayError | Error,
  secrets: readonly string[],
  render: (error: GatewayError) => unknown = (gatewayError) => gatewayError.toJSON(),
): FastifyReply {
  let gatewayError: GatewayError;
  if (error instanceof GatewayError) gatewayError = error;
  else {
    const status = (error as FastifyError).statusCode ?? 500;
    const code = (error as FastifyError).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      gatewayError = new GatewayError(
        413,
        'The request body is too large.',
        'invalid_request_error',
        'body_too_large',
      );
    } else if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      gatewayError = new GatewayError(
        415,
        'Send the request body as application/json.',
        'invalid_request_error',
        'unsupported_media_type',
      );
    } else if (status >= 400 && status < 500) {
      gatewayError = new GatewayError(
        status,
        scrubSecrets(error.message, secrets),
        'invalid_request_error',
        code ?? null,
      );
    } else {
      gatewayError = new GatewayError(
        500,
        'Internal gateway error.',
        'api_error',
        'internal_error',
      );
    }
  }
  if (gatewayError.retryAfterMs !== undefined) {
    reply.header('retry-after', String(Math.max(1, Math.ceil(gatewayError.retryAfterMs / 1000))));
  }
  // 499 is nginx's "client closed request": nobody reads it, but keep it out of 5xx counts.
  return reply.status(gatewayError.status).send(render(gatewayError));
}
