import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CairnClient } from '@cairn/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from './live-server.js';

let server: LiveServer;
let proxy: Server;
let proxyUrl: string;
let failuresLeft = 0;
let seen = 0;

// A loopback proxy that answers 503 while `failuresLeft` > 0, then forwards to the live server.
beforeAll(async () => {
  server = await startLiveServer();
  const target = new URL(server.url);
  proxy = createServer((incoming, outgoing) => {
    seen += 1;
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      incoming.resume();
      outgoing.writeHead(503, { 'content-type': 'application/json' });
      outgoing.end(
        JSON.stringify({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'warming up' }),
      );
      return;
    }
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: incoming.url,
        method: incoming.method,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await server?.close();
});

describe('transient failures in front of a live server', () => {
  const client = () =>
    new CairnClient({ trackingUri: proxyUrl, retry: { initialDelayMs: 5, maxDelayMs: 20 } });

  it('retries 503 twice, then creates the experiment exactly once', async () => {
    failuresLeft = 2;
    seen = 0;
    const id = await client().createExperiment('through-proxy');
    expect(seen).toBe(3);
    expect((await client().getExperiment(id)).name).toBe('through-proxy');
  });

  it('re-sends a streamed artifact upload after 503s', async () => {
    const c = client();
    const id = await c.createExperiment('through-proxy-artifacts');
    const { info } = await c.createRun(id);
    const local = `${server.dir}/retried.txt`;
    writeFileSync(local, 'body survives retries');
    failuresLeft = 2;
    seen = 0;
    await c.logArtifact(info.run_id, local);
    expect(seen).toBe(3);
    const dest = await c.downloadArtifacts(info.run_id, 'retried.txt', `${server.dir}/retried`);
    expect(readFileSync(dest, 'utf8')).toBe('body survives retries');
  });
});
