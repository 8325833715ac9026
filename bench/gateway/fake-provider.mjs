// A zero-latency OpenAI-wire provider for the gateway bench: a fixed chat completion, a short SSE
// stream, and a 200 for the gateway's log uploads. Runs as a child; prints its port on IPC.
import { createServer } from 'node:http';
import { completion as benchCompletion } from './fixtures.mjs';

const completion = JSON.stringify(benchCompletion);
const chunk = (content, finish = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o-mini', choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }] })}\n\n`;
const stream = [
  chunk('Hello'),
  chunk('!'),
  chunk(undefined, 'stop'),
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 } })}\n\n`,
  'data: [DONE]\n\n',
].join('');

const server = createServer((request, response) => {
  let size = 0;
  let streaming = false;
  request.on('data', (data) => {
    // Cheap sniff: the bench's request bodies are small and stream is set literally.
    if (size === 0 && data.includes('"stream":true')) streaming = true;
    size += data.length;
  });
  request.on('end', () => {
    if (request.url?.startsWith('/api/2.0/cairn/gateway/logs')) {
      response
        .writeHead(200, { 'content-type': 'application/json', 'content-length': 2 })
        .end('{}');
    } else if (streaming) {
      // One write with a length: no chunked-encoding tail for Nagle to hold back.
      response
        .writeHead(200, {
          'content-type': 'text/event-stream',
          'content-length': Buffer.byteLength(stream),
        })
        .end(stream);
    } else {
      response
        .writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(completion),
        })
        .end(completion);
    }
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('message', (message) => {
  if (message === 'stats')
    process.send?.({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
});
