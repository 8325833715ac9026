import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { IngestionCounters } from './ingestion-counters.js';
import { createPrometheusRegistry } from './prometheus-registry.js';
import { registerTraceUsageGauges } from './trace-usage-gauges.js';

export type { IngestionKind } from './ingestion-counters.js';
export { IngestionCounters } from './ingestion-counters.js';
export { createPrometheusRegistry, type PrometheusRegistry } from './prometheus-registry.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Ingestion counters behind `GET /metrics`; set by `registerObservability`. */
    ingestionCounters?: IngestionCounters;
  }
}

/**
 * Counts `count` ingested items of `kind` on the app serving `request`; a no-op when the app has
 * no observability registered (a domain calls this after its write commits).
 */
export function recordIngestion(
  request: FastifyRequest,
  kind: Parameters<IngestionCounters['add']>[0],
  count: number,
): void {
  request.server.ingestionCounters?.add(kind, count);
}

/**
 * Serves Prometheus metrics at `GET /metrics`: request counts and latency per route pattern,
 * ingestion counters, and token/cost/trace totals read from the trace store on scrape. Metric
 * points logged through MLflow's log-metric and log-batch are counted here from the request.
 */
export function registerObservability(app: FastifyInstance, context: AppContext): void {
  const { registry, httpRequests, httpRequestDuration } = createPrometheusRegistry();
  const ingestion = new IngestionCounters(registry);
  registerTraceUsageGauges(registry, context.storage, context.clock);
  app.decorate('ingestionCounters', ingestion);

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, so labels stay bounded; unknown paths share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    httpRequestDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (reply.statusCode === 200) countLoggedMetrics(request, route, ingestion);
  });

  app.get('/metrics', async (_request, reply) => {
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  });
}

function countLoggedMetrics(
  request: FastifyRequest,
  route: string,
  ingestion: IngestionCounters,
): void {
  if (route.endsWith('/mlflow/runs/log-metric')) ingestion.add('metrics', 1);
  else if (route.endsWith('/mlflow/runs/log-batch')) {
    const body = request.body as { metrics?: unknown; params?: unknown } | undefined;
    if (Array.isArray(body?.metrics)) ingestion.add('metrics', body.metrics.length);
    if (Array.isArray(body?.params)) ingestion.add('params', body.params.length);
  }
}
