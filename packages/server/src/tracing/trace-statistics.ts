import { sql } from 'kysely';
import type { Storage } from '../storage/index.js';

/** Traces ingested before the first refresh, and the least growth between two refreshes. */
const minimumTraces = 1000;
/** Growth, as a fraction of the traces counted at the last refresh, that triggers the next one. */
const growthFraction = 0.2;

/**
 * Keeps PostgreSQL's planner statistics of the trace tables fresh while traces pour in. Without
 * them (a bulk load finishes before autovacuum's next ANALYZE) the planner misjudges a
 * metadata filter plus time range and walks the time index probing every trace, hundreds of
 * times slower than starting from the (key, value) index. After enough new traces, ANALYZE runs
 * in the background, outside the write lane; a failure is only logged. SQLite keeps no
 * statistics; its search plans are pinned in the query instead.
 */
export class TraceStatistics {
  private added = 0;
  private counted = 0;
  private running: Promise<void> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly log?: (message: string, error: unknown) => void,
  ) {}

  /** Notes that a write touched `traces` traces (an upper bound on the new ones). */
  noteTraces(traces: number): void {
    if (this.storage.dialect !== 'postgres') return;
    this.added += traces;
    if (this.running || this.added < Math.max(minimumTraces, this.counted * growthFraction)) {
      return;
    }
    this.counted += this.added;
    this.added = 0;
    this.running = sql`analyze trace_info, trace_request_metadata, trace_tags`
      .execute(this.storage.db)
      .then(
        () => undefined,
        (error: unknown) => this.log?.('could not refresh trace statistics', error),
      )
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Resolves once a refresh in progress has finished. */
  async settled(): Promise<void> {
    await this.running;
  }
}
