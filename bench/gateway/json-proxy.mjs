// A reference point between the bare proxy and a gateway: node:http with a keep-alive agent that
// does a gateway's minimum JSON work per call (parse the request, set the model, parse the answer
// for its usage, queue a log record and post records in batches), with no routing or policies.
import { Agent, createServer, request as httpRequest } from 'node:http';

const upstreamPort = Number(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const post = (path, body, onAnswer) =>
  httpRequest(
    {
      hostname: '127.0.0.1',
      port: upstreamPort,
      method: 'POST',
      path,
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    },
    onAnswer,
  );
let records = [];
setInterval(() => {
  if (records.length === 0) return;
  const batch = JSON.stringify({ records });
  records = [];
  post('/api/2.0/cairn/gateway/logs', batch, (answer) => answer.resume())
    .on('error', () => undefined)
    .end(batch);
}, 200).unref();

const server = createServer((request, response) => {
  const startedAt = performance.now();
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString());
    const upstreamBody = JSON.stringify({ ...body, model: 'gpt-4o-mini' });
    const upstream = post('/v1/chat/completions', upstreamBody, (answer) => {
      const parts = [];
      answer.on('data', (chunk) => parts.push(chunk));
      answer.on('end', () => {
        const text = Buffer.concat(parts).toString();
        const usage = JSON.parse(text).usage;
        records.push({
          route: body.model,
          latency_ms: performance.now() - startedAt,
          usage,
          inputs: body,
          outputs: text,
        });
        response.writeHead(answer.statusCode ?? 502, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        response.end(text);
      });
    });
    upstream.on('error', () => response.writeHead(502).end());
    upstream.end(upstreamBody);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('message', (message) => {
  if (message === 'stats')
    process.send?.({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
});
