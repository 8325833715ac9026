import { type Kysely, type Migration, sql } from 'kysely';
import type { StorageDialect } from '../storage-dialect.js';

/**
 * The usage dashboard's "top queries" group the traces of a time range by the first 200
 * characters of their request preview. Without this index every trace row in range is read
 * (rows carry both previews, often on overflow pages) just for that prefix; with it the range
 * is read from the index alone. The expression must match dashboards/usage-dashboard.ts's
 * `queryPrefix` word for word. Costs one index entry of up to 200 characters per trace.
 * SQLite only: PostgreSQL does not answer from an expression index alone (no index-only scan
 * without the column itself), so there it would be pure write cost.
 */
export function dashboardQueriesMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'sqlite') return;
      await sql`create index trace_info_query_prefix_idx
        on trace_info (timestamp_ms, substr(request_preview, 1, 200))`.execute(db);
    },
  };
}
