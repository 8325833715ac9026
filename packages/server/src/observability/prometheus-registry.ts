import { prometheusMetricNames } from '@cairn/spec';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Latency buckets (seconds): sub-millisecond reads up to minute-long uploads. */
export const latencyBucketsSeconds = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/** A Prometheus registry with Cairn's HTTP metrics, labelled by route pattern (never raw URLs). */
export interface PrometheusRegistry {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpRequestDuration: Histogram<'method' | 'route'>;
}

/**
 * Creates a fresh registry (no global default registry, so apps and tests never share state)
 * with process metrics and the request counter and latency histogram. The gateway can build
 * the same with the names in `@cairn/spec`'s `prometheusMetricNames`.
 *
 * @example const { registry, httpRequests } = createPrometheusRegistry({ service: 'server' });
 */
export function createPrometheusRegistry(
  options: { service?: string; processMetrics?: boolean } = {},
): PrometheusRegistry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service ?? 'cairn-server' });
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const httpRequests = new Counter({
    name: prometheusMetricNames.httpRequests,
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpRequestDuration = new Histogram({
    name: prometheusMetricNames.httpRequestDuration,
    help: 'HTTP request latency in seconds, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: latencyBucketsSeconds,
    registers: [registry],
  });
  return { registry, httpRequests, httpRequestDuration };
}
