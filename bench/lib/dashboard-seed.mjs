// Seeds a dashboard data set straight into a migrated Cairn database (SQLite file or PostgreSQL):
// traces with 10 spans each, their metadata (user, session and route also in trace_info's columns),
// tags, per-model usage, assessments, runs and metrics.
// Deterministic: row i is a function of i, so both backends hold the same numbers.

const models = [
  ['gpt-4o', 2.5e-6, 10e-6],
  ['claude-sonnet', 3e-6, 15e-6],
  ['llama-3-70b', 0.6e-6, 0.8e-6],
];
const spanTypes = [
  'CHAIN',
  'CHAT_MODEL',
  'TOOL',
  'RETRIEVER',
  'CHAT_MODEL',
  'TOOL',
  'RETRIEVER',
  'PARSER',
  'PARSER',
  'PARSER',
];
const exceptionTypes = ['RateLimitError', 'TimeoutError', 'ValueError', 'APIConnectionError'];
const routes = ['chat', 'embed', 'rag'];

/** A cheap deterministic hash of an integer to [0, 1). */
function unit(i, salt) {
  let x = (i * 2654435761 + salt * 97531) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 2246822507) >>> 0;
  x ^= x >>> 13;
  return (x >>> 0) / 4294967296;
}

const hex = (i, width) => i.toString(16).padStart(width, '0');

/** The rows of trace i: trace_info, spans, metadata, tags, usage, assessments. */
export function traceRows(i, { startMs, spacingMs }) {
  const requestId = `tr-${hex(i, 32)}`;
  const at = startMs + Math.floor(i * spacingMs);
  const error = i % 20 === 0;
  const executionMs = Math.round(40 + 3000 * unit(i, 1) ** 3);
  const spans = [];
  const usage = new Map();
  for (let index = 0; index < 10; index++) {
    const type = spanTypes[index];
    const start = at + index * 2;
    const duration = index === 0 ? executionMs : Math.round(1 + 200 * unit(i, 10 + index));
    const attributes = { 'mlflow.spanType': type, 'mlflow.traceRequestId': requestId };
    let model = null;
    let tokens = null;
    let cost = null;
    if (type === 'CHAT_MODEL') {
      const [name, inputPrice, outputPrice] = models[(i + index) % models.length];
      model = name;
      const input = 100 + Math.floor(2000 * unit(i, 20 + index));
      const output = 20 + Math.floor(500 * unit(i, 30 + index));
      tokens = [input, output];
      cost = input * inputPrice + output * outputPrice;
      attributes['mlflow.llm.model'] = name;
      attributes['mlflow.chat.tokenUsage'] = {
        input_tokens: input,
        output_tokens: output,
        total_tokens: input + output,
      };
      if (index === 1)
        attributes['cairn.llm.timeToFirstTokenMs'] = Math.round(80 + 900 * unit(i, 40));
      const entry = usage.get(name) ?? [0, 0, 0, 0];
      usage.set(name, [entry[0] + cost, entry[1] + input, entry[2] + output, entry[3] + 1]);
    }
    const name =
      type === 'TOOL'
        ? `tool-${Math.floor(20 * unit(i, 50 + index))}`
        : `${type.toLowerCase()}-${index}`;
    spans.push({
      trace_id: requestId,
      span_id: hex(i * 16 + index, 16),
      parent_span_id: index === 0 ? null : hex(i * 16, 16),
      otel_trace_id: hex(i, 32),
      name,
      span_type: type,
      start_ns: BigInt(start) * 1_000_000n,
      end_ns: BigInt(start + duration) * 1_000_000n,
      status:
        (index === 0 && error) || (type === 'TOOL' && unit(i, 60 + index) < 0.03) ? 'ERROR' : 'OK',
      model,
      input_tokens: tokens?.[0] ?? null,
      output_tokens: tokens?.[1] ?? null,
      cost,
      attributes: JSON.stringify(attributes),
      events:
        index === 0 && error
          ? JSON.stringify([
              {
                name: 'exception',
                time_unix_nano: String(start),
                attributes: {
                  'exception.type': exceptionTypes[i % 4],
                  'exception.message': 'failed',
                },
              },
            ])
          : null,
      inputs: index === 0 ? JSON.stringify({ question: `How do I ${topic(i)}?` }) : null,
    });
  }
  let cost = 0;
  let input = 0;
  let output = 0;
  for (const [c, inTokens, outTokens] of usage.values()) {
    cost += c;
    input += inTokens;
    output += outTokens;
  }
  const user = `user-${i % 1000}`;
  const session = `session-${Math.floor(i / 10) % 10000}`;
  const route = routes[i % 3];
  const metadata = [
    ['mlflow.trace.user', user],
    ['mlflow.trace.session', session],
    ['cairn.gateway.route', route],
  ];
  const assessments = [];
  if (i % 5 === 0)
    assessments.push(['user_feedback', 'HUMAN', unit(i, 70) < 0.8 ? 'true' : 'false']);
  if (i % 10 === 1) assessments.push(['faithfulness', 'LLM_JUDGE', unit(i, 71).toFixed(3)]);
  if (i % 10 === 2) assessments.push(['toxicity', 'CODE', (unit(i, 72) ** 4).toFixed(3)]);
  return {
    trace: {
      request_id: requestId,
      experiment_id: i % 4,
      timestamp_ms: at,
      execution_time_ms: executionMs,
      status: error ? 'ERROR' : 'OK',
      name: 'agent',
      request_preview: JSON.stringify({ question: `How do I ${topic(i)}?` }),
      response_preview: '"Like this."',
      input_tokens: input,
      output_tokens: output,
      total_tokens: input + output,
      cost,
      span_count: 10,
      root_span_id: hex(i * 16, 16),
      // trace_info's copies of the three metadata entries (migration 012).
      user_id: user,
      session_id: session,
      route,
    },
    spans,
    metadata,
    tags: [['cost_center', `cc-${i % 5}`]],
    usage: [...usage.entries()],
    assessments: assessments.map(([name, source, value], index) => ({
      assessment_id: `a-${hex(i, 24)}-${index}`,
      trace_id: requestId,
      name,
      value,
      body: JSON.stringify({
        assessment_name: name,
        source: { source_type: source },
        feedback: { value: JSON.parse(value) },
      }),
      create_time_ms: at + 60_000,
    })),
  };
}

function topic(i) {
  return `topic ${Math.floor(500 * unit(i, 80) ** 2)}`;
}

/** Evaluation runs: one per hour with faithfulness, toxicity and accuracy means. */
export function runRows(count, { startMs, spacingMs }) {
  const runs = [];
  for (let i = 0; i < count; i++) {
    const start = startMs + Math.floor(i * spacingMs);
    runs.push({
      run_uuid: hex(i, 32),
      experiment_id: i % 4,
      start_time: start,
      metrics: {
        'faithfulness/v1/mean': unit(i, 90),
        'toxicity/v1/mean': unit(i, 91) ** 3,
        'accuracy/v1/mean': unit(i, 92),
        'toxicity/v1/variance': unit(i, 93),
      },
    });
  }
  return runs;
}
