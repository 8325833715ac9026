import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startTestServer } from '../test-kit/run-cli.js';

const traceHex = '0af7651916cd43dd8448eb211c80319c';
const rootId = 'b7ad6b7169203331';
const ns = (ms: number) => String(BigInt(Date.UTC(2026, 0, 1) + ms) * 1_000_000n);

/** One chain root with a chat-model child, as OTLP JSON. */
const otlpBody = {
  resourceSpans: [
    {
      scopeSpans: [
        {
          spans: [
            {
              traceId: traceHex,
              spanId: rootId,
              name: 'answer',
              startTimeUnixNano: ns(0),
              endTimeUnixNano: ns(40),
              attributes: [
                { key: 'openinference.span.kind', value: { stringValue: 'CHAIN' } },
                { key: 'session.id', value: { stringValue: 'cli-session' } },
              ],
              status: { code: 1 },
            },
            {
              traceId: traceHex,
              spanId: '00f067aa0ba902b7',
              parentSpanId: rootId,
              name: 'chat',
              startTimeUnixNano: ns(5),
              endTimeUnixNano: ns(35),
              attributes: [
                { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
                { key: 'gen_ai.usage.input_tokens', value: { intValue: '100' } },
                { key: 'gen_ai.usage.output_tokens', value: { intValue: '20' } },
              ],
            },
          ],
        },
      ],
    },
  ],
};

describe('cairn traces against a live server', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let uri: string[];
  let dir: string;
  beforeAll(async () => {
    server = await startTestServer();
    uri = ['--tracking-uri', server.trackingUri];
    dir = mkdtempSync(join(tmpdir(), 'cairn-traces-cli-'));
    const response = await fetch(`${server.trackingUri}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(otlpBody),
    });
    expect(response.status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('searches with a filter and shows a trace as a span tree', async () => {
    const search = await runCli([
      'traces',
      'search',
      '-x',
      '0',
      '--filter',
      "metadata.`mlflow.trace.session` = 'cli-session'",
      ...uri,
    ]);
    expect(search.exitCode).toBe(0);
    expect(search.stdout).toContain(`tr-${traceHex}`);
    expect(search.stdout).toContain('cli-session');
    const shown = await runCli(['traces', 'get', `tr-${traceHex}`, ...uri]);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toMatch(/answer\s+│ CHAIN/);
    expect(shown.stdout).toMatch(/ {2}chat\s+│ CHAT_MODEL/);
    const bad = await runCli([
      'traces',
      'search',
      '-x',
      '0',
      '--filter',
      'trace.bogus = 1',
      ...uri,
    ]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/invalid identifier 'trace.bogus'/);
  });

  it('exports JSON lines and OTLP JSON that the server ingests again', async () => {
    const lines = await runCli(['traces', 'export', `tr-${traceHex}`, ...uri]);
    const record = JSON.parse(lines.stdout.trim());
    expect(record.trace).toMatchObject({ trace_id: `tr-${traceHex}`, span_count: 2 });
    expect(record.spans).toHaveLength(2);

    const file = join(dir, 'otlp.json');
    const exported = await runCli([
      'traces',
      'export',
      '-x',
      '0',
      '--format',
      'otlp',
      '--out',
      file,
      ...uri,
    ]);
    expect(exported.stderr).toBe('');
    expect(exported.exitCode).toBe(0);
    const otlp = JSON.parse(readFileSync(file, 'utf8'));
    expect(otlp.resourceSpans[0].scopeSpans[0].spans).toHaveLength(2);
    const replayed = await fetch(`${server.trackingUri}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(otlp),
    });
    expect(replayed.status).toBe(200);
    const again = await runCli(['traces', 'get', `tr-${traceHex}`, '--output', 'json', ...uri]);
    expect(JSON.parse(again.stdout).trace).toMatchObject({
      span_count: 2,
      usage: { total_tokens: 120 },
    });
  });
});
