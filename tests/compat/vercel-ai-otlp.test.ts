import { createOpenAI } from '@ai-sdk/openai';
import { costOf } from '@cairn/spec';
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLlmServer, startFakeLlmServer } from './support/fake-llm-server.js';
import { compatBackends, type LiveServer, startLiveServer } from './support/live-server.js';

interface SpanRow {
  name: string;
  span_id: string;
  parent_span_id: string | null;
  span_type: string;
  model: string | null;
  cost: number | null;
  usage: { input_tokens: number; output_tokens: number; total_tokens: number } | null;
}

// The Vercel AI SDK (`ai` + `@ai-sdk/openai`) emits its own OpenTelemetry spans when telemetry is
// enabled; they travel through the real OTLP protobuf exporter to a live Cairn server, with the
// model answered by a local fake OpenAI server, and are read back through Cairn's REST API.
describe.each(compatBackends())('Vercel AI SDK telemetry via OTLP on %s', (backend) => {
  let server: LiveServer;
  let llm: FakeLlmServer;
  let experimentId: string;
  beforeAll(async () => {
    [server, llm] = await Promise.all([startLiveServer(backend), startFakeLlmServer()]);
    const created = await fetch(`${server.baseUrl}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'vercel-ai' }),
    });
    experimentId = ((await created.json()) as { experiment_id: string }).experiment_id;
  });
  afterAll(() => Promise.all([server.close(), llm.close()]));

  const api = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${server.baseUrl}${path}`, init);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };

  /** Runs `call` with a global OTel tracer provider exporting to Cairn over OTLP protobuf. */
  async function traced(call: () => Promise<void>) {
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'vercel-app' }),
      spanProcessors: [
        new BatchSpanProcessor(
          new OTLPTraceExporter({
            url: `${server.baseUrl}/v1/traces`,
            headers: { 'x-mlflow-experiment-id': experimentId },
          }),
        ),
      ],
    });
    // As an app would: the global tracer provider and the AsyncLocalStorage context manager
    // (without it the SDK's child spans lose their parent).
    provider.register();
    try {
      await call();
      await provider.forceFlush();
      await provider.shutdown();
    } finally {
      trace.disable();
      context.disable();
      propagation.disable();
    }
  }

  async function spansOfTraceNamed(name: string) {
    const found = await api('/api/3.0/mlflow/traces/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        locations: [
          { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
        ],
        filter: `span.name = '${name}'`,
      }),
    });
    const infos = found.traces as { trace_id: string; state: string }[];
    expect(infos).toHaveLength(1);
    expect(infos[0]!.state).toBe('OK');
    const { spans } = (await api(`/api/2.0/cairn/traces/${infos[0]!.trace_id}/spans`)) as {
      spans: SpanRow[];
    };
    return {
      ...Object.fromEntries(spans.map((span) => [span.name, span])),
      traceId: infos[0]!.trace_id,
    } as Record<string, SpanRow> & { traceId: string };
  }

  const model = () =>
    createOpenAI({ baseURL: `${llm.url}/v1`, apiKey: 'sk-test' }).chat('gpt-4o-mini');
  const cost = costOf('gpt-4o-mini', { promptTokens: 120, completionTokens: 30 });
  const usage = { input_tokens: 120, output_tokens: 30, total_tokens: 150 };

  it('generateText: a CHAIN span over a CHAT_MODEL span with model, tokens and cost', async () => {
    let text = '';
    await traced(async () => {
      const result = await generateText({
        model: model(),
        prompt: 'What are the rates?',
        experimental_telemetry: { isEnabled: true },
      });
      text = result.text;
    });
    expect(text).toBe('Rates are 4%.');
    expect(cost).toBeGreaterThan(0);

    const spans = await spansOfTraceNamed('ai.generateText.doGenerate');
    const root = spans['ai.generateText'];
    expect(root).toMatchObject({ parent_span_id: null, span_type: 'CHAIN' });
    expect(spans['ai.generateText.doGenerate']).toMatchObject({
      parent_span_id: root!.span_id,
      span_type: 'CHAT_MODEL',
      model: 'gpt-4o-mini',
      usage,
      cost,
    });
    // The SDK repeats the call's usage on the ai.generateText span; the trace counts it once.
    const summary = (await api(`/api/2.0/cairn/traces/${spans.traceId}`)).trace;
    expect(summary).toMatchObject({
      usage: { total_tokens: 150 },
      usage_by_model: [{ model: 'gpt-4o-mini', total_tokens: 150 }],
    });
  });

  it('streamText: the doStream span is a CHAT_MODEL span with the streamed usage', async () => {
    let text = '';
    await traced(async () => {
      const result = streamText({
        model: model(),
        prompt: 'Stream the rates.',
        experimental_telemetry: { isEnabled: true },
      });
      text = await result.text;
    });
    expect(text).toBe('Rates are 4%.');

    const spans = await spansOfTraceNamed('ai.streamText.doStream');
    const root = spans['ai.streamText'];
    expect(root).toMatchObject({ parent_span_id: null, span_type: 'CHAIN' });
    expect(spans['ai.streamText.doStream']).toMatchObject({
      parent_span_id: root!.span_id,
      span_type: 'CHAT_MODEL',
      model: 'gpt-4o-mini',
      usage,
      cost,
    });
  });
});
