import { basename, dirname, extname, join } from 'node:path';
import type { GatewayLogBatch } from '@cairn/spec';
import type { FastifyInstance } from 'fastify';
import { GatewayCallCounters, gatewayStatus } from './gateway-status.js';
import type { GatewayTraceWriter } from './gateway-trace-writer.js';

/**
 * The gateway paths the server forwards when it mounts a gateway. The server keeps its own
 * `/health` and OTLP `POST /v1/traces`, so only these are mounted.
 */
export const mountedGatewayRoutes: readonly { method: 'GET' | 'POST'; url: string }[] = [
  { method: 'POST', url: '/v1/chat/completions' },
  { method: 'POST', url: '/v1/completions' },
  { method: 'POST', url: '/v1/embeddings' },
  { method: 'POST', url: '/v1/messages' },
  { method: 'POST', url: '/anthropic/v1/messages' },
  { method: 'GET', url: '/v1/models' },
  { method: 'GET', url: '/v1/models/:model' },
  { method: 'POST', url: '/gateway/:route/invocations' },
  { method: 'POST', url: '/endpoints/:name/invocations' },
  { method: 'GET', url: '/api/2.0/gateway/routes/' },
  { method: 'GET', url: '/api/2.0/gateway/routes/:name' },
  { method: 'GET', url: '/api/2.0/endpoints/' },
  { method: 'GET', url: '/api/2.0/endpoints/:name' },
];

/** A gateway running inside the server process. */
export interface MountedGateway {
  status(): Promise<Record<string, unknown>>;
}

/**
 * Loads `@cairn/gateway` (lazily: servers without a gateway never pay for it), builds the gateway
 * from the YAML at `configPath` with its shared state and virtual keys (Redis when the config
 * names one, else memory and `<config name>.keys.json` beside the file, as `cairn gateway`
 * does), forwards the gateway's paths to it, and sends its log records straight to the trace
 * store. The config reloads on change; closing the server stops the gateway and flushes its logs.
 */
export async function mountGateway(
  app: FastifyInstance,
  configPath: string,
  writer: GatewayTraceWriter,
): Promise<MountedGateway> {
  const gateway = await import('@cairn/gateway');
  const check = (model: Parameters<typeof gateway.createProvider>[0]) =>
    void gateway.createProvider(model);
  const config = await gateway.loadGatewayConfig(configPath, process.env, { checkModel: check });
  const state = await gateway.openSharedState(config.redisUrl, config.statePrefix);
  const keyStore = config.redisUrl
    ? new gateway.StateKeyStore(state)
    : await new gateway.FileKeyStore(
        join(dirname(configPath), `${basename(configPath, extname(configPath))}.keys.json`),
      ).open(true);
  const keys = new gateway.VirtualKeys(keyStore);
  const counters = new GatewayCallCounters();
  const fetch = gateway.createUpstreamFetch();
  const gatewayApp = gateway.createGatewayApp(config, {
    createProvider: (model) => gateway.createProvider(model, { fetch }),
    state,
    keys,
    logSink: {
      write: async (batch: GatewayLogBatch) => {
        const routes = gatewayApp.gateway;
        for (const record of batch.records)
          counters.note(record, routes.route(record.route)?.config.cache !== undefined);
        await writer.write(batch);
      },
    },
  });
  await gatewayApp.ready();
  const stopWatching = gateway.watchGatewayConfig(
    configPath,
    process.env,
    (next) => gatewayApp.gateway.reload(next),
    (error) =>
      app.log.warn(`gateway config not reloaded, the previous one stays: ${error.message}`),
    { checkModel: check },
  );

  for (const route of mountedGatewayRoutes) {
    app.route({
      method: route.method,
      url: route.url,
      // Hand the untouched request to the gateway before the server parses its body.
      onRequest: (request, reply, done) => {
        reply.hijack();
        gatewayApp.handle(request.raw, reply.raw);
        done();
      },
      handler: async () => undefined,
    });
  }
  app.addHook('onClose', async () => {
    stopWatching();
    await gatewayApp.close();
    await state.close();
  });
  const startedAt = Date.now();
  return {
    status: () =>
      gatewayStatus({ app: gatewayApp, state, keys, counters, startedAt, now: Date.now() }),
  };
}
