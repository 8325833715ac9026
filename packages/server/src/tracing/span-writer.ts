import type { Storage } from '../storage/index.js';
import { postgresSpanWriter } from './postgres-span-writer.js';
import type { SpanBatch } from './span-batch.js';
import { sqliteSpanWriter } from './sqlite-span-writer.js';

/** A batch with its span rows already encoded for the dialect (done before the transaction). */
export interface EncodedBatch {
  batch: SpanBatch;
  /** The dialect's encoding of the span rows (bind values, array literals). */
  rows: unknown;
}

/**
 * Writes a batch of spans in its own all-or-nothing transaction: creates missing traces
 * (IN_PROGRESS), upserts spans (a re-sent span replaces the stored one), keeps token and cost
 * roll-ups exact, lets root spans fill in their trace, and records trace metadata (session,
 * user, …) and tags. `write` resolves once the transaction has committed.
 */
export interface SpanWriter {
  /** Encodes the rows outside the transaction, so it does only database work. */
  encode(batch: SpanBatch): EncodedBatch;
  write(experimentId: number, batch: EncodedBatch): Promise<void>;
}

/** The writer for the storage's dialect. */
export function createSpanWriter(storage: Storage): SpanWriter {
  return storage.sqlite ? sqliteSpanWriter(storage, storage.sqlite) : postgresSpanWriter(storage);
}
