// The evaluation runner against a fake OpenAI-wire chat model over loopback HTTP that answers
// after 50 ms: 10,000 rows at concurrency 32, with the built @cairn/evaluation (run `npx tsc -b`
// first). A saturated pool needs rows / concurrency × 50 ms = 15.6 s; target ≤ 20 s.
// The fake model runs in a child process, as a real model server would, so its CPU does not
// compete with the client's event loop; --server-in-process puts it back in this process.
// Usage: node bench/evaluation-runner.mjs [--rows 10000] [--concurrency 32] [--latency-ms 50]
//          [--in-process | --server-in-process] [--node-http] [--json]
// --node-http: the chat model's `fetch` is a small shim over node:http with a keep-alive Agent,
// to compare the client CPU per request with the global fetch (undici) the runner uses by default.
import { fork } from 'node:child_process';
import { Agent, createServer, request as httpRequest } from 'node:http';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

// --serve (internal): this process is the fake model; it reports its port and, when asked, how
// many requests it saw in flight and how many TCP connections the client opened (keep-alive).
const serve = argv.includes('--serve');
const serverInProcess = argv.includes('--server-in-process');

// The fake model: counts requests in flight at arrival so the report shows whether the pool
// stayed full, and connections so it shows whether the client reused them.
function startFakeModel() {
  const stats = { inFlight: 0, samples: 0, total: 0, connections: 0 };
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      stats.inFlight++;
      stats.samples++;
      stats.total += stats.inFlight;
      const body = JSON.parse(raw);
      const question = body.messages.at(-1).content;
      setTimeout(() => {
        stats.inFlight--;
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
  server.on('connection', () => {
    stats.connections++;
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, stats, port: server.address().port })),
  );
}

if (serve) {
  const { stats, port } = await startFakeModel();
  process.on('message', (message) => {
    if (message === 'stats') process.send({ stats });
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ port });
} else {
  await runBench();
}

/** Enough of `fetch` for the chat model: POST a body, read the answer as text. */
function nodeHttpFetch() {
  const agent = new Agent({ keepAlive: true });
  return (url, init) =>
    new Promise((resolve, reject) => {
      const options = { method: init.method, headers: init.headers, agent, signal: init.signal };
      const request = httpRequest(url, options, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () =>
          resolve({
            ok: response.statusCode >= 200 && response.statusCode < 300,
            status: response.statusCode,
            text: async () => text,
          }),
        );
      });
      request.on('error', reject);
      request.end(init.body);
    });
}

async function runBench() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const evaluation = await import(
    pathToFileURL(join(root, 'packages/evaluation/dist/index.js')).href
  );
  const { builtinMetrics, openAiCompatibleChatModel, runEvaluation } = evaluation;

  let child;
  let local;
  let port;
  if (inProcess || serverInProcess) {
    local = await startFakeModel();
    port = local.port;
  } else {
    child = fork(fileURLToPath(import.meta.url), ['--serve', '--latency-ms', String(latencyMs)]);
    port = await new Promise((resolve, reject) => {
      child.once('message', (message) => resolve(message.port));
      child.once('error', reject);
    });
  }
  const serverStats = () =>
    child
      ? new Promise((resolve) => {
          child.once('message', (message) => resolve(message.stats));
          child.send('stats');
        })
      : Promise.resolve(local.stats);
  const model = openAiCompatibleChatModel({
    baseUrl: `http://127.0.0.1:${port}/v1`,
    model: 'fake-50ms',
    ...(argv.includes('--node-http') ? { fetch: nodeHttpFetch() } : {}),
  });

  const rows = Array.from({ length: rowCount }, (_, index) => ({
    inputs: `Question number ${index}: what is ${index} modulo 7?`,
    targets: `answer ${(`Question number ${index}: what is ${index} modulo 7?`).length % 7}`,
  }));
  // The client's view: requests in flight, averaged over the predict phase's time.
  let clientInFlight = 0;
  let clientArea = 0;
  let clientLast = performance.now();
  const track = (delta) => {
    const now = performance.now();
    clientArea += clientInFlight * (now - clientLast);
    clientLast = now;
    clientInFlight += delta;
  };
  const counted = (call) => async (row, context) => {
    track(1);
    try {
      return await call(row, context);
    } finally {
      track(-1);
    }
  };
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
    predict: counted(
      inProcess
        ? (row) =>
            new Promise((resolve) => {
              const stats = local.stats;
              stats.inFlight++;
              stats.samples++;
              stats.total += stats.inFlight;
              setTimeout(() => {
                stats.inFlight--;
                resolve(`answer ${String(row.inputs).length % 7}`);
              }, latencyMs);
            })
        : (row, context) =>
            model.chat(
              { messages: [{ role: 'user', content: String(row.inputs) }] },
              { signal: context.signal },
            ),
    ),
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const stats = await serverStats();
  if (child) child.disconnect();
  else local.server.close();

  const ideal = (rowCount / concurrency) * (latencyMs / 1000);
  const report = {
    rows: rowCount,
    mode: inProcess
      ? 'in-process'
      : serverInProcess
        ? 'server in this process'
        : 'server in a child process',
    concurrency,
    latencyMs,
    seconds,
    predictSeconds,
    idealSeconds: ideal,
    rowsPerSecond: rowCount / seconds,
    meanInFlight: stats.total / stats.samples,
    meanClientInFlight: clientArea / (predictSeconds * 1000),
    connections: inProcess ? 0 : stats.connections,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    predictionErrors: result.failures.predictionErrors,
    exactMatch: result.metrics['exact_match/v1'],
    passed: seconds <= targetSeconds && result.failures.predictionErrors === 0,
  };
  if (argv.includes('--json')) {
    console.log(JSON.stringify(report));
  } else {
    console.log(
      `evaluation runner: ${rowCount} rows, concurrency ${concurrency}, fake model ${latencyMs} ms (${inProcess ? 'in-process timer' : `loopback HTTP, OpenAI wire, ${report.mode}${argv.includes('--node-http') ? ', node:http client' : ''}`})`,
    );
    console.log(
      `  predict phase ${predictSeconds.toFixed(2)} s, scoring ${(seconds - predictSeconds).toFixed(2)} s`,
    );
    console.log(
      `  wall ${seconds.toFixed(2)} s (ideal ${ideal.toFixed(2)} s, target <= ${targetSeconds} s): ${report.passed ? 'ok' : 'MISSED'}`,
    );
    console.log(
      `  ${report.rowsPerSecond.toFixed(0)} rows/s, mean requests in flight at arrival ${report.meanInFlight.toFixed(1)} of ${concurrency}, time-weighted in the client ${report.meanClientInFlight.toFixed(1)}`,
    );
    if (!inProcess) console.log(`  TCP connections opened by the client: ${report.connections}`);
    console.log(
      `  cpu ${report.cpuSeconds.toFixed(2)} s (${serverInProcess || inProcess ? 'client + fake model in one process' : 'client only'}), prediction errors ${report.predictionErrors}, exact_match ${report.exactMatch}`,
    );
    console.log(
      `  load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores`,
    );
  }
  if (!report.passed) process.exitCode = 1;
}
