import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { costOf } from '@cairn/spec';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLlmServer, startFakeLlmServer } from './support/fake-llm-server.js';
import { compatBackends, type LiveServer, startLiveServer } from './support/live-server.js';

interface SpanRow {
  name: string;
  parent_span_id: string | null;
  span_type: string;
  model: string | null;
  cost: number | null;
  usage: { input_tokens: number; output_tokens: number; total_tokens: number } | null;
  inputs: unknown;
  outputs: unknown;
  attributes: Record<string, unknown>;
}

// Arize's OpenInference instrumentation of the official `openai` client (patched in place, as
// ESM modules are not loaded through require hooks) sends OpenInference-attributed spans through
// the real OTLP protobuf exporter to a live Cairn server; the model is a local fake OpenAI server.
const instrumentation = new OpenAIInstrumentation();
instrumentation.manuallyInstrument(OpenAI);

describe.each(compatBackends())('OpenInference openai instrumentation on %s', (backend) => {
  let server: LiveServer;
  let llm: FakeLlmServer;
  let experimentId: string;
  beforeAll(async () => {
    [server, llm] = await Promise.all([startLiveServer(backend), startFakeLlmServer()]);
    const created = await fetch(`${server.baseUrl}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'openinference' }),
    });
    experimentId = ((await created.json()) as { experiment_id: string }).experiment_id;
  });
  afterAll(() => Promise.all([server.close(), llm.close()]));

  const api = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${server.baseUrl}${path}`, init);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };

  /** Runs `call` with the instrumentation exporting to Cairn; returns the one span Cairn holds. */
  async function onlySpanOf(call: (client: OpenAI) => Promise<void>) {
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'openinference-app' }),
      spanProcessors: [
        new BatchSpanProcessor(
          new OTLPTraceExporter({
            url: `${server.baseUrl}/v1/traces`,
            headers: { 'x-mlflow-experiment-id': experimentId },
          }),
        ),
      ],
    });
    instrumentation.setTracerProvider(provider);
    const before = new Set(await traceIds());
    await call(new OpenAI({ baseURL: `${llm.url}/v1`, apiKey: 'sk-test' }));
    await provider.forceFlush();
    await provider.shutdown();
    const added = (await traceIds()).filter((id) => !before.has(id));
    expect(added).toHaveLength(1);
    const { spans } = (await api(`/api/2.0/cairn/traces/${added[0]}/spans`)) as {
      spans: SpanRow[];
    };
    expect(spans).toHaveLength(1);
    return spans[0]!;
  }

  async function traceIds() {
    const found = await api('/api/3.0/mlflow/traces/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        locations: [
          { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
        ],
      }),
    });
    return ((found.traces ?? []) as { trace_id: string }[]).map((info) => info.trace_id);
  }

  const cost = costOf('gpt-4o-mini', { promptTokens: 120, completionTokens: 30 });

  it('chat completion: an LLM span with model, tokens, cost, inputs and outputs', async () => {
    let answer: string | null = null;
    const span = await onlySpanOf(async (client) => {
      const completion = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'What are the rates?' }],
      });
      answer = completion.choices[0]!.message.content;
    });
    expect(answer).toBe('Rates are 4%.');
    expect(cost).toBeGreaterThan(0);
    expect(span.attributes['openinference.span.kind']).toBe('LLM');
    expect(span).toMatchObject({
      name: 'OpenAI Chat Completions',
      parent_span_id: null,
      span_type: 'LLM',
      model: 'gpt-4o-mini',
      usage: { input_tokens: 120, output_tokens: 30, total_tokens: 150 },
      cost,
    });
    expect(JSON.stringify(span.inputs)).toContain('What are the rates?');
    expect(JSON.stringify(span.outputs)).toContain('Rates are 4%.');
  });

  // The instrumentation reads token counts only from non-streamed responses, so a streamed call
  // carries no llm.token_count.* attributes; its type, model and text still arrive.
  it('streamed chat completion: an LLM span with model, inputs and the streamed text', async () => {
    let answer = '';
    const span = await onlySpanOf(async (client) => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Stream the rates.' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream) answer += chunk.choices[0]?.delta.content ?? '';
    });
    expect(answer).toBe('Rates are 4%.');
    expect(span).toMatchObject({ span_type: 'LLM', model: 'gpt-4o-mini' });
    expect(JSON.stringify(span.inputs)).toContain('Stream the rates.');
    expect(JSON.stringify(span.outputs)).toContain('Rates are 4%.');
  });
});
