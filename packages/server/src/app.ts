import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from './app-context.js';
import { openArtifactRepository, registerArtifactRoutes } from './artifacts/index.js';
import type { ServerConfig } from './config.js';
import { registerDashboardRoutes } from './dashboards/index.js';
import { invalidParameter } from './errors.js';
import { type EvaluationOptions, registerEvaluationRoutes } from './evaluation/index.js';
import { type GatewayOptions, registerGatewayRoutes } from './gateway/index.js';
import { installErrorHandler } from './http/error-handler.js';
import { registerObservability } from './observability/index.js';
import { type RegistryOptions, registerRegistryRoutes } from './registry/index.js';
import { openStorage } from './storage/index.js';
import { registerTracingRoutes } from './tracing/index.js';
import { registerTrackingRoutes } from './tracking/index.js';
import { cairnVersion } from './version.js';
import { registerWebUi } from './web-ui/index.js';

/** Options for building the HTTP app around an already-open context. */
export interface BuildAppOptions {
  bodyLimitBytes?: number;
  logLevel?: ServerConfig['logLevel'];
  registry?: RegistryOptions;
  evaluation?: EvaluationOptions;
  gateway?: GatewayOptions;
}

/**
 * The composition root: opens the metadata store (migrating it) and the artifact repository that
 * `config` names, and returns the Fastify app serving them. Closing the app closes the store.
 */
export async function createApp(config: ServerConfig): Promise<FastifyInstance> {
  const storage = await openStorage(config.backendStoreUri);
  try {
    const artifacts = await openArtifactRepository(
      config.artifactsDestination,
      config.artifactStore,
    );
    const context: AppContext = { storage, artifacts, clock: Date.now, authorize: () => {} };
    const app = buildApp(context, {
      bodyLimitBytes: config.bodyLimitBytes,
      logLevel: config.logLevel,
      registry: { webhooksAllowPrivate: config.webhooksAllowPrivate },
      evaluation: { ...(config.evaluationJudge ? { judgeSettings: config.evaluationJudge } : {}) },
      gateway: { ...(config.gatewayConfig ? { configPath: config.gatewayConfig } : {}) },
    });
    app.addHook('onClose', async () => {
      await storage.writes.drain();
      await storage.close();
    });
    return app;
  } catch (error) {
    await storage.close();
    throw error;
  }
}

/** Builds the app over a given context (tests pass their own stores, clock and authorizer). */
export function buildApp(context: AppContext, options: BuildAppOptions = {}): FastifyInstance {
  const app = Fastify({
    bodyLimit: options.bodyLimitBytes ?? 64 * 1024 * 1024,
    logger: { level: options.logLevel ?? 'warn' },
    // MLflow clients send DELETE requests with JSON bodies.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
  });
  installErrorHandler(app);
  registerObservability(app, context);
  // MLflow reads an empty JSON body as `{}`.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, body === '' ? {} : JSON.parse(body as string));
    } catch (error) {
      done(
        invalidParameter(`Malformed JSON in request body: ${(error as Error).message}`),
        undefined,
      );
    }
  });

  // One authorization hook in front of every route; a no-op unless auth is configured.
  app.addHook('onRequest', async (request) => {
    await context.authorize(request);
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'SAMEORIGIN');
  });

  app.get('/health', async (_request, reply) => reply.type('text/plain').send('OK'));
  app.get('/version', async (_request, reply) => reply.type('text/plain').send(cairnVersion));

  registerTrackingRoutes(app, context);
  registerArtifactRoutes(app, context);
  registerRegistryRoutes(app, context, options.registry);
  registerTracingRoutes(app, context);
  registerEvaluationRoutes(app, context, options.evaluation);
  registerDashboardRoutes(app, context);
  registerGatewayRoutes(app, context, options.gateway);
  registerWebUi(app);
  return app;
}
