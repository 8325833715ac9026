import { costOf } from '@cairn/spec';
import { context, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compatBackends, type LiveServer, startLiveServer } from './support/live-server.js';

// The official OpenTelemetry JS SDK and OTLP/HTTP exporters (protobuf and JSON) send a nested
// RAG-shaped trace to a live Cairn server; it is read back through Cairn's REST API.
describe.each(compatBackends())('OpenTelemetry exporters against cairn server on %s', (backend) => {
  let server: LiveServer;
  let experimentId: string;
  beforeAll(async () => {
    server = await startLiveServer(backend);
    const created = await fetch(`${server.baseUrl}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'otel-rag' }),
    });
    experimentId = ((await created.json()) as { experiment_id: string }).experiment_id;
  });
  afterAll(() => server.close());

  const api = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${server.baseUrl}${path}`, init);
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };

  /** Runs the RAG pipeline under an OTel tracer exporting with `exporter`; returns its trace id. */
  async function sendRagTrace(exporter: ProtobufExporter | HttpJsonExporter, question: string) {
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'rag-app' }),
      spanProcessors: [new BatchSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('rag-app');
    const root = tracer.startSpan('answer', {
      attributes: {
        'openinference.span.kind': 'CHAIN',
        'input.value': question,
        'session.id': `session-${question.length}`,
        'user.id': 'carol',
      },
    });
    const inRoot = trace.setSpan(ROOT_CONTEXT, root);
    context.with(inRoot, () => {
      const retrieve = tracer.startSpan(
        'retrieve',
        { attributes: { 'openinference.span.kind': 'RETRIEVER' } },
        inRoot,
      );
      retrieve.setAttribute('output.value', '["doc-1","doc-2"]');
      retrieve.end();
      const rerank = tracer.startSpan(
        'rerank',
        { attributes: { 'openinference.span.kind': 'RERANKER' } },
        inRoot,
      );
      rerank.end();
      const chat = tracer.startSpan(
        'chat gpt-4o-mini',
        {
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.system': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.response.model': 'gpt-4o-mini',
            'gen_ai.usage.input_tokens': 1200,
            'gen_ai.usage.output_tokens': 300,
          },
        },
        inRoot,
      );
      chat.setStatus({ code: SpanStatusCode.OK });
      chat.end();
    });
    root.setAttribute('output.value', 'Stones piled by people.');
    root.end();
    await provider.forceFlush();
    await provider.shutdown();
    return `tr-${root.spanContext().traceId}`;
  }

  for (const [label, makeExporter] of [
    [
      'exporter-trace-otlp-proto',
      (url: string, headers: Record<string, string>) => new ProtobufExporter({ url, headers }),
    ],
    [
      'exporter-trace-otlp-http (JSON)',
      (url: string, headers: Record<string, string>) => new HttpJsonExporter({ url, headers }),
    ],
  ] as const) {
    it(`${label}: parentage, span types, tokens and cost come back through search and get`, async () => {
      const question = `What is a cairn, asked via ${label}?`;
      const exporter = makeExporter(`${server.baseUrl}/v1/traces`, {
        'x-mlflow-experiment-id': experimentId,
      });
      const traceId = await sendRagTrace(exporter, question);

      const found = await api('/api/3.0/mlflow/traces/search', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          locations: [
            { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
          ],
          filter: `span.type = 'RERANKER' AND metadata.\`mlflow.trace.session\` = 'session-${question.length}'`,
        }),
      });
      const infos = found.traces as { trace_id: string; state: string; request_preview: string }[];
      expect(infos.map((info) => info.trace_id)).toEqual([traceId]);
      expect(infos[0]).toMatchObject({ state: 'OK', request_preview: JSON.stringify(question) });

      const cost = costOf('gpt-4o-mini', { promptTokens: 1200, completionTokens: 300 });
      expect(cost).toBeGreaterThan(0);
      const { trace: summary } = await api(`/api/2.0/cairn/traces/${traceId}`);
      expect(summary).toMatchObject({
        name: 'answer',
        span_count: 4,
        usage: { input_tokens: 1200, output_tokens: 300, total_tokens: 1500 },
        cost,
        usage_by_model: [{ model: 'gpt-4o-mini', total_tokens: 1500, cost }],
      });

      const { spans } = (await api(`/api/2.0/cairn/traces/${traceId}/spans`)) as {
        spans: {
          name: string;
          span_id: string;
          parent_span_id: string | null;
          span_type: string;
          model: string | null;
          cost: number | null;
        }[];
      };
      const byName = Object.fromEntries(spans.map((span) => [span.name, span]));
      const rootId = byName.answer!.span_id;
      expect(byName.answer).toMatchObject({ parent_span_id: null, span_type: 'CHAIN' });
      expect(byName.retrieve).toMatchObject({ parent_span_id: rootId, span_type: 'RETRIEVER' });
      expect(byName.rerank).toMatchObject({ parent_span_id: rootId, span_type: 'RERANKER' });
      expect(byName['chat gpt-4o-mini']).toMatchObject({
        parent_span_id: rootId,
        span_type: 'CHAT_MODEL',
        model: 'gpt-4o-mini',
        cost,
      });
    });
  }
});
