// The CPU cost of Cairn's call handling alone, without sockets: a parsed request goes through the
// OpenAI endpoint's handling (caller, limits, budgets, routing, provider translation, log record,
// response headers) to a canned upstream answer and a response object that discards what is
// written. Much steadier than the socket bench, so it is the one to steer by. The `floor` row does
// only a gateway's minimum JSON work (parse, set the model, parse the answer).
// Run it with --no-allocation-site-pretenuring: without it about one process in three settles in a
// mode ~40% slower (V8 moves some allocation sites to the old generation during the warm-up).
// Usage: node --max-semi-space-size=8 --no-allocation-site-pretenuring \
//          bench/gateway/call-handling.mjs [--calls 200000] [--rounds 5]
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { benchRoutesYaml, completion } from './fixtures.mjs';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '5' },
  },
});
const calls = Number(values.calls);
const dist = join(import.meta.dirname, '..', '..', 'packages', 'gateway', 'dist');
const load = (path) => import(pathToFileURL(join(dist, path)).href);
const { createProvider, Gateway, MemoryState, parseGatewayConfig } = await load('index.js');
const { invokeOpenAI } = await load('http/openai-routes.js');
const { readJsonBody } = await load('http/request-body.js');
const { bufferedPost } = await load('transport/buffered-post.js');
const { acceptsCancelSignal } = await load('transport/cancel-signal.js');

const answer = {
  status: 200,
  statusText: 'OK',
  headers: { 'content-type': 'application/json' },
  text: JSON.stringify(completion),
};
// A fetch whose buffered POST answers at once: the transport is the socket bench's business.
const cannedFetch = () => Promise.reject(new Error('only the buffered POST is used'));
cannedFetch[bufferedPost] = () => Promise.resolve(answer);
cannedFetch[acceptsCancelSignal] = true;

// The route the socket bench (run.mjs) configures.
const config = parseGatewayConfig(benchRoutesYaml('http://127.0.0.1:1'), {
  env: { KEY: 'sk-bench' },
});
let logged = 0;
const gateway = new Gateway(config, {
  createProvider: (modelConfig) => createProvider(modelConfig, { fetch: cannedFetch }),
  state: new MemoryState(),
  logSink: {
    write: async (batch) => {
      logged += batch.records.length;
    },
    writeEncoded: async (batch) => {
      logged += batch.count;
    },
  },
});

const requestBody = Buffer.from(
  JSON.stringify({
    model: 'chat',
    messages: [{ role: 'user', content: 'Hello there, how are you?' }],
    max_tokens: 50,
  }),
);
class DiscardingResponse extends EventEmitter {
  writableEnded = false;
  destroyed = false;
  writeHead() {
    return this;
  }
  end() {
    this.writableEnded = true;
    this.emit('close');
  }
}
class CannedRequest extends EventEmitter {
  headers = { 'content-type': 'application/json', 'content-length': String(requestBody.length) };
  resume() {}
}

function cairnCall() {
  const request = new CannedRequest();
  const response = new DiscardingResponse();
  const exchange = { headers: request.headers, response, startedAt: performance.now() };
  const done = new Promise((resolve, reject) =>
    readJsonBody(request, 1_000_000, (error, body) =>
      error ? reject(error) : invokeOpenAI(gateway, exchange, 'chat', body).then(resolve, reject),
    ),
  );
  request.emit('data', requestBody);
  request.emit('end');
  return done;
}

function floorCall() {
  const body = JSON.parse(requestBody.toString());
  const upstreamBody = JSON.stringify({ ...body, model: 'gpt-4o-mini' });
  return cannedFetch[bufferedPost]('', {}, upstreamBody).then((reply) => {
    const usage = JSON.parse(reply.text).usage;
    return Buffer.from(reply.text).length + usage.total_tokens;
  });
}

/** `count` calls, 64 in flight, yielding to timers now and then (the log queue flushes on one). */
async function run(call, count) {
  let started = 0;
  const worker = async () => {
    while (started++ < count) {
      await call();
      if ((started & 255) === 0) await new Promise(setImmediate);
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
}

for (const [name, call] of [
  ['cairn', cairnCall],
  ['floor', floorCall],
]) {
  await run(call, calls); // warm-up
  const rows = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    const before = process.cpuUsage();
    await run(call, calls);
    const used = process.cpuUsage(before);
    rows.push((used.user + used.system) / calls);
  }
  rows.sort((a, b) => a - b);
  const median = rows[Math.floor(rows.length / 2)];
  console.log(
    `${name}: ${median.toFixed(2)} µs of CPU per call (median of ${rows.length}; ${rows.map((row) => row.toFixed(2)).join(', ')})`,
  );
}
if (logged === 0)
  throw new Error('no log record reached the sink: the bench is not measuring logging');
