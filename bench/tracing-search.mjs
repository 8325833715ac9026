// Trace search at scale: loads 50,000 traces / 1,000,000 spans over OTLP, then times a search
// with a metadata (session) filter and a time range, and opening the first page of a
// 30,000-span trace.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { formatNumber, mainFor } from './lib/bench-main.mjs';
import { jsonClient, percentile } from './lib/http-client.mjs';
import { otlpBatchTemplate, otlpClient } from './tracing-otlp-batch.mjs';

const traceCount = 50_000;
const spansPerTrace = 20;
const tracesPerBatch = 25;
const sessions = 1000;
const traceSpacingMs = 60_000;
const bigTraceSpans = 30_000;
const queries = 40;

/** Loads the data set into `server`, then measures the searches; returns result rows. */
export async function tracingSearchBenchmark(server) {
  const otlp = otlpClient(server.baseUrl, { maxSockets: 4 });
  const rest = jsonClient(server.baseUrl, { maxSockets: 1 });
  try {
    const t0 = Date.UTC(2026, 0, 1);
    const loadStarted = performance.now();
    const batchCount = traceCount / tracesPerBatch;
    let next = 0;
    const loader = async () => {
      while (next < batchCount) {
        const batch = next++;
        const template = otlpBatchTemplate({
          tracesPerBatch,
          spansPerTrace,
          sessions,
          baseMs: t0 + batch * tracesPerBatch * traceSpacingMs,
          sessionOffset: batch * tracesPerBatch,
        });
        await otlp.post(template.stamp().body);
      }
    };
    await Promise.all(Array.from({ length: 4 }, loader));
    const bigTraceId = randomBytes(16).toString('hex');
    for (let offset = 0; offset < bigTraceSpans; offset += 500) {
      const template = otlpBatchTemplate({
        tracesPerBatch: 1,
        spansPerTrace: Math.min(500, bigTraceSpans - offset),
        baseMs: t0 + offset,
      });
      await otlp.post(template.stamp(bigTraceId).body);
    }
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const totalSpans = traceCount * spansPerTrace + bigTraceSpans;

    // A session filter and a time range covering a quarter of the data, like a UI drill-down.
    const periodMs = traceCount * traceSpacingMs;
    const searchLatencies = [];
    let matched = 0;
    for (let index = 0; index < queries; index++) {
      const from = t0 + Math.floor(Math.random() * 0.75 * periodMs);
      const session = `session-${Math.floor(Math.random() * sessions)}`;
      const { body, latencyMs } = await rest.post('/api/3.0/mlflow/traces/search', {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } }],
        filter: `metadata.\`mlflow.trace.session\` = '${session}' AND trace.timestamp_ms >= ${from} AND trace.timestamp_ms < ${from + periodMs / 4}`,
        max_results: 100,
      });
      if (index > 1) searchLatencies.push(latencyMs);
      matched += body.traces?.length ?? 0;
    }

    const pageLatencies = [];
    const infoLatencies = [];
    let firstPageSize = 0;
    for (let index = 0; index < 20; index++) {
      const page = await rest.send(
        'GET',
        `/api/2.0/cairn/traces/tr-${bigTraceId}/spans?max_results=500`,
      );
      const info = await rest.send('GET', `/api/2.0/cairn/traces/tr-${bigTraceId}`);
      if (index > 1) {
        pageLatencies.push(page.latencyMs);
        infoLatencies.push(info.latencyMs);
      }
      firstPageSize = page.body.spans?.length ?? 0;
    }
    const searchP50 = percentile(searchLatencies, 50);
    const pageP50 = percentile(pageLatencies, 50) + percentile(infoLatencies, 50);
    return [
      {
        name: `tracing-search: load ${formatNumber(totalSpans)} spans / ${formatNumber(traceCount + 1)} traces over OTLP`,
        measured: `${loadSeconds.toFixed(0)} s (${formatNumber(totalSpans / loadSeconds)} spans/s)`,
        target: '',
      },
      {
        name: 'tracing-search: session metadata + time range, p50 / p95',
        measured: `${searchP50.toFixed(1)} / ${percentile(searchLatencies, 95).toFixed(1)} ms (${(matched / queries).toFixed(1)} hits avg)`,
        target: '≤ 50 ms p50',
        passed: searchP50 <= 50 && matched > 0,
      },
      {
        name: `tracing-search: open ${formatNumber(bigTraceSpans)}-span trace (info + first 500 spans), p50`,
        measured: `${pageP50.toFixed(1)} ms (${firstPageSize} spans)`,
        target: '≤ 100 ms',
        passed: pageP50 <= 100 && firstPageSize === 500,
      },
    ];
  } finally {
    otlp.close();
    rest.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await mainFor('tracing-search', tracingSearchBenchmark);
}
