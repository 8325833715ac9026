import { prometheusMetricNames } from '@cairn/spec';
import { Counter, type Registry } from 'prom-client';

/** What the server ingests; a fixed set so the label stays bounded. */
export type IngestionKind =
  | 'metrics'
  | 'params'
  | 'spans'
  | 'traces'
  | 'assessments'
  | 'gateway_logs';

/** Counters of ingested items that any domain may bump (`cairn_ingested_total{kind}`). */
export class IngestionCounters {
  private readonly counter: Counter<'kind'>;

  constructor(registry: Registry) {
    this.counter = new Counter({
      name: prometheusMetricNames.ingested,
      help: 'Items ingested, by kind (metrics, params, spans, traces, assessments, gateway_logs).',
      labelNames: ['kind'] as const,
      registers: [registry],
    });
  }

  /** Counts `count` items of `kind` as stored; never throws (telemetry must not fail a write). */
  add(kind: IngestionKind, count = 1): void {
    if (Number.isFinite(count) && count > 0) this.counter.inc({ kind }, count);
  }
}
