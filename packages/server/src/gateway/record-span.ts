import { createHash } from 'node:crypto';
import type { GatewayLogRecord } from '@cairn/spec';
import type { OtlpSpan } from '../tracing/index.js';

const spanTypes: Record<GatewayLogRecord['route_type'], string> = {
  'llm/v1/chat': 'CHAT_MODEL',
  'llm/v1/completions': 'LLM',
  'llm/v1/embeddings': 'EMBEDDING',
};

/** The attribute the dashboards read time to first token from. */
const ttftAttribute = 'cairn.llm.timeToFirstTokenMs';

/**
 * One gateway call as the root span of its own trace, in the attribute conventions the trace
 * store already maps (MLflow's `mlflow.*` keys as JSON text, `cairn.trace.*` for trace tags and
 * metadata), so roll-ups, search and dashboards treat gateway calls like any other LLM span.
 * Ids derive from the call's request id: a re-sent record replaces its span, never doubles it.
 */
export function recordToSpan(record: GatewayLogRecord): OtlpSpan {
  const digest = createHash('sha256').update(record.request_id).digest('hex');
  const uuidHex = record.request_id.replace(/-/g, '').toLowerCase();
  const traceId = /^[0-9a-f]{32}$/.test(uuidHex) ? uuidHex : digest.slice(0, 32);
  const startNs = BigInt(Math.round(record.timestamp_ms * 1000)) * 1000n;
  const endNs = startNs + BigInt(Math.round(record.latency_ms * 1_000_000));
  const failed = record.status >= 400;

  const attributes: Record<string, unknown> = {
    'mlflow.spanType': JSON.stringify(spanTypes[record.route_type]),
    'cairn.gateway.request_id': record.request_id,
    'cairn.gateway.route': record.route,
    'cairn.gateway.route_type': record.route_type,
    'cairn.gateway.status': record.status,
    'cairn.gateway.stream': record.stream,
    'cairn.gateway.latency_ms': record.latency_ms,
    'cairn.gateway.retries': record.retries,
    'cairn.gateway.fallbacks': record.fallbacks,
    'cairn.gateway.cache_hit': record.cache_hit,
  };
  if (record.target !== undefined) attributes['cairn.gateway.target'] = record.target;
  if (record.provider !== undefined) attributes['gen_ai.system'] = record.provider;
  if (record.model !== undefined) attributes['mlflow.llm.model'] = JSON.stringify(record.model);
  if (record.overhead_ms !== undefined)
    attributes['cairn.gateway.overhead_ms'] = record.overhead_ms;
  if (record.ttft_ms !== undefined) attributes[ttftAttribute] = record.ttft_ms;
  if (record.key_id !== undefined) attributes['cairn.gateway.key_id'] = record.key_id;
  if (record.inputs !== undefined) attributes['mlflow.spanInputs'] = JSON.stringify(record.inputs);
  if (record.outputs !== undefined)
    attributes['mlflow.spanOutputs'] = JSON.stringify(record.outputs);
  if (
    record.prompt_tokens !== undefined ||
    record.completion_tokens !== undefined ||
    record.total_tokens !== undefined
  ) {
    const input = record.prompt_tokens ?? 0;
    const output = record.completion_tokens ?? 0;
    attributes['mlflow.chat.tokenUsage'] = JSON.stringify({
      input_tokens: input,
      output_tokens: output,
      total_tokens: record.total_tokens ?? input + output,
    });
  }
  if (record.cost_usd !== undefined)
    attributes['mlflow.llm.cost'] = JSON.stringify({ total_cost: record.cost_usd });
  if (record.user !== undefined) attributes['mlflow.trace.user'] = JSON.stringify(record.user);
  if (record.session !== undefined)
    attributes['mlflow.trace.session'] = JSON.stringify(record.session);

  const metadata: Record<string, string> = { 'cairn.gateway.route': record.route };
  if (record.target !== undefined) metadata['cairn.gateway.target'] = record.target;
  if (record.provider !== undefined) metadata['cairn.gateway.provider'] = record.provider;
  if (record.key_id !== undefined) metadata['cairn.gateway.key_id'] = record.key_id;
  attributes['cairn.trace.metadata'] = JSON.stringify(metadata);
  attributes['cairn.trace.tags'] = JSON.stringify({
    ...record.tags,
    'mlflow.traceName': record.route,
    'cairn.gateway.route': record.route,
  });

  return {
    traceId,
    spanId: digest.slice(32, 48),
    parentSpanId: null,
    name: `gateway/${record.route}`,
    kind: 3,
    startTimeNs: startNs.toString(),
    endTimeNs: endNs.toString(),
    statusCode: failed ? 2 : 1,
    statusMessage: failed ? (record.error ?? `HTTP ${record.status}`) : '',
    attributes,
    events: failed
      ? [
          {
            name: 'exception',
            timeUnixNano: endNs.toString(),
            attributes: {
              'exception.type': `HTTP ${record.status}`,
              'exception.message': record.error ?? `HTTP ${record.status}`,
            },
          },
        ]
      : [],
    links: [],
    resource: { 'service.name': 'cairn-gateway' },
  };
}
