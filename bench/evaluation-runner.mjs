// The evaluation runner against a fake OpenAI-wire chat model over loopback HTTP that answers
// after 50 ms: 10,000 rows at concurrency 32, with the built @cairn/evaluation (run `npx tsc -b`
// first). A saturated pool needs rows / concurrency × 50 ms = 15.6 s; target ≤ 20 s.
// Usage: node bench/evaluation-runner.mjs [--rows 10000] [--concurrency 32] [--latency-ms 50] [--json]
import { createServer } from 'node:http';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const evaluation = await import(
  pathToFileURL(join(root, 'packages/evaluation/dist/index.js')).href
);
const { builtinMetrics, openAiCompatibleChatModel, runEvaluation } = evaluation;

const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const index = argv.indexOf(name);
  return index >= 0 ? Number(argv[index + 1]) : fallback;
};
const rowCount = flag('--rows', 10_000);
const concurrency = flag('--concurrency', 32);
const latencyMs = flag('--latency-ms', 50);
const targetSeconds = 20;
// --in-process: the fake model is a 50 ms timer in this process (no HTTP), isolating the pool.
const inProcess = argv.includes('--in-process');

// The fake model: counts requests in flight so the report shows whether the pool stayed full.
let inFlight = 0;
let inFlightSamples = 0;
let inFlightTotal = 0;
const server = createServer((request, response) => {
  let raw = '';
  request.on('data', (chunk) => {
    raw += chunk;
  });
  request.on('end', () => {
    inFlight++;
    inFlightSamples++;
    inFlightTotal += inFlight;
    const body = JSON.parse(raw);
    const question = body.messages.at(-1).content;
    setTimeout(() => {
      inFlight--;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          created: 0,
          model: body.model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: `answer ${question.length % 7}` },
              finish_reason: 'stop',
            },
          ],
          usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
        }),
      );
    }, latencyMs);
  });
});
server.keepAliveTimeout = 60_000;
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const model = openAiCompatibleChatModel({
  baseUrl: `http://127.0.0.1:${server.address().port}/v1`,
  model: 'fake-50ms',
});

const rows = Array.from({ length: rowCount }, (_, index) => ({
  inputs: `Question number ${index}: what is ${index} modulo 7?`,
  targets: `answer ${(`Question number ${index}: what is ${index} modulo 7?`).length % 7}`,
}));
const cpuBefore = process.cpuUsage();
const started = performance.now();
let predictSeconds;
const result = await runEvaluation({
  rows,
  concurrency,
  metrics: [builtinMetrics.exactMatch(), builtinMetrics.toxicity()],
  onProgress: (progress) => {
    if (progress.phase === 'score' && predictSeconds === undefined) {
      predictSeconds = (performance.now() - started) / 1000;
    }
  },
  predict: inProcess
    ? (row) =>
        new Promise((resolve) => {
          inFlight++;
          inFlightSamples++;
          inFlightTotal += inFlight;
          setTimeout(() => {
            inFlight--;
            resolve(`answer ${String(row.inputs).length % 7}`);
          }, latencyMs);
        })
    : (row, context) =>
        model.chat(
          { messages: [{ role: 'user', content: String(row.inputs) }] },
          { signal: context.signal },
        ),
});
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
server.close();

const ideal = (rowCount / concurrency) * (latencyMs / 1000);
const report = {
  rows: rowCount,
  mode: inProcess ? 'in-process' : 'http',
  concurrency,
  latencyMs,
  seconds,
  predictSeconds,
  idealSeconds: ideal,
  rowsPerSecond: rowCount / seconds,
  meanInFlight: inFlightTotal / inFlightSamples,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  predictionErrors: result.failures.predictionErrors,
  exactMatch: result.metrics['exact_match/v1'],
  passed: seconds <= targetSeconds && result.failures.predictionErrors === 0,
};
if (argv.includes('--json')) {
  console.log(JSON.stringify(report));
} else {
  console.log(
    `evaluation runner: ${rowCount} rows, concurrency ${concurrency}, fake model ${latencyMs} ms (${inProcess ? 'in-process timer' : 'loopback HTTP, OpenAI wire'})`,
  );
  console.log(
    `  predict phase ${predictSeconds.toFixed(2)} s, scoring ${(seconds - predictSeconds).toFixed(2)} s`,
  );
  console.log(
    `  wall ${seconds.toFixed(2)} s (ideal ${ideal.toFixed(2)} s, target <= ${targetSeconds} s): ${report.passed ? 'ok' : 'MISSED'}`,
  );
  console.log(
    `  ${report.rowsPerSecond.toFixed(0)} rows/s, mean requests in flight at arrival ${report.meanInFlight.toFixed(1)} of ${concurrency}`,
  );
  console.log(
    `  cpu ${report.cpuSeconds.toFixed(2)} s (client + fake model in one process), prediction errors ${report.predictionErrors}, exact_match ${report.exactMatch}`,
  );
  console.log(`  load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores`);
}
if (!report.passed) process.exitCode = 1;
