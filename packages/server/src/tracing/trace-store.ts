import { randomBytes } from 'node:crypto';
import { type LinkedPrompt, linkedPromptsTag, mergeLinkedPrompts } from '@cairn/spec';
import { type Kysely, sql, type Transaction } from 'kysely';
import { invalidParameter, resourceDoesNotExist } from '../errors.js';
import type { DatabaseSchema, Storage } from '../storage/index.js';
import type { StorageDialect } from '../storage/storage-dialect.js';
import { lockTraces } from './postgres-span-writer.js';
import { planBatch, type SpanBatch } from './span-batch.js';
import type { SpanRecord } from './span-record.js';
import { createSpanWriter, type SpanWriter } from './span-writer.js';
import { traceKeyTables } from './trace-key-tables.js';
import type { TraceRecord } from './trace-record.js';
import { isScopeKey, scopeColumnsSetSql } from './trace-scope-columns.js';
import { TraceStatistics } from './trace-statistics.js';

/** Trace fields a client sets when it starts (or, in MLflow 3, logs) a trace. */
export interface NewTrace {
  requestId?: string;
  experimentId: number;
  clientRequestId?: string | null;
  timestampMs: number;
  executionTimeMs?: number | null;
  status: string;
  name?: string | null;
  requestPreview?: string | null;
  responsePreview?: string | null;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

/** An experiment as tracing needs it. */
export interface TraceExperiment {
  id: number;
  artifactLocation: string;
}

/** A new trace id: `tr-` and 32 hex digits, as MLflow 3 makes them. */
export function newTraceId(): string {
  return `tr-${randomBytes(16).toString('hex')}`;
}

/** Traces, their tags and metadata, and the span ingestion entry point, over SQLite or PostgreSQL. */
export class TraceStore {
  private readonly writer: SpanWriter;
  /** Planner statistics kept fresh as traces arrive (PostgreSQL). */
  readonly statistics: TraceStatistics;

  constructor(
    private readonly storage: Storage,
    log?: (message: string, error: unknown) => void,
  ) {
    this.writer = createSpanWriter(storage);
    this.statistics = new TraceStatistics(storage, log);
  }

  /** The experiment with this id, or RESOURCE_DOES_NOT_EXIST. */
  async experiment(experimentId: string | number): Promise<TraceExperiment> {
    const id = Number(experimentId);
    const row = Number.isSafeInteger(id)
      ? await this.storage.db
          .selectFrom('experiments')
          .select(['experiment_id', 'artifact_location'])
          .where('experiment_id', '=', id)
          .executeTakeFirst()
      : undefined;
    if (!row) throw resourceDoesNotExist(`No Experiment with id=${experimentId} exists`);
    return { id: row.experiment_id, artifactLocation: row.artifact_location };
  }

  /** Creates the trace, or merges into it when spans (or an earlier call) created it already. */
  async upsertTrace(trace: NewTrace): Promise<string> {
    const requestId = trace.requestId ?? newTraceId();
    await this.storage.writes.run(async (trx) => {
      const values = {
        experiment_id: trace.experimentId,
        client_request_id: trace.clientRequestId ?? null,
        timestamp_ms: trace.timestampMs,
        execution_time_ms: trace.executionTimeMs ?? null,
        status: trace.status,
        name: trace.name ?? null,
        request_preview: trace.requestPreview ?? null,
        response_preview: trace.responsePreview ?? null,
      };
      await trx
        .insertInto('trace_info')
        .values({ request_id: requestId, ...values })
        .onConflict((conflict) =>
          conflict.column('request_id').doUpdateSet({
            client_request_id: values.client_request_id,
            timestamp_ms: values.timestamp_ms,
            execution_time_ms: values.execution_time_ms,
            status: values.status,
            name: sql`coalesce(${values.name}, trace_info.name)`,
            request_preview: sql`coalesce(${values.request_preview}, trace_info.request_preview)`,
            response_preview: sql`coalesce(${values.response_preview}, trace_info.response_preview)`,
          }),
        )
        .execute();
      await writeMetadata(trx, this.storage.dialect, requestId, trace.metadata, 'replace');
      await syncScopeColumns(trx, requestId, trace.metadata);
      await upsertPairs(trx, 'trace_tags', requestId, trace.tags);
    });
    return requestId;
  }

  /** MLflow 2's end-trace: sets status and duration and merges metadata and tags. */
  async endTrace(
    requestId: string,
    end: {
      timestampMs: number;
      status: string;
      metadata: Record<string, string>;
      tags: Record<string, string>;
    },
  ): Promise<void> {
    const trace = await this.get(requestId);
    await this.storage.writes.run(async (trx) => {
      await trx
        .updateTable('trace_info')
        .set({
          status: end.status,
          execution_time_ms: Math.max(0, end.timestampMs - trace.timestampMs),
        })
        .where('request_id', '=', requestId)
        .execute();
      await writeMetadata(trx, this.storage.dialect, requestId, end.metadata, 'replace');
      await syncScopeColumns(trx, requestId, end.metadata);
      await upsertPairs(trx, 'trace_tags', requestId, end.tags);
    });
  }

  /** Ingests decoded spans into `experimentId` as one durable, all-or-nothing write. */
  async logSpans(experimentId: number, spans: readonly SpanRecord[]): Promise<void> {
    await this.logBatch(experimentId, planBatch(spans));
  }

  /** Writes a planned batch of spans (see `logSpans`). */
  async logBatch(experimentId: number, batch: SpanBatch): Promise<void> {
    if (batch.spans.length === 0) return;
    await this.writer.write(experimentId, this.writer.encode(batch));
    this.statistics.noteTraces(batch.traces.length);
  }

  /** Records that a trace's `traces.json` artifact has been read into the span store. */
  async markSpansImported(requestId: string): Promise<void> {
    await this.storage.writes.run((trx) =>
      trx
        .updateTable('trace_info')
        .set({ spans_imported: 1 })
        .where('request_id', '=', requestId)
        .execute(),
    );
  }

  /** The trace with this id, or RESOURCE_DOES_NOT_EXIST. */
  async get(requestId: string): Promise<TraceRecord> {
    const [trace] = await this.getMany([requestId]);
    if (!trace) throw resourceDoesNotExist(`Trace with ID ${requestId} is not found.`);
    return trace;
  }

  /** The traces with these ids that exist, in the order asked. */
  async getMany(requestIds: readonly string[]): Promise<TraceRecord[]> {
    if (requestIds.length === 0) return [];
    const db = this.storage.db;
    const [rows, tags, metadata] = await Promise.all([
      db.selectFrom('trace_info').selectAll().where('request_id', 'in', requestIds).execute(),
      db.selectFrom('trace_tags').selectAll().where('request_id', 'in', requestIds).execute(),
      db
        .selectFrom('trace_request_metadata')
        .selectAll()
        .where('request_id', 'in', requestIds)
        .execute(),
    ]);
    const byId = new Map<string, TraceRecord>();
    for (const row of rows) {
      byId.set(row.request_id, {
        requestId: row.request_id,
        experimentId: String(row.experiment_id),
        clientRequestId: row.client_request_id,
        timestampMs: Number(row.timestamp_ms),
        executionTimeMs: row.execution_time_ms === null ? null : Number(row.execution_time_ms),
        status: row.status,
        name: row.name,
        requestPreview: row.request_preview,
        responsePreview: row.response_preview,
        inputTokens: Number(row.input_tokens),
        outputTokens: Number(row.output_tokens),
        totalTokens: Number(row.total_tokens),
        cost: Number(row.cost),
        spanCount: Number(row.span_count),
        rootSpanId: row.root_span_id,
        spansImported: row.spans_imported === 1,
        tags: {},
        metadata: {},
      });
    }
    for (const tag of tags) {
      const trace = byId.get(tag.request_id);
      if (trace) trace.tags[tag.key] = tag.value;
    }
    for (const entry of metadata) {
      const trace = byId.get(entry.request_id);
      if (trace) trace.metadata[entry.key] = entry.value;
    }
    return requestIds.flatMap((id) => byId.get(id) ?? []);
  }

  /** Sets one tag on a trace. */
  async setTag(requestId: string, key: string, value: string): Promise<void> {
    await this.get(requestId);
    await this.storage.writes.run((trx) =>
      upsertPairs(trx, 'trace_tags', requestId, { [key]: value }),
    );
  }

  /**
   * Adds prompt versions to the trace's `mlflow.linkedPrompts` tag. The stored list is read and
   * rewritten in one write transaction (under the trace's advisory lock on PostgreSQL, the one
   * span batches take), so links arriving at once over OTLP and this API are all kept.
   */
  async linkPrompts(requestId: string, links: readonly LinkedPrompt[]): Promise<void> {
    await this.get(requestId);
    await this.storage.writes.run(async (trx) => {
      if (this.storage.dialect === 'postgres') await lockTraces(trx, [requestId]);
      const stored = await trx
        .selectFrom('trace_tags')
        .select('value')
        .where('request_id', '=', requestId)
        .where('key', '=', linkedPromptsTag)
        .executeTakeFirst();
      await upsertPairs(trx, 'trace_tags', requestId, {
        [linkedPromptsTag]: mergeLinkedPrompts(stored?.value, links),
      });
    });
  }

  /** Deletes one tag; RESOURCE_DOES_NOT_EXIST when the trace has no such tag. */
  async deleteTag(requestId: string, key: string): Promise<void> {
    await this.get(requestId);
    const result = await this.storage.writes.run((trx) =>
      trx
        .deleteFrom('trace_tags')
        .where('request_id', '=', requestId)
        .where('key', '=', key)
        .executeTakeFirst(),
    );
    if (Number(result.numDeletedRows) === 0) {
      throw resourceDoesNotExist(`No trace tag with key '${key}' for trace with ID '${requestId}'`);
    }
  }

  /** Sets metadata entries that are not set yet (link-to-run keeps the first source run). */
  async addMetadataIfAbsent(requestId: string, entries: Record<string, string>): Promise<void> {
    await this.storage.writes.run(async (trx) => {
      await writeMetadata(trx, this.storage.dialect, requestId, entries, 'ignore');
      await syncScopeColumns(trx, requestId, entries);
    });
  }

  /**
   * Deletes traces of an experiment: the ids given, or up to `maxTraces` of the oldest with a
   * timestamp ≤ `maxTimestampMillis`. Returns how many were deleted.
   */
  async deleteTraces(
    experimentId: number,
    selection: { requestIds: string[] } | { maxTimestampMillis: number; maxTraces?: number },
  ): Promise<number> {
    const db = this.storage.db;
    let query = db
      .selectFrom('trace_info')
      .select('request_id')
      .where('experiment_id', '=', experimentId);
    if ('requestIds' in selection) {
      if (selection.requestIds.length === 0) return 0;
      query = query.where('request_id', 'in', selection.requestIds);
    } else {
      query = query
        .where('timestamp_ms', '<=', selection.maxTimestampMillis)
        .orderBy('timestamp_ms');
      if (selection.maxTraces !== undefined) query = query.limit(selection.maxTraces);
    }
    const ids = (await query.execute()).map((row) => row.request_id);
    if (ids.length === 0) return 0;
    await this.storage.writes.run((trx) => deleteTraceRows(trx, this.storage.dialect, ids));
    return ids.length;
  }

  /** The query layer, for the readers that live beside this store. */
  get db(): Kysely<DatabaseSchema> {
    return this.storage.db;
  }
}

/**
 * Deletes traces and everything hanging off them, in one transaction. On SQLite, spans, usage and
 * metadata are views over tables keyed by trace key (migration 015); their rows go by key.
 */
export async function deleteTraceRows(
  trx: Transaction<DatabaseSchema>,
  dialect: StorageDialect,
  ids: readonly string[],
): Promise<void> {
  for (let index = 0; index < ids.length; index += 500) {
    const chunk = ids.slice(index, index + 500);
    if (dialect === 'sqlite') {
      const keys = sql`(select trace_key from trace_info where request_id in (${sql.join(chunk)}))`;
      const { spans, usage, metadata } = traceKeyTables(dialect);
      for (const table of [spans, usage, metadata]) {
        await sql`delete from ${sql.table(table)} where trace_key in ${keys}`.execute(trx);
      }
    } else {
      await trx.deleteFrom('spans').where('trace_id', 'in', chunk).execute();
      await trx.deleteFrom('trace_usage').where('request_id', 'in', chunk).execute();
      await trx.deleteFrom('trace_request_metadata').where('request_id', 'in', chunk).execute();
    }
    await trx.deleteFrom('assessments').where('trace_id', 'in', chunk).execute();
    await trx.deleteFrom('trace_tags').where('request_id', 'in', chunk).execute();
    await trx.deleteFrom('trace_info').where('request_id', 'in', chunk).execute();
  }
}

/** Re-reads `trace_info`'s metadata copies when `entries` touched one of their keys. */
async function syncScopeColumns(
  trx: Transaction<DatabaseSchema>,
  requestId: string,
  entries: Record<string, string>,
): Promise<void> {
  if (!Object.keys(entries).some(isScopeKey)) return;
  await sql`update trace_info set ${scopeColumnsSetSql()}
    where request_id = ${requestId}`.execute(trx);
}

async function upsertPairs(
  trx: Transaction<DatabaseSchema>,
  table: 'trace_tags',
  requestId: string,
  pairs: Record<string, string>,
): Promise<void> {
  const rows = pairRows(requestId, pairs);
  if (rows.length === 0) return;
  await trx
    .insertInto(table)
    .values(rows)
    .onConflict((conflict) =>
      conflict
        .columns(['request_id', 'key'])
        .doUpdateSet({ value: (eb) => eb.ref('excluded.value') }),
    )
    .execute();
}

/**
 * Writes metadata entries, replacing or keeping stored values of the same keys. On SQLite the
 * table is a view (migration 015), which takes no ON CONFLICT clause; INSERT OR REPLACE/IGNORE
 * hands the same policy to its trigger's insert.
 */
async function writeMetadata(
  trx: Transaction<DatabaseSchema>,
  dialect: StorageDialect,
  requestId: string,
  pairs: Record<string, string>,
  onConflict: 'replace' | 'ignore',
): Promise<void> {
  const rows = pairRows(requestId, pairs);
  if (rows.length === 0) return;
  const insert = trx.insertInto('trace_request_metadata').values(rows);
  if (dialect === 'sqlite') {
    await (onConflict === 'replace' ? insert.orReplace() : insert.orIgnore()).execute();
    return;
  }
  await insert
    .onConflict((conflict) => {
      const columns = conflict.columns(['request_id', 'key']);
      return onConflict === 'replace'
        ? columns.doUpdateSet({ value: (eb) => eb.ref('excluded.value') })
        : columns.doNothing();
    })
    .execute();
}

function pairRows(requestId: string, pairs: Record<string, string>) {
  const rows = Object.entries(pairs).map(([key, value]) => ({ request_id: requestId, key, value }));
  for (const row of rows) {
    if (row.key === '') throw invalidParameter('A trace tag or metadata key must not be empty.');
  }
  return rows;
}
