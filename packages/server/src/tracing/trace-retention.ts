import { sql } from 'kysely';
import { invalidParameter } from '../errors.js';
import type { Storage } from '../storage/index.js';
import { deleteTraceRows } from './trace-store.js';

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Per-experiment trace retention: a period in days after which traces (and their spans,
 * metadata, tags, usage and assessments) are deleted by `sweep`, in bounded batches so a large
 * backlog never holds the write lane for long.
 */
export class TraceRetention {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /** Sets (or, with null, clears) an experiment's retention period in days. */
  async set(experimentId: number, days: number | null): Promise<void> {
    if (days !== null && (!Number.isSafeInteger(days) || days < 1 || days > 36500)) {
      throw invalidParameter(
        `retention_days must be a whole number of days from 1 to 36500, got ${days}.`,
      );
    }
    await this.storage.writes.run(async (trx) => {
      await trx.deleteFrom('trace_retention').where('experiment_id', '=', experimentId).execute();
      if (days !== null) {
        await trx
          .insertInto('trace_retention')
          .values({ experiment_id: experimentId, retention_days: days })
          .execute();
      }
    });
  }

  /** The experiment's retention period in days, or null when traces are kept forever. */
  async get(experimentId: number): Promise<number | null> {
    const row = await this.storage.db
      .selectFrom('trace_retention')
      .select('retention_days')
      .where('experiment_id', '=', experimentId)
      .executeTakeFirst();
    return row ? Number(row.retention_days) : null;
  }

  /**
   * Deletes expired traces, at most `batchSize` per transaction and `maxBatches` per call.
   * Returns how many were deleted. Safe to run on every replica at once: deletes are idempotent.
   */
  async sweep(batchSize = 500, maxBatches = 20): Promise<number> {
    const now = this.clock();
    const policies = await this.storage.db.selectFrom('trace_retention').selectAll().execute();
    let deleted = 0;
    for (const policy of policies) {
      const cutoff = now - Number(policy.retention_days) * dayMs;
      for (let batch = 0; batch < maxBatches; batch++) {
        const ids = (
          await sql<{ request_id: string }>`select request_id from trace_info
            where experiment_id = ${policy.experiment_id} and timestamp_ms < ${cutoff}
            order by timestamp_ms limit ${batchSize}`.execute(this.storage.db)
        ).rows.map((row) => row.request_id);
        if (ids.length === 0) break;
        await this.storage.writes.run((trx) => deleteTraceRows(trx, this.storage.dialect, ids));
        deleted += ids.length;
        if (ids.length < batchSize) break;
      }
    }
    return deleted;
  }
}
