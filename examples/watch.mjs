// STORY step 7 — watch.
//
//   npx cairn server                      # in another terminal (http://127.0.0.1:5000)
//   node examples/watch.mjs               # after the other examples, so there is something to see
//
// Reads the dashboards the UI draws — performance (latency p50/p95/p99, errors, time to first
// token), cost (per day, user, session and model, with the month-end forecast), usage (requests,
// active users, top questions) and quality (evaluation scores, feedback, toxicity alerts) — for
// the chatbot's production experiment, then scrapes /metrics as Prometheus (and Grafana) would.
import { api, heading, requireServer, trackingUri, ui } from './support/story-env.mjs';

await requireServer();
const production = await api('/api/2.0/mlflow/experiments/get-by-name', {
  query: { experiment_name: 'loan-chatbot-v1' },
}).catch(() => undefined);
if (!production) {
  console.error('No loan-chatbot-v1 experiment yet: run examples/trace-rag-chain.mjs first.');
  process.exit(1);
}
const experimentId = production.experiment.experiment_id;
const dayMs = 24 * 3600 * 1000;
const range = { start_ms: Date.now() - 7 * dayMs, end_ms: Date.now() + 60_000 };
const dashboard = (name, query = {}) =>
  api(`/api/2.0/cairn/dashboards/${name}`, { query: { ...range, ...query } });
const usd = (value) => `$${(value ?? 0).toFixed(6)}`;
const ms = (value) => (value === null || value === undefined ? '-' : `${Math.round(value)} ms`);
const day = (epochMs) => new Date(epochMs).toISOString().slice(0, 10);

heading(`Performance of loan-chatbot-v1 (experiment ${experimentId}), last 7 days`);
const performance = await dashboard('performance', { experiment_id: experimentId });
const { overall } = performance.latency;
console.log(
  `latency  p50 ${ms(overall.p50)}  p95 ${ms(overall.p95)}  p99 ${ms(overall.p99)}  over ${overall.count} traces`,
);
const { errors } = performance;
console.log(
  `errors   ${errors.errors} of ${errors.total} traces (${(errors.error_rate * 100).toFixed(1)}%)`,
);
for (const kind of errors.by_type) console.log(`         ${kind.error_type}: ${kind.count}`);
console.log(
  `time to first token  p50 ${ms(performance.ttft.overall.p50)}  p95 ${ms(performance.ttft.overall.p95)}`,
);

heading('Cost (all traces: the app, the evaluations, the gateway)');
const byModel = await dashboard('cost', { group_by: 'model', bucket: 'day' });
console.log(
  `total ${usd(byModel.totals.cost)} over ${byModel.totals.traces} traces, ${byModel.totals.total_tokens} tokens`,
);
for (const point of byModel.series.filter((entry) => entry.traces > 0)) {
  console.log(`  ${day(point.bucket_start_ms)}  ${usd(point.cost)}  ${point.traces} traces`);
}
for (const group of byModel.groups)
  console.log(`  model ${String(group.key).padEnd(18)} ${usd(group.cost)}`);
const forecast = byModel.forecast;
console.log(
  `forecast for the month to ${day(forecast.month_end_ms - 1)}: ${usd(forecast.projected_month_total)} (${usd(forecast.month_to_date)} so far, fitted on ${forecast.fit_days} days)`,
);
for (const groupBy of ['user', 'session', 'tag:cost_center']) {
  const grouped = await dashboard('cost', { group_by: groupBy, experiment_id: experimentId });
  const top = grouped.groups.filter((group) => group.key !== null).slice(0, 4);
  console.log(
    `by ${groupBy}: ${top.map((group) => `${group.key} ${usd(group.cost)}`).join(', ') || '-'}`,
  );
}

heading('Usage');
const usage = await dashboard('usage', { experiment_id: experimentId, group_by: 'user' });
console.log(
  `${usage.totals.requests} requests from ${usage.totals.users} active users in ${usage.totals.sessions} sessions`,
);
for (const query of usage.top_queries.slice(0, 3)) console.log(`  ${query.count}×  ${query.query}`);

heading('Quality');
const quality = await dashboard('quality');
for (const trend of quality.metric_trends
  .filter((entry) => /correctness|states_amount|toxicity/.test(entry.key))
  .slice(0, 6)) {
  const last = trend.points.filter((point) => point.runs > 0).at(-1);
  console.log(
    `  ${trend.key.padEnd(34)} mean ${last?.mean.toFixed(3) ?? '-'} over ${last?.runs ?? 0} runs`,
  );
}
for (const feedback of quality.feedback) {
  console.log(
    `feedback '${feedback.name}': ${feedback.positive} 👍 ${feedback.negative} 👎 (${(feedback.positive_ratio * 100).toFixed(0)}% positive)`,
  );
}
console.log(`toxicity alerts above ${quality.toxicity.threshold}: ${quality.toxicity.count}`);

heading(`Prometheus: ${trackingUri}/metrics`);
const metrics = await (await fetch(`${trackingUri}/metrics`)).text();
const wanted = /^cairn_(traces|trace_cost_usd|trace_tokens)\{/;
const samples = metrics.split('\n').filter((line) => wanted.test(line));
// A few samples of each metric (traces, cost, tokens), however many models and routes there are.
const shown = new Map();
for (const line of samples) {
  const name = line.slice(0, line.indexOf('{'));
  shown.set(name, (shown.get(name) ?? 0) + 1);
  if (shown.get(name) <= 3) console.log(`  ${line}`);
}
if (samples.length > 9)
  console.log(
    `  … ${samples.length - [...shown.values()].reduce((sum, count) => sum + Math.min(count, 3), 0)} more`,
  );
console.log('(deploy/grafana/cairn-dashboard.json charts these for Grafana)');

console.log(`\nLook in the UI:\n  dashboards  ${ui('/dashboards')}`);
