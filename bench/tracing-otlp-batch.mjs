// Builds OTLP/HTTP protobuf ExportTraceServiceRequest bodies for the tracing benchmarks, with a
// tiny hand-written protobuf writer (independent of the server's decoder). A template batch is
// encoded once; each send copies it and stamps fresh trace ids into the recorded offsets.
import { randomFillSync } from 'node:crypto';
import { Agent, request } from 'node:http';

function varint(value) {
  const bytes = [];
  let rest = BigInt(value);
  while (rest >= 0x80n) {
    bytes.push(Number((rest & 0x7fn) | 0x80n));
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Buffer.from(bytes);
}
const tag = (field, wire) => varint((field << 3) | wire);
const bytesField = (field, buffer) => Buffer.concat([tag(field, 2), varint(buffer.length), buffer]);
const stringField = (field, text) => bytesField(field, Buffer.from(text, 'utf8'));
const fixed64Field = (field, value) => {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64LE(BigInt(value));
  return Buffer.concat([tag(field, 1), buffer]);
};
const varintField = (field, value) => Buffer.concat([tag(field, 0), varint(value)]);

function anyValue(value) {
  if (typeof value === 'string') return stringField(1, value);
  if (typeof value === 'boolean') return varintField(2, value ? 1 : 0);
  if (Number.isInteger(value)) return varintField(3, value);
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleLE(value);
  return Buffer.concat([tag(4, 1), buffer]);
}
const keyValue = (key, value) =>
  Buffer.concat([stringField(1, key), bytesField(2, anyValue(value))]);

/**
 * Encodes one Span; returns the bytes, the offset of the 16 trace-id bytes within them and that
 * of the start time's 8 bytes (the end time's follow 9 bytes later, after its field tag).
 * Span fields: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 6 kind, 7/8 times, 9 attributes, 15 status.
 */
function encodeSpan(span) {
  const head = Buffer.concat([tag(1, 2), varint(16)]);
  const parts = [
    head,
    span.traceId,
    bytesField(2, span.spanId),
    ...(span.parentSpanId ? [bytesField(4, span.parentSpanId)] : []),
    stringField(5, span.name),
    varintField(6, 1),
  ];
  const timeOffset = parts.reduce((length, part) => length + part.length, 0) + 1;
  parts.push(
    fixed64Field(7, span.start),
    fixed64Field(8, span.end),
    ...Object.entries(span.attributes).map(([key, value]) => bytesField(9, keyValue(key, value))),
    bytesField(15, varintField(3, 1)),
  );
  return { bytes: Buffer.concat(parts), traceIdOffset: head.length, timeOffset };
}

/**
 * A batch template of `tracesPerBatch` traces × `spansPerTrace` spans (a chain root, retrievers,
 * and chat-model spans with gen_ai usage), plus `stamp()` giving a fresh copy with new trace ids.
 * Trace i starts at `baseMs + i` ms and belongs to session `(sessionOffset + i) % sessions`.
 */
export function otlpBatchTemplate({
  tracesPerBatch,
  spansPerTrace,
  sessions = 1000,
  baseMs = Date.now(),
  sessionOffset = 0,
}) {
  const spans = [];
  const startMs = baseMs;
  for (let traceIndex = 0; traceIndex < tracesPerBatch; traceIndex++) {
    const traceId = Buffer.alloc(16);
    const rootId = randomFillSync(Buffer.alloc(8));
    for (let index = 0; index < spansPerTrace; index++) {
      const start = BigInt(startMs + traceIndex) * 1_000_000n + BigInt(index * 1000);
      const isRoot = index === 0;
      const isChat = index % 4 === 3;
      const attributes = isRoot
        ? {
            'mlflow.spanType': '"CHAIN"',
            'mlflow.spanInputs': '{"question":"How tall is the tallest cairn in Scotland?"}',
            'mlflow.spanOutputs': '"About five metres."',
            'session.id': `session-${(sessionOffset + traceIndex) % sessions}`,
            'user.id': `user-${traceIndex % 97}`,
          }
        : isChat
          ? {
              'gen_ai.operation.name': 'chat',
              'gen_ai.system': 'openai',
              'gen_ai.request.model': 'gpt-4o-mini',
              'gen_ai.usage.input_tokens': 812,
              'gen_ai.usage.output_tokens': 96,
              'input.value': 'Summarise the retrieved passages about cairns.',
            }
          : {
              'openinference.span.kind': 'RETRIEVER',
              'input.value': 'tallest cairn scotland',
              'retrieval.top_k': 5,
            };
      spans.push({
        traceIndex,
        traceId,
        spanId: isRoot ? rootId : randomFillSync(Buffer.alloc(8)),
        parentSpanId: isRoot ? null : rootId,
        name: isRoot ? 'rag' : isChat ? 'chat gpt-4o-mini' : `retrieve-${index}`,
        start,
        end: start + (isRoot ? BigInt(spansPerTrace * 1000 + 5000) : 900n),
        attributes,
      });
    }
  }
  const encoded = spans.map(encodeSpan);
  const spanFields = encoded.map((span) => Buffer.concat([tag(2, 2), varint(span.bytes.length)]));
  const scope = Buffer.concat(spanFields.flatMap((field, index) => [field, encoded[index].bytes]));
  const scopeField = Buffer.concat([tag(2, 2), varint(scope.length)]);
  const resourceSpans = Buffer.concat([scopeField, scope]);
  const resourceField = Buffer.concat([tag(1, 2), varint(resourceSpans.length)]);
  const body = Buffer.concat([resourceField, resourceSpans]);
  // Where each span's trace id sits in the final body.
  const offsets = [];
  let position = resourceField.length + scopeField.length;
  for (const [index, span] of encoded.entries()) {
    position += spanFields[index].length;
    offsets.push({
      traceIndex: spans[index].traceIndex,
      at: position + span.traceIdOffset,
      time: position + span.timeOffset,
    });
    position += span.bytes.length;
  }
  return {
    spanCount: spans.length,
    /**
     * A copy of the batch with new random trace ids, or all spans in the trace `fixedTraceId`
     * (hex); with `startMs`, its times moved so that its first trace starts then.
     */
    stamp(fixedTraceId, startMs) {
      const copy = Buffer.from(body);
      const ids = Array.from({ length: tracesPerBatch }, () =>
        fixedTraceId ? Buffer.from(fixedTraceId, 'hex') : randomFillSync(Buffer.alloc(16)),
      );
      const shiftNs = startMs === undefined ? 0n : BigInt(startMs - baseMs) * 1_000_000n;
      for (const { traceIndex, at, time } of offsets) {
        ids[traceIndex].copy(copy, at);
        if (shiftNs === 0n) continue;
        copy.writeBigUInt64LE(copy.readBigUInt64LE(time) + shiftNs, time);
        copy.writeBigUInt64LE(copy.readBigUInt64LE(time + 9) + shiftNs, time + 9);
      }
      return { body: copy, traceIds: ids.map((id) => `tr-${id.toString('hex')}`) };
    },
  };
}

/** A keep-alive OTLP/HTTP protobuf client over node:http, cheap on the load generator's CPU. */
export function otlpClient(baseUrl, { maxSockets = 8 } = {}) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets });
  function post(body, experimentId = '0') {
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/v1/traces',
          headers: {
            'content-type': 'application/x-protobuf',
            'content-length': body.length,
            'x-mlflow-experiment-id': experimentId,
          },
        },
        (response) => {
          const chunks = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () => {
            const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
            if (response.statusCode !== 200) {
              reject(
                new Error(`OTLP POST answered ${response.statusCode}: ${Buffer.concat(chunks)}`),
              );
            } else resolve({ latencyMs });
          });
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
  return { post, close: () => agent.destroy() };
}
