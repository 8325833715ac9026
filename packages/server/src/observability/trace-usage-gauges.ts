import { gatewayRouteMetadataKey, prometheusMetricNames } from '@cairn/spec';
import { sql } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { Storage } from '../storage/index.js';
import { traceKeyTables } from '../tracing/trace-key-tables.js';

/** Most label values per gauge: bounds the exposition whatever the data holds. */
const maxSeries = 100;
/** Scrapes within this window reuse the previous read instead of querying again. */
const cacheMs = 10_000;

interface UsageRow {
  key: string;
  input_tokens: number | null;
  output_tokens: number | null;
  cost: number | null;
  traces: number;
}

interface Snapshot {
  byModel: UsageRow[];
  byRoute: UsageRow[];
  byStatus: { status: string; n: number }[];
}

/**
 * All-time token, cost and trace totals from the trace store, read on scrape (at most every 10 s)
 * with grouped queries limited to the top 100 models and routes by cost. They are gauges, not
 * counters: retention deletes traces, so the totals may fall.
 */
export function registerTraceUsageGauges(
  registry: Registry,
  storage: Storage,
  clock: () => number,
): void {
  let snapshot: { at: number; value: Promise<Snapshot> } | undefined;
  const read = () => {
    const now = clock();
    if (!snapshot || now - snapshot.at >= cacheMs) {
      snapshot = { at: now, value: readSnapshot(storage) };
      // A failed read is retried on the next scrape rather than cached.
      snapshot.value.catch(() => {
        snapshot = undefined;
      });
    }
    return snapshot.value;
  };
  new Gauge({
    name: prometheusMetricNames.traceTokens,
    help: 'Tokens recorded in traces, by model or gateway route and direction (input/output).',
    labelNames: ['model', 'route', 'direction'] as const,
    registers: [registry],
    async collect() {
      const { byModel, byRoute } = await read();
      this.reset();
      for (const row of byModel) {
        this.set({ model: row.key, route: '', direction: 'input' }, Number(row.input_tokens ?? 0));
        this.set(
          { model: row.key, route: '', direction: 'output' },
          Number(row.output_tokens ?? 0),
        );
      }
      for (const row of byRoute) {
        this.set({ model: '', route: row.key, direction: 'input' }, Number(row.input_tokens ?? 0));
        this.set(
          { model: '', route: row.key, direction: 'output' },
          Number(row.output_tokens ?? 0),
        );
      }
    },
  });
  new Gauge({
    name: prometheusMetricNames.traceCost,
    help: 'Cost (USD) recorded in traces, by model or gateway route.',
    labelNames: ['model', 'route'] as const,
    registers: [registry],
    async collect() {
      const { byModel, byRoute } = await read();
      this.reset();
      for (const row of byModel) this.set({ model: row.key, route: '' }, Number(row.cost ?? 0));
      for (const row of byRoute) this.set({ model: '', route: row.key }, Number(row.cost ?? 0));
    },
  });
  new Gauge({
    name: prometheusMetricNames.traces,
    help: 'Traces stored, by status.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const { byStatus } = await read();
      this.reset();
      for (const row of byStatus) this.set({ status: row.status }, Number(row.n));
    },
  });
}

async function readSnapshot(storage: Storage): Promise<Snapshot> {
  const { db } = storage;
  const { usage, metadata, traceColumn } = traceKeyTables(storage.dialect);
  const trace = sql.ref(traceColumn);
  const byModel = await sql<UsageRow>`
    select model as key, sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens,
      sum(cost) as cost, count(*) as traces
    from ${sql.table(usage)} group by model order by 4 desc, 1 limit ${maxSeries}`.execute(db);
  const byRoute = await sql<UsageRow>`
    select m.value as key, sum(t.input_tokens) as input_tokens, sum(t.output_tokens) as output_tokens,
      sum(t.cost) as cost, count(*) as traces
    from ${sql.table(metadata)} m join trace_info t on t.${trace} = m.${trace}
    where m.key = ${gatewayRouteMetadataKey}
    group by m.value order by 4 desc, 1 limit ${maxSeries}`.execute(db);
  const byStatus = await sql<{ status: string; n: number }>`
    select status, count(*) as n from trace_info group by status`.execute(db);
  return { byModel: byModel.rows, byRoute: byRoute.rows, byStatus: byStatus.rows };
}
