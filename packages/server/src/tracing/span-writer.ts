import type { Transaction } from 'kysely';
import type { DatabaseSchema, Storage } from '../storage/index.js';
import { postgresSpanWriter } from './postgres-span-writer.js';
import type { SpanBatch } from './span-batch.js';
import { sqliteSpanWriter } from './sqlite-span-writer.js';

/**
 * Writes a batch of spans inside a write transaction: creates missing traces (IN_PROGRESS),
 * upserts spans (a re-sent span replaces the stored one), keeps token and cost roll-ups exact,
 * lets root spans fill in their trace, and records session and user metadata.
 */
export interface SpanWriter {
  write(trx: Transaction<DatabaseSchema>, experimentId: number, batch: SpanBatch): Promise<void>;
}

/** The writer for the storage's dialect. */
export function createSpanWriter(storage: Storage): SpanWriter {
  return storage.sqlite ? sqliteSpanWriter(storage.sqlite) : postgresSpanWriter();
}
