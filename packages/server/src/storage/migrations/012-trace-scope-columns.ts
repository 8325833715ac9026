import { gatewayRouteMetadataKey } from '@cairn/spec';
import { type Kysely, type Migration, sql } from 'kysely';
import type { StorageDialect } from '../storage-dialect.js';

/**
 * The usage dashboard counted distinct users and sessions by joining each trace in range to two
 * `trace_request_metadata` rows (most of its activity query's time over 100,000 traces). `trace_info` now
 * carries copies of the user, session and gateway route metadata (kept equal by every metadata
 * write, see tracing/trace-scope-columns.ts), filled here from the rows already stored. The index
 * answers the usage activity series (time, user, session) from the index alone. Filters on user,
 * session and route still probe metadata's (key, value) index: that starts from the few matching
 * traces instead of scanning the range. Costs three nullable text columns and one index entry per
 * trace, and an UPDATE of each ingested trace whose metadata names a user, session or route
 * (one statement per batch on PostgreSQL).
 */
export function traceScopeColumnsMigration(_dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const columns = {
        user_id: 'mlflow.trace.user',
        session_id: 'mlflow.trace.session',
        route: gatewayRouteMetadataKey,
      };
      for (const column of Object.keys(columns)) {
        await db.schema.alterTable('trace_info').addColumn(column, 'text').execute();
      }
      for (const [column, key] of Object.entries(columns)) {
        await sql`update trace_info set ${sql.ref(column)} = (select m.value
            from trace_request_metadata m where m.request_id = trace_info.request_id and m.key = ${key})
          where exists (select 1 from trace_request_metadata m
            where m.request_id = trace_info.request_id and m.key = ${key})`.execute(db);
      }
      await db.schema
        .createIndex('trace_info_activity_idx')
        .on('trace_info')
        .columns(['timestamp_ms', 'user_id', 'session_id'])
        .execute();
    },
  };
}
