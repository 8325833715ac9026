// OTLP ingestion throughput: protobuf batches of 512 spans (32 traces × 16 spans), 4 concurrent
// senders, for 15 s; every batch is acknowledged only after its transaction committed.
import { fileURLToPath } from 'node:url';
import { formatNumber, mainFor } from './lib/bench-main.mjs';
import { jsonClient, percentile } from './lib/http-client.mjs';
import { otlpBatchTemplate, otlpClient } from './tracing-otlp-batch.mjs';

const senders = 4;
const tracesPerBatch = 32;
const spansPerTrace = 16;
const defaultSeconds = 15;

/** Targets from the tracing issue, per backend. */
const targets = { sqlite: 50_000, postgres: 20_000 };

/** Drives OTLP ingestion against `server` and returns result rows. */
export async function tracingIngestBenchmark(server, options) {
  const seconds = Math.min(options.durationSeconds ?? defaultSeconds, 60);
  const target = options.backend === 'postgres' ? targets.postgres : targets.sqlite;
  const client = otlpClient(server.baseUrl, { maxSockets: senders });
  const rest = jsonClient(server.baseUrl);
  try {
    const template = otlpBatchTemplate({ tracesPerBatch, spansPerTrace });
    // Warm up the connections and the server's JIT before timing.
    for (let index = 0; index < 10; index++) await client.post(template.stamp().body);

    const latencies = [];
    let spansSent = 0;
    let batches = 0;
    const sample = [];
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const sender = async () => {
      while (performance.now() < deadline) {
        // Times move on with the clock, as a live application's spans do.
        const { body, traceIds } = template.stamp(undefined, Date.now());
        const { latencyMs } = await client.post(body);
        latencies.push(latencyMs);
        spansSent += template.spanCount;
        if (batches++ % 50 === 0) sample.push(traceIds[0]);
      }
    };
    await Promise.all(Array.from({ length: senders }, sender));
    const elapsedSeconds = (performance.now() - started) / 1000;
    const rate = spansSent / elapsedSeconds;
    server.freezeMemory();

    // Acknowledged means stored: sampled traces have all their spans and roll-ups.
    let complete = 0;
    for (const traceId of sample) {
      const { body } = await rest.send('GET', `/api/2.0/cairn/traces/${traceId}`);
      if (body.trace?.span_count === spansPerTrace && body.trace?.state === 'OK') complete++;
    }
    return [
      {
        name: `tracing-ingest: spans/s (OTLP protobuf, ${tracesPerBatch * spansPerTrace}/batch, ${senders} senders, ${elapsedSeconds.toFixed(0)} s)`,
        measured: formatNumber(rate),
        target: `≥ ${formatNumber(target)}`,
        passed: rate >= target && complete === sample.length,
      },
      {
        name: 'tracing-ingest: batch latency p50 / p99',
        measured: `${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)} ms`,
        target: '',
      },
      {
        name: 'tracing-ingest: sampled traces stored complete',
        measured: `${complete} of ${sample.length}`,
        target: 'all',
        passed: complete === sample.length,
      },
    ];
  } finally {
    client.close();
    rest.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await mainFor('tracing-ingest', tracingIngestBenchmark);
}
