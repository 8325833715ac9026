// Dashboard aggregations over 1,000,000 spans: seeds 100,000 traces × 10 spans (plus metadata,
// tags, per-model usage, 40,000 assessments and 720 evaluation runs) straight into the database
// of a running `cairn server`, then times each dashboard endpoint over the full 30-day range and
// with filters. Target: each answers in ≤ 300 ms on SQLite (p95 of 10 requests after warm-up).
// The server's CPU time per request is printed too: on a shared machine it is the steadier number.
// `--db FILE` (SQLite only) keeps the seeded database in FILE and reuses it on later runs, so
// before/after comparisons skip the few minutes of seeding.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchOptions, formatNumber, printTable } from './lib/bench-main.mjs';
import { openBackend, startCairnServer } from './lib/cairn-server.mjs';
import { runRows, traceRows } from './lib/dashboard-seed.mjs';
import { jsonClient, percentile } from './lib/http-client.mjs';

const traceCount = 100_000;
const runCount = 720;
const endMs = Date.UTC(2026, 5, 28);
const rangeMs = 30 * 24 * 3600_000;
const startMs = endMs - rangeMs;
const repeats = 10;
const targetMs = 300;

const queries = [
  ['performance', ''],
  ['performance', '&experiment_id=1&route=chat'],
  ['performance', '&user=user-7&bucket=hour'],
  ['cost', ''],
  ['cost', '&group_by=user'],
  ['cost', '&group_by=tag:cost_center&model=gpt-4o'],
  ['usage', ''],
  ['usage', '&group_by=route&tag=cost_center%3Dcc-1'],
  ['quality', ''],
  ['quality', '&experiment_id=2'],
];

/** Inserts the data set through prepared statements (SQLite) or unnest() batches (PostgreSQL). */
export async function seed(backend) {
  const writer =
    backend.name === 'sqlite' ? await sqliteWriter(backend.uri) : await postgresWriter(backend.uri);
  const spacingMs = rangeMs / traceCount;
  const chunk = 5000;
  try {
    for (let first = 0; first < traceCount; first += chunk) {
      const rows = [];
      for (let i = first; i < Math.min(traceCount, first + chunk); i++)
        rows.push(traceRows(i, { startMs, spacingMs }));
      await writer.traces(rows);
    }
    await writer.runs(runRows(runCount, { startMs, spacingMs: rangeMs / runCount }));
  } finally {
    await writer.close();
  }
}

async function sqliteWriter(uri) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(uri.slice('sqlite:///'.length));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = (table, columns) =>
    db.prepare(
      `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
    );
  const trace = insert('trace_info', [
    'request_id',
    'experiment_id',
    'timestamp_ms',
    'execution_time_ms',
    'status',
    'name',
    'request_preview',
    'response_preview',
    'input_tokens',
    'output_tokens',
    'total_tokens',
    'cost',
    'span_count',
    'root_span_id',
    'user_id',
    'session_id',
    'route',
  ]);
  const span = insert('spans', [
    'trace_id',
    'span_id',
    'parent_span_id',
    'otel_trace_id',
    'name',
    'span_type',
    'kind',
    'start_time_ns',
    'end_time_ns',
    'status',
    'model',
    'input_tokens',
    'output_tokens',
    'total_tokens',
    'cost',
    'attributes',
    'events',
    'inputs',
  ]);
  const metadata = insert('trace_request_metadata', ['request_id', 'key', 'value']);
  const tag = insert('trace_tags', ['request_id', 'key', 'value']);
  const usage = insert('trace_usage', [
    'request_id',
    'model',
    'input_tokens',
    'output_tokens',
    'total_tokens',
    'cost',
    'span_count',
  ]);
  const assessment = insert('assessments', [
    'assessment_id',
    'trace_id',
    'name',
    'assessment_type',
    'value',
    'body',
    'valid',
    'create_time_ms',
    'last_update_time_ms',
  ]);
  const run = insert('runs', [
    'run_uuid',
    'name',
    'experiment_id',
    'user_id',
    'status',
    'start_time',
    'end_time',
    'lifecycle_stage',
    'artifact_uri',
  ]);
  const metric = insert('latest_metrics', [
    'run_uuid',
    'key',
    'value',
    'timestamp',
    'step',
    'is_nan',
  ]);
  const writeTraces = db.transaction((rows) => {
    for (const row of rows) {
      const t = row.trace;
      trace.run(
        t.request_id,
        t.experiment_id,
        t.timestamp_ms,
        t.execution_time_ms,
        t.status,
        t.name,
        t.request_preview,
        t.response_preview,
        t.input_tokens,
        t.output_tokens,
        t.total_tokens,
        t.cost,
        t.span_count,
        t.root_span_id,
        t.user_id,
        t.session_id,
        t.route,
      );
      for (const s of row.spans) {
        const total = s.input_tokens === null ? null : s.input_tokens + s.output_tokens;
        span.run(
          s.trace_id,
          s.span_id,
          s.parent_span_id,
          s.otel_trace_id,
          s.name,
          s.span_type,
          0,
          s.start_ns,
          s.end_ns,
          s.status,
          s.model,
          s.input_tokens,
          s.output_tokens,
          total,
          s.cost,
          s.attributes,
          s.events,
          s.inputs,
        );
      }
      for (const [key, value] of row.metadata) metadata.run(t.request_id, key, value);
      for (const [key, value] of row.tags) tag.run(t.request_id, key, value);
      for (const [model, [cost, input, output, count]] of row.usage)
        usage.run(t.request_id, model, input, output, input + output, cost, count);
      for (const a of row.assessments)
        assessment.run(
          a.assessment_id,
          a.trace_id,
          a.name,
          'feedback',
          a.value,
          a.body,
          1,
          a.create_time_ms,
          a.create_time_ms,
        );
    }
  });
  const writeRuns = db.transaction((runs) => {
    for (const r of runs) {
      run.run(
        r.run_uuid,
        r.run_uuid,
        r.experiment_id,
        'bench',
        'FINISHED',
        r.start_time,
        r.start_time + 60_000,
        'active',
        '',
      );
      for (const [key, value] of Object.entries(r.metrics))
        metric.run(r.run_uuid, key, value, r.start_time, 0, 0);
    }
  });
  return {
    traces: async (rows) => writeTraces(rows),
    runs: async (runs) => writeRuns(runs),
    close: async () => {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

async function postgresWriter(uri) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  /** One insert of many rows: each column travels as one typed array through unnest(). */
  const insertMany = async (table, columns, rows) => {
    if (rows.length === 0) return;
    const arrays = columns.map((_, index) =>
      rows.map((row) => (typeof row[index] === 'bigint' ? String(row[index]) : row[index])),
    );
    const names = columns.map(([name]) => name).join(', ');
    const unnest = columns.map(([, type], index) => `$${index + 1}::${type}[]`).join(', ');
    await client.query(`insert into ${table} (${names}) select * from unnest(${unnest})`, arrays);
  };
  return {
    async traces(rows) {
      await client.query('begin');
      await insertMany(
        'trace_info',
        [
          ['request_id', 'text'],
          ['experiment_id', 'int8'],
          ['timestamp_ms', 'int8'],
          ['execution_time_ms', 'int8'],
          ['status', 'text'],
          ['name', 'text'],
          ['request_preview', 'text'],
          ['response_preview', 'text'],
          ['input_tokens', 'int8'],
          ['output_tokens', 'int8'],
          ['total_tokens', 'int8'],
          ['cost', 'float8'],
          ['span_count', 'int8'],
          ['root_span_id', 'text'],
          ['user_id', 'text'],
          ['session_id', 'text'],
          ['route', 'text'],
        ],
        rows.map(({ trace: t }) => [
          t.request_id,
          t.experiment_id,
          t.timestamp_ms,
          t.execution_time_ms,
          t.status,
          t.name,
          t.request_preview,
          t.response_preview,
          t.input_tokens,
          t.output_tokens,
          t.total_tokens,
          t.cost,
          t.span_count,
          t.root_span_id,
          t.user_id,
          t.session_id,
          t.route,
        ]),
      );
      await insertMany(
        'spans',
        [
          ['trace_id', 'text'],
          ['span_id', 'text'],
          ['parent_span_id', 'text'],
          ['otel_trace_id', 'text'],
          ['name', 'text'],
          ['span_type', 'text'],
          ['kind', 'int4'],
          ['start_time_ns', 'int8'],
          ['end_time_ns', 'int8'],
          ['status', 'text'],
          ['model', 'text'],
          ['input_tokens', 'int8'],
          ['output_tokens', 'int8'],
          ['total_tokens', 'int8'],
          ['cost', 'float8'],
          ['attributes', 'text'],
          ['events', 'text'],
          ['inputs', 'text'],
        ],
        rows.flatMap((row) =>
          row.spans.map((s) => [
            s.trace_id,
            s.span_id,
            s.parent_span_id,
            s.otel_trace_id,
            s.name,
            s.span_type,
            0,
            s.start_ns,
            s.end_ns,
            s.status,
            s.model,
            s.input_tokens,
            s.output_tokens,
            s.input_tokens === null ? null : s.input_tokens + s.output_tokens,
            s.cost,
            s.attributes,
            s.events,
            s.inputs,
          ]),
        ),
      );
      const keyed = [
        ['request_id', 'text'],
        ['key', 'text'],
        ['value', 'text'],
      ];
      await insertMany(
        'trace_request_metadata',
        keyed,
        rows.flatMap((row) =>
          row.metadata.map(([key, value]) => [row.trace.request_id, key, value]),
        ),
      );
      await insertMany(
        'trace_tags',
        keyed,
        rows.flatMap((row) => row.tags.map(([key, value]) => [row.trace.request_id, key, value])),
      );
      await insertMany(
        'trace_usage',
        [
          ['request_id', 'text'],
          ['model', 'text'],
          ['input_tokens', 'int8'],
          ['output_tokens', 'int8'],
          ['total_tokens', 'int8'],
          ['cost', 'float8'],
          ['span_count', 'int8'],
        ],
        rows.flatMap((row) =>
          row.usage.map(([model, [cost, input, output, count]]) => [
            row.trace.request_id,
            model,
            input,
            output,
            input + output,
            cost,
            count,
          ]),
        ),
      );
      await insertMany(
        'assessments',
        [
          ['assessment_id', 'text'],
          ['trace_id', 'text'],
          ['name', 'text'],
          ['assessment_type', 'text'],
          ['value', 'text'],
          ['body', 'text'],
          ['valid', 'int4'],
          ['create_time_ms', 'int8'],
          ['last_update_time_ms', 'int8'],
        ],
        rows.flatMap((row) =>
          row.assessments.map((a) => [
            a.assessment_id,
            a.trace_id,
            a.name,
            'feedback',
            a.value,
            a.body,
            1,
            a.create_time_ms,
            a.create_time_ms,
          ]),
        ),
      );
      await client.query('commit');
    },
    async runs(runs) {
      await insertMany(
        'runs',
        [
          ['run_uuid', 'text'],
          ['name', 'text'],
          ['experiment_id', 'int8'],
          ['user_id', 'text'],
          ['status', 'text'],
          ['start_time', 'int8'],
          ['end_time', 'int8'],
          ['lifecycle_stage', 'text'],
          ['artifact_uri', 'text'],
        ],
        runs.map((r) => [
          r.run_uuid,
          r.run_uuid,
          r.experiment_id,
          'bench',
          'FINISHED',
          r.start_time,
          r.start_time + 60_000,
          'active',
          '',
        ]),
      );
      await insertMany(
        'latest_metrics',
        [
          ['run_uuid', 'text'],
          ['key', 'text'],
          ['value', 'float8'],
          ['timestamp', 'int8'],
          ['step', 'int8'],
          ['is_nan', 'int4'],
        ],
        runs.flatMap((r) =>
          Object.entries(r.metrics).map(([key, value]) => [
            r.run_uuid,
            key,
            value,
            r.start_time,
            0,
            0,
          ]),
        ),
      );
      // Autovacuum would analyze these tables soon after such a load; do it now.
      await client.query('analyze');
    },
    close: () => client.end(),
  };
}

/** Seeds one backend behind a running server and times every query; returns result rows. */
async function benchmarkBackend(kind, options) {
  const kept = kind === 'sqlite' ? options.dbFile : undefined;
  const reused = kept !== undefined && existsSync(kept);
  const backend = kept
    ? { name: 'sqlite', uri: `sqlite:///${kept}`, dispose: async () => {} }
    : await openBackend(kind, options.postgresUrl);
  let server;
  try {
    server = await startCairnServer(backend); // migrates the schema, 006's indexes included
    const seedStarted = performance.now();
    if (!reused) await seed(backend);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    process.stderr.write(
      reused
        ? `[dashboards on ${kind}] reusing the seeded ${kept}\n`
        : `[dashboards on ${kind}] seeded ${formatNumber(traceCount * 10)} spans in ${seedSeconds.toFixed(1)} s\n`,
    );
    const client = jsonClient(server.baseUrl, { maxSockets: 1 });
    const rows = [
      {
        backend: kind,
        name: 'seed 1,000,000 spans (direct inserts)',
        measured: reused ? 'reused' : `${seedSeconds.toFixed(1)} s`,
        target: '',
      },
    ];
    for (const [name, extra] of queries) {
      const path = `/api/2.0/cairn/dashboards/${name}?start_ms=${startMs}&end_ms=${endMs}${extra}`;
      const latencies = [];
      let cpuMs = 0;
      let body;
      for (let attempt = 0; attempt < repeats + 2; attempt++) {
        const cpuBefore = processCpuMs(server.pid);
        const result = await client.send('GET', path);
        if (attempt >= 2) cpuMs += processCpuMs(server.pid) - cpuBefore;
        if (result.status !== 200)
          throw new Error(`${path} answered ${result.status}: ${JSON.stringify(result.body)}`);
        body = result.body;
        if (attempt >= 2) latencies.push(result.latencyMs);
      }
      const p50 = percentile(latencies, 50);
      const p95 = percentile(latencies, 95);
      rows.push({
        backend: kind,
        name: `${name}${extra === '' ? ' (30 days, all traces)' : ` ${extra.slice(1).replaceAll('%3D', '=')}`}`,
        measured: `p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, ${kind === 'sqlite' ? `server CPU ${(cpuMs / repeats).toFixed(0)} ms/request, ` : ''}(${summary(name, body)})`,
        target: kind === 'sqlite' ? `≤ ${targetMs} ms` : '',
        passed: kind === 'sqlite' ? p95 <= targetMs : undefined,
      });
    }
    client.close();
    const memory = await server.stop();
    server = undefined;
    rows.push({
      backend: kind,
      name: 'server RSS peak',
      measured: `${memory.peakRssMb.toFixed(0)} MB`,
      target: '',
    });
    return rows;
  } finally {
    if (server) await server.stop();
    await backend.dispose();
  }
}

/** User + system CPU time of a process so far, in ms (from /proc; clock ticks are 10 ms). */
function processCpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A few numbers from the answer, so a wrong (e.g. empty) answer is visible next to its time. */
function summary(name, body) {
  if (name === 'performance')
    return `${formatNumber(body.latency.overall.count)} traces, p95 ${body.latency.overall.p95?.toFixed(0)} ms`;
  if (name === 'cost') return `$${body.totals.cost.toFixed(2)}, ${body.groups.length} groups`;
  if (name === 'usage')
    return `${formatNumber(body.totals.requests)} requests, ${body.tools.length} tools`;
  return `${body.metric_trends.length} metric keys, ${body.toxicity.count} toxicity alerts`;
}

async function main() {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--db');
  const dbFile = at >= 0 ? resolve(argv.splice(at, 2)[1]) : undefined;
  const options = { ...benchOptions(argv), dbFile };
  const rows = [];
  for (const kind of options.backends) rows.push(...(await benchmarkBackend(kind, options)));
  if (options.json) console.log(JSON.stringify(rows, null, 2));
  else printTable(rows);
  if (rows.some((row) => row.passed === false)) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
