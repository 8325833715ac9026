import { afterEach, describe, expect, it } from 'vitest';
import { type ScriptedServer, startScriptedServer } from '../test-kit/scripted-server.js';
import { OtlpJsonExporter, type OtlpJsonRequest, Tracer } from './index.js';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fastRetry = { initialDelayMs: 1, maxDelayMs: 5 };

describe('OtlpJsonExporter', () => {
  it('posts OTLP/JSON to /v1/traces, one request per experiment, with auth headers', async () => {
    server = await startScriptedServer(() => ({ json: {} }));
    let lookups = 0;
    const exporter = new OtlpJsonExporter({
      trackingUri: `${server.url}/`,
      headers: { authorization: 'Bearer t' },
      resolveExperimentId: async () => {
        lookups += 1;
        return '5';
      },
    });
    let inRun = false;
    const tracer = new Tracer({
      exporter,
      exitHook: false,
      activeRun: () => (inRun ? { runId: 'r1', experimentId: '9' } : undefined),
    });
    tracer.startSpan('default-a', () => {});
    inRun = true;
    tracer.startSpan('run-trace', () => {});
    inRun = false;
    tracer.startSpan('default-b', () => {});
    await tracer.flush();
    tracer.startSpan('later', () => {});
    await tracer.flush();
    expect(lookups).toBe(1);
    const byExperiment = server.requests.map((request) => ({
      path: request.path,
      experiment: request.headers['x-mlflow-experiment-id'],
      auth: request.headers.authorization,
      type: request.headers['content-type'],
      names: (request.json as OtlpJsonRequest).resourceSpans[0]?.scopeSpans[0]?.spans.map(
        (span) => span.name,
      ),
    }));
    expect(byExperiment).toEqual([
      {
        path: '/v1/traces',
        experiment: '5',
        auth: 'Bearer t',
        type: 'application/json',
        names: ['default-a', 'default-b'],
      },
      {
        path: '/v1/traces',
        experiment: '9',
        auth: 'Bearer t',
        type: 'application/json',
        names: ['run-trace'],
      },
      {
        path: '/v1/traces',
        experiment: '5',
        auth: 'Bearer t',
        type: 'application/json',
        names: ['later'],
      },
    ]);
  });

  it('retries transient failures and gives up on client errors', async () => {
    let calls = 0;
    server = await startScriptedServer(() => {
      calls += 1;
      return calls === 1 ? { status: 503, text: 'busy' } : { json: {} };
    });
    const exporter = new OtlpJsonExporter({
      trackingUri: server.url,
      resolveExperimentId: async () => '0',
      retry: fastRetry,
    });
    const errors: unknown[] = [];
    const tracer = new Tracer({
      exporter,
      exitHook: false,
      onError: (error) => errors.push(error),
    });
    tracer.startSpan('x', () => {});
    await tracer.flush();
    expect(calls).toBe(2);
    expect(tracer.stats()).toMatchObject({ exported: 1, failed: 0 });

    await server.close();
    server = await startScriptedServer(() => ({
      status: 400,
      json: { error_code: 'BAD_REQUEST', message: 'no' },
    }));
    const rejecting = new Tracer({
      exporter: new OtlpJsonExporter({
        trackingUri: server.url,
        resolveExperimentId: async () => '0',
        retry: fastRetry,
      }),
      exitHook: false,
      onError: (error) => errors.push(error),
    });
    rejecting.startSpan('y', () => {});
    await rejecting.flush();
    expect(server.requests).toHaveLength(1);
    expect(rejecting.stats().failed).toBe(1);
    expect(String(errors.at(-1))).toContain('no');
  });

  it('looks the default experiment up again after a failed lookup', async () => {
    server = await startScriptedServer(() => ({ json: {} }));
    let attempts = 0;
    const exporter = new OtlpJsonExporter({
      trackingUri: server.url,
      resolveExperimentId: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('server not up yet');
        return '3';
      },
    });
    const tracer = new Tracer({ exporter, exitHook: false, onError: () => {} });
    tracer.startSpan('first', () => {});
    await tracer.flush();
    tracer.startSpan('second', () => {});
    await tracer.flush();
    expect(tracer.stats()).toMatchObject({ failed: 1, exported: 1 });
    expect(server.requests.map((request) => request.headers['x-mlflow-experiment-id'])).toEqual([
      '3',
    ]);
  });
});
