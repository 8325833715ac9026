import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayLogRecord } from '@cairn/spec';
import { describe, expect, it } from 'vitest';
import { HttpLogSink } from './log-sink.js';

const record: GatewayLogRecord = {
  request_id: 'r1',
  timestamp_ms: 0,
  route: 'chat',
  route_type: 'llm/v1/chat',
  status: 200,
  stream: false,
  latency_ms: 1,
  retries: 0,
  fallbacks: 0,
  cache_hit: false,
};

describe('HttpLogSink warnings', () => {
  it('warns once per kind of failure, without credentials, and still rejects each write', async () => {
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(404).end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const warnings: string[] = [];
    const sink = new HttpLogSink(`http://127.0.0.1:${port}`, {
      headers: { authorization: 'Bearer secret-token' },
      warn: (message) => warnings.push(message),
    });
    for (let index = 0; index < 3; index++)
      await expect(sink.write({ records: [record] })).rejects.toThrow('HTTP 404');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('answered HTTP 404');
    server.close();

    // Another kind of failure (nobody listening) is reported too, once.
    const down = new HttpLogSink(`http://user:pw@127.0.0.1:${port}`, {
      warn: (message) => warnings.push(message),
    });
    for (let index = 0; index < 2; index++)
      await expect(down.write({ records: [record] })).rejects.toThrow();
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).not.toMatch(/secret-token|pw@/);
  });
});
