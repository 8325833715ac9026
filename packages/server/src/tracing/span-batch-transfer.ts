import type { SpanBatch, TraceSeed } from './span-batch.js';
import type { SpanRecord } from './span-record.js';

/** A trace seed whose root is the index of its span in the packed rows (-1: none). */
export type PackedSeed = Omit<TraceSeed, 'root'> & { root: number };

/**
 * A SpanBatch as it crosses between threads: each span a run of `packedColumns` values in one
 * flat array. Structured clone writes every property name of every object it copies, so a
 * batch of span objects serialises to twice these bytes and takes three times as long to read.
 */
export interface PackedBatch {
  rows: unknown[];
  traces: PackedSeed[];
}

/** The span fields a writer stores, in the order of a packed row. */
const packedColumns = [
  'requestId',
  'spanId',
  'parentSpanId',
  'otelTraceId',
  'name',
  'spanType',
  'kind',
  'startNs',
  'endNs',
  'status',
  'statusMessage',
  'model',
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'cost',
  'attributes',
  'events',
  'links',
  'inputs',
  'outputs',
  'truncated',
] as const satisfies readonly (keyof SpanRecord)[];
const width = packedColumns.length;

export function packBatch(batch: SpanBatch): PackedBatch {
  const rows: unknown[] = [];
  const indexes = new Map<SpanRecord, number>();
  batch.spans.forEach((span, index) => {
    indexes.set(span, index);
    for (const column of packedColumns) rows.push(span[column]);
  });
  const traces = batch.traces.map(({ root, ...seed }) => ({
    ...seed,
    root: root === null ? -1 : indexes.get(root)!,
  }));
  return { rows, traces };
}

/**
 * The batch back as span objects. What only planning needed (the per-span trace tags,
 * metadata, user and session, already gathered into the seeds) is null.
 */
export function unpackBatch({ rows, traces }: PackedBatch): SpanBatch {
  const spans: SpanRecord[] = [];
  for (let at = 0; at < rows.length; at += width) {
    const startNs = rows[at + 7] as bigint;
    const endNs = rows[at + 8] as bigint | null;
    spans.push({
      requestId: rows[at] as string,
      spanId: rows[at + 1] as string,
      parentSpanId: rows[at + 2] as string | null,
      otelTraceId: rows[at + 3] as string,
      name: rows[at + 4] as string,
      spanType: rows[at + 5] as string,
      kind: rows[at + 6] as number,
      startTimeNs: startNs.toString(),
      endTimeNs: endNs === null ? null : endNs.toString(),
      startNs,
      endNs,
      status: rows[at + 9] as SpanRecord['status'],
      statusMessage: rows[at + 10] as string | null,
      model: rows[at + 11] as string | null,
      inputTokens: rows[at + 12] as number | null,
      outputTokens: rows[at + 13] as number | null,
      totalTokens: rows[at + 14] as number | null,
      cost: rows[at + 15] as number | null,
      attributes: rows[at + 16] as string,
      events: rows[at + 17] as string | null,
      links: rows[at + 18] as string | null,
      inputs: rows[at + 19] as string | null,
      outputs: rows[at + 20] as string | null,
      truncated: rows[at + 21] as string | null,
      session: null,
      user: null,
      traceTags: null,
      traceMetadata: null,
      linkedPrompts: null,
    });
  }
  return {
    spans,
    traces: traces.map(({ root, ...seed }) => ({ ...seed, root: root < 0 ? null : spans[root]! })),
  };
}
