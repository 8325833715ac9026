import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  Cairn,
  CairnClient,
  flushTraces,
  SpanType,
  setDefaultCairn,
  startSpan,
  traced,
  updateCurrentTrace,
} from '@cairn/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from './live-server.js';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url);
let server: LiveServer;
// The exit tests run the built SDK (dist) in a child process; tsc -b is a no-op when fresh.
beforeAll(async () => {
  await run('npx', ['tsc', '-b', 'packages/sdk'], { cwd: root });
  server = await startLiveServer();
}, 120_000);
afterAll(async () => {
  await server?.close();
});

interface StoredSpan {
  span_id: string;
  parent_span_id: string | null;
  name: string;
  span_type: string;
  status: string;
  inputs: unknown;
  outputs: unknown;
  events: { name: string; attributes: Record<string, unknown> }[];
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${server.url}${path}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

const spansOf = async (traceId: string) =>
  (await getJson<{ spans: StoredSpan[] }>(`/api/2.0/cairn/traces/${traceId}/spans`)).spans;
const traceOf = async (traceId: string) =>
  (await getJson<{ trace: Record<string, unknown> }>(`/api/2.0/cairn/traces/${traceId}`)).trace;

function newCairn(): { cairn: Cairn; errors: unknown[] } {
  const errors: unknown[] = [];
  const cairn = new Cairn({
    trackingUri: server.url,
    env: {},
    exitHook: false,
    onError: (error) => errors.push(error),
  });
  return { cairn, errors };
}

describe('SDK tracing against a live server', () => {
  it('sends a nested RAG-shaped trace that reads back with parentage, types, inputs, outputs, user and session', async () => {
    const { cairn, errors } = newCairn();
    const experiment = await cairn.setExperiment('sdk-tracing-rag');
    const tracer = cairn.tracer;
    const retrieve = tracer.traced(async (query: string) => [`doc about ${query}`], {
      name: 'retrieve',
      spanType: SpanType.RETRIEVER,
    });
    let traceId = '';
    const answer = await tracer.startSpan(
      { name: 'answer-question', spanType: SpanType.CHAIN, inputs: { question: 'rates?' } },
      async (root) => {
        traceId = root.traceId;
        updateCurrentTrace({
          user: 'user-7',
          session: 'session-3',
          tags: { team: 'rates' },
          metadata: { 'app.version': '1.2' },
          name: 'rates-answer',
        });
        const [docs] = await Promise.all([
          retrieve('rates'),
          tracer.startSpan({ name: 'rewrite', spanType: SpanType.LLM }, async () => 'rates today'),
        ]);
        return tracer.startSpan(
          { name: 'generate', spanType: SpanType.CHAT_MODEL, inputs: { docs } },
          () => 'Rates are 4%.',
        );
      },
    );
    expect(answer).toBe('Rates are 4%.');
    await expect(
      tracer.startSpan({ name: 'broken', spanType: SpanType.TOOL, parent: null }, async () => {
        throw new Error('tool failed');
      }),
    ).rejects.toThrow('tool failed');
    await tracer.flush();
    expect(errors).toEqual([]);
    expect(tracer.stats()).toMatchObject({ exported: 5, dropped: 0, failed: 0 });

    const spans = await spansOf(traceId);
    const byName = Object.fromEntries(spans.map((span) => [span.name, span]));
    const root = byName['answer-question'];
    expect(root?.parent_span_id).toBeNull();
    expect(root?.span_type).toBe('CHAIN');
    expect(root?.inputs).toEqual({ question: 'rates?' });
    expect(root?.outputs).toBe('Rates are 4%.');
    for (const name of ['retrieve', 'rewrite', 'generate']) {
      expect(byName[name]?.parent_span_id).toBe(root?.span_id);
    }
    expect(byName.retrieve?.span_type).toBe('RETRIEVER');
    expect(byName.retrieve?.inputs).toEqual({ query: 'rates' });
    expect(byName.retrieve?.outputs).toEqual(['doc about rates']);
    expect(byName.generate?.span_type).toBe('CHAT_MODEL');

    const trace = await traceOf(traceId);
    expect(trace.trace_location).toEqual({
      type: 'MLFLOW_EXPERIMENT',
      mlflow_experiment: { experiment_id: experiment.experiment_id },
    });
    expect(trace.state).toBe('OK');
    expect(trace.trace_metadata).toMatchObject({
      'mlflow.trace.user': 'user-7',
      'mlflow.trace.session': 'session-3',
      'app.version': '1.2',
    });
    expect(trace.name).toBe('rates-answer');
    expect(trace.tags).toMatchObject({ team: 'rates', 'mlflow.traceName': 'rates-answer' });

    const failedTraces = await getJson<{ traces: { trace_id: string; state: string }[] }>(
      `/api/2.0/cairn/traces/search?experiment_ids=${experiment.experiment_id}&filter=${encodeURIComponent("trace.status = 'ERROR'")}`,
    );
    expect(failedTraces.traces).toHaveLength(1);
    const [broken] = await spansOf(failedTraces.traces[0]?.trace_id ?? '');
    expect(broken?.status).toBe('ERROR');
    expect(broken?.events[0]?.name).toBe('exception');
    expect(broken?.events[0]?.attributes).toMatchObject({
      'exception.type': 'Error',
      'exception.message': 'tool failed',
    });
  });

  it("sends traces started in a run to the run's experiment, through the module-level API", async () => {
    const { cairn, errors } = newCairn();
    setDefaultCairn(cairn);
    try {
      await cairn.setExperiment('sdk-tracing-default');
      const runExperiment = await new CairnClient(server.url).createExperiment('sdk-tracing-run');
      const step = traced(function step(value: number) {
        return value * 2;
      });
      let traceId = '';
      let runId = '';
      await cairn.withRun(
        async (run) => {
          runId = run.runId;
          await startSpan('in-run', async (span) => {
            traceId = span.traceId;
            step(21);
          });
        },
        { experimentId: runExperiment },
      );
      await flushTraces();
      expect(errors).toEqual([]);
      const trace = await traceOf(traceId);
      expect(trace.trace_location).toEqual({
        type: 'MLFLOW_EXPERIMENT',
        mlflow_experiment: { experiment_id: runExperiment },
      });
      expect(trace.trace_metadata).toMatchObject({ 'mlflow.sourceRun': runId });
      const spans = await spansOf(traceId);
      expect(spans.find((span) => span.name === 'step')?.outputs).toBe(42);
    } finally {
      setDefaultCairn(undefined);
      await cairn.shutdown();
    }
  });

  it('carries trace updates made after the root ended on the span that made them', async () => {
    const { cairn, errors } = newCairn();
    await cairn.setExperiment('sdk-tracing-late-update');
    const tracer = cairn.tracer;
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let background: Promise<void> | undefined;
    let traceId = '';
    await tracer.startSpan('request', async (root) => {
      traceId = root.traceId;
      updateCurrentTrace({ tags: { phase: 'request' }, metadata: { first: 'yes' } });
      background = tracer.startSpan('background', async () => {
        await gate;
        updateCurrentTrace({
          tags: { phase: 'background' },
          metadata: { first: 'no', late: 'yes' },
          name: 'renamed-late',
        });
      });
    });
    release();
    await background;
    await tracer.flush();
    expect(errors).toEqual([]);
    const trace = await traceOf(traceId);
    expect(trace.name).toBe('renamed-late');
    expect(trace.tags).toMatchObject({ phase: 'background', 'mlflow.traceName': 'renamed-late' });
    expect(trace.trace_metadata).toMatchObject({ first: 'yes', late: 'yes' });
    expect(trace.span_count).toBe(2);
  });

  it('sends spans still queued when the process exits on its own', async () => {
    const script = `
      import { setTrackingUri, setExperiment, startSpan, traced } from '@cairn/sdk';
      setTrackingUri(process.argv[1]);
      await setExperiment('exit-traces');
      const work = traced(async function work(n) { return n + 1; });
      const traceId = await startSpan('main', async (span) => { await work(1); return span.traceId; });
      console.log(traceId);
    `;
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', script, server.url],
      {
        cwd: root,
      },
    );
    const spans = await spansOf(stdout.trim());
    expect(spans.map((span) => span.name).sort()).toEqual(['main', 'work']);
  });

  it('exits promptly and quietly fails over when the server is gone', async () => {
    const script = `
      import { Cairn } from '@cairn/sdk';
      const cairn = new Cairn({ trackingUri: 'http://127.0.0.1:9', env: { CAIRN_EXPERIMENT_ID: '0' } });
      cairn.tracer.startSpan('lost', () => 1);
      console.log('done');
    `;
    const started = Date.now();
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
    });
    expect(stdout.trim()).toBe('done');
    expect(stderr).toContain('[cairn]');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
