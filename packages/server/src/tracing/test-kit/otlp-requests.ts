import type { FastifyInstance } from 'fastify';
import { exportTraceServiceRequest } from '../otlp-proto-schema.js';

/** A span for building OTLP test requests; ids in hex, times in ns (number or decimal text). */
export interface TestSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  start: bigint;
  end?: bigint;
  status?: 0 | 1 | 2;
  attributes?: Record<string, string | number | boolean>;
}

function anyValue(value: string | number | boolean): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

/** An OTLP JSON ExportTraceServiceRequest (hex ids, camelCase, times as decimal text). */
export function otlpJsonRequest(spans: readonly TestSpan[]): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'test' } }] },
        scopeSpans: [
          {
            scope: { name: 'cairn-test' },
            spans: spans.map((span) => ({
              traceId: span.traceId,
              spanId: span.spanId,
              ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
              name: span.name,
              kind: 1,
              startTimeUnixNano: span.start.toString(),
              ...(span.end === undefined ? {} : { endTimeUnixNano: span.end.toString() }),
              attributes: Object.entries(span.attributes ?? {}).map(([key, value]) => ({
                key,
                value: anyValue(value),
              })),
              status: { code: span.status ?? 0 },
            })),
          },
        ],
      },
    ],
  };
}

/** The same request encoded as OTLP protobuf (with the server's own schema). */
export function otlpProtobufRequest(spans: readonly TestSpan[]): Uint8Array {
  const message = exportTraceServiceRequest.fromObject({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: spans.map((span) => ({
              traceId: Buffer.from(span.traceId, 'hex'),
              spanId: Buffer.from(span.spanId, 'hex'),
              parentSpanId: span.parentSpanId
                ? Buffer.from(span.parentSpanId, 'hex')
                : Buffer.alloc(0),
              name: span.name,
              kind: 1,
              startTimeUnixNano: span.start.toString(),
              endTimeUnixNano: (span.end ?? 0n).toString(),
              attributes: Object.entries(span.attributes ?? {}).map(([key, value]) => ({
                key,
                value: anyValue(value),
              })),
              status: { code: span.status ?? 0 },
            })),
          },
        ],
      },
    ],
  });
  return exportTraceServiceRequest.encode(message).finish();
}

/** A random hex id of `bytes` bytes. */
export function hexId(bytes: 8 | 16): string {
  let hex = '';
  for (let index = 0; index < bytes; index++) {
    hex += Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0');
  }
  return hex;
}

/** A RAG-shaped trace: chain root → retriever, reranker, chat model (gen_ai usage on gpt-4o). */
export function ragTrace(traceId = hexId(16), startMs = Date.now()): TestSpan[] {
  const ns = (ms: number) => BigInt(startMs + ms) * 1_000_000n;
  const root = hexId(8);
  return [
    {
      traceId,
      spanId: root,
      name: 'rag',
      start: ns(0),
      end: ns(100),
      status: 1,
      attributes: {
        'mlflow.spanType': '"CHAIN"',
        'mlflow.spanInputs': '{"question":"What is a cairn?"}',
        'mlflow.spanOutputs': '"A pile of stones."',
        'session.id': 'session-1',
        'user.id': 'alice',
      },
    },
    {
      traceId,
      spanId: hexId(8),
      parentSpanId: root,
      name: 'retrieve',
      start: ns(1),
      end: ns(20),
      attributes: { 'openinference.span.kind': 'RETRIEVER', 'input.value': 'cairn' },
    },
    {
      traceId,
      spanId: hexId(8),
      parentSpanId: root,
      name: 'rerank',
      start: ns(21),
      end: ns(30),
      attributes: { 'openinference.span.kind': 'RERANKER' },
    },
    {
      traceId,
      spanId: hexId(8),
      parentSpanId: root,
      name: 'chat gpt-4o',
      start: ns(31),
      end: ns(99),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.output_tokens': 500,
      },
    },
  ];
}

/** Sends spans to `POST /v1/traces` as OTLP protobuf, as exporters do; returns the response. */
export function postOtlpSpans(app: FastifyInstance, spans: readonly TestSpan[]) {
  return app.inject({
    method: 'POST',
    url: '/v1/traces',
    payload: Buffer.from(otlpProtobufRequest(spans)),
    headers: { 'content-type': 'application/x-protobuf' },
  });
}
