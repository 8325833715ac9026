import type { Storage } from '../storage/index.js';

/** What scoring and dataset building read from a trace: its root's inputs and outputs. */
export interface TraceContent {
  traceId: string;
  experimentId: number;
  status: string;
  timestampMs: number;
  executionTimeMs: number | null;
  /** The root span's inputs (parsed JSON), else the request preview. */
  request: unknown;
  response: unknown;
}

const requestKeys = ['question', 'query', 'input', 'inputs', 'prompt', 'text', 'message'];
const responseKeys = ['output', 'answer', 'response', 'content', 'text', 'result', 'outputs'];

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Previews are cut at a length limit, so they may not be whole JSON: keep the text.
    return text;
  }
}

/** Loads the traces with their root spans' inputs and outputs, in the order of `traceIds`. */
export async function loadTraceContents(
  storage: Storage,
  traceIds: readonly string[],
): Promise<TraceContent[]> {
  if (traceIds.length === 0) return [];
  const rows = await storage.db
    .selectFrom('trace_info as t')
    // Subqueries, not a LEFT JOIN: SQLite's spans is a view over a join (migration 015), which
    // its planner cannot flatten into the right side of a LEFT JOIN.
    .select((eb) => {
      const rootSpan = (column: 'inputs' | 'outputs') =>
        eb
          .selectFrom('spans as s')
          .select(`s.${column}`)
          .whereRef('s.trace_id', '=', 't.request_id')
          .whereRef('s.span_id', '=', 't.root_span_id')
          .as(column);
      return [
        't.request_id',
        't.experiment_id',
        't.status',
        't.timestamp_ms',
        't.execution_time_ms',
        't.request_preview',
        't.response_preview',
        rootSpan('inputs'),
        rootSpan('outputs'),
      ];
    })
    .where('t.request_id', 'in', [...traceIds])
    .execute();
  const byId = new Map(rows.map((row) => [row.request_id, row]));
  return traceIds.flatMap((traceId) => {
    const row = byId.get(traceId);
    if (!row) return [];
    return [
      {
        traceId,
        experimentId: Number(row.experiment_id),
        status: row.status,
        timestampMs: Number(row.timestamp_ms),
        executionTimeMs: row.execution_time_ms === null ? null : Number(row.execution_time_ms),
        request: parseJson(row.inputs ?? row.request_preview),
        response: parseJson(row.outputs ?? row.response_preview),
      },
    ];
  });
}

function lastUserMessage(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index] as { role?: unknown; content?: unknown } | null;
    if (message?.role === 'user' && typeof message.content === 'string') return message.content;
  }
  return undefined;
}

/**
 * The text a metric should read from a trace's request or response: a string as it is; an OpenAI
 * chat request's last user message or a completion's first choice; a well-known key
 * (`question`, `output`, …); a lone string value; else the JSON.
 */
export function traceText(value: unknown, kind: 'request' | 'response'): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return String(value);
  const object = value as Record<string, unknown>;
  if (kind === 'request') {
    const user = lastUserMessage(object.messages);
    if (user !== undefined) return user;
  } else if (Array.isArray(object.choices)) {
    const choice = object.choices[0] as { message?: { content?: unknown }; text?: unknown };
    const content = choice?.message?.content ?? choice?.text;
    if (typeof content === 'string') return content;
  }
  for (const key of kind === 'request' ? requestKeys : responseKeys) {
    if (typeof object[key] === 'string') return object[key] as string;
  }
  const strings = Object.values(object).filter((item) => typeof item === 'string');
  if (strings.length === 1) return strings[0] as string;
  return JSON.stringify(value);
}
