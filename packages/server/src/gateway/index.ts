import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { recordIngestion } from '../observability/index.js';
import { TraceService } from '../tracing/index.js';
import { GatewayTraceWriter } from './gateway-trace-writer.js';
import { type MountedGateway, mountGateway } from './mount-gateway.js';
import { parseLogBatch } from './parse-log-batch.js';

export { defaultGatewayExperiment } from './gateway-trace-writer.js';
export { mountedGatewayRoutes } from './mount-gateway.js';

/** Options of the gateway domain. */
export interface GatewayOptions {
  /** A gateway YAML to mount in this server (`cairn server --gateway-config`); none: not mounted. */
  configPath?: string;
}

const prefixes = ['/api/2.0/cairn/gateway', '/ajax-api/2.0/cairn/gateway'];

/**
 * Registers the gateway domain: `POST /api/2.0/cairn/gateway/logs` (a `cairn gateway
 * --tracking-uri` sends its call records there; each becomes a trace, in the experiment the
 * record or the `x-mlflow-experiment-id` header names, else the `gateway` experiment),
 * `GET /api/2.0/cairn/gateway/status`, and, with `configPath`, the gateway itself mounted in the
 * server (loaded when the app starts).
 */
export function registerGatewayRoutes(
  app: FastifyInstance,
  context: AppContext,
  options: GatewayOptions = {},
): void {
  const service = new TraceService(
    context.storage,
    context.artifacts,
    undefined,
    (message, error) => app.log.warn({ err: error }, message),
  );
  const writer = new GatewayTraceWriter(context, service);
  let mounted: MountedGateway | undefined;

  for (const prefix of prefixes) {
    app.post(`${prefix}/logs`, async (request) => {
      const batch = parseLogBatch(request.body);
      const header = request.headers['x-mlflow-experiment-id'];
      const experimentId = (Array.isArray(header) ? header[0] : header)?.trim() || undefined;
      await writer.write(batch, experimentId);
      recordIngestion(request, 'spans', batch.records.length);
      return { records: batch.records.length };
    });
    app.get(`${prefix}/status`, async () => {
      const received = { records: writer.counts.records, dropped: writer.counts.dropped };
      if (!mounted) {
        return {
          mounted: false,
          message:
            'No gateway is mounted in this server. Start it with `cairn server --gateway-config <file>`, ' +
            'or run `cairn gateway --tracking-uri <this server>` to log its calls here.',
          received,
        };
      }
      return { ...(await mounted.status()), received };
    });
  }

  const configPath = options.configPath;
  if (configPath) {
    app.register(async (scope) => {
      mounted = await mountGateway(scope, configPath, writer);
    });
  }
  app.addHook('onClose', async () => service.store.statistics.settled());
}
