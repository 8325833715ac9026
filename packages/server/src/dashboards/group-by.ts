import { type RawBuilder, sql } from 'kysely';
import type { StorageDialect } from '../storage/index.js';
import { traceKeyTables } from '../tracing/trace-key-tables.js';
import type { GroupBy } from './dashboard-request.js';
import { sessionKey, userKey } from './trace-scope.js';

/**
 * How to group traces (aliased `t`): the FROM clause to read and the key and value columns to
 * sum. Grouping by model reads the per-model roll-up (`trace_usage`, aliased `u`; on SQLite its
 * table keyed by trace key, see tracing/trace-key-tables.ts), so a trace
 * using two models splits its cost between them; every other grouping reads the trace's own
 * totals joined to at most one key row, so nothing is counted twice.
 */
export interface GroupSource {
  from: RawBuilder<unknown>;
  key: RawBuilder<string | null>;
  /** Alias whose cost and token columns are summed (`u` or `t`). */
  valueAlias: 'u' | 't';
  /**
   * For keys with many values (user, session), whose top ten usually hold a small share of the
   * traces: a FROM clause reading only traces with named values, driven from the key's
   * (key, value) index.
   */
  namedFrom?: RawBuilder<unknown>;
  /** The key as read through `namedFrom`: the indexed metadata value that drives it. */
  namedKey?: RawBuilder<string | null>;
}

/** The group source for `groupBy`. */
export function groupSource(groupBy: GroupBy, dialect: StorageDialect): GroupSource {
  switch (groupBy.kind) {
    case 'model':
      return {
        // SQLite's CROSS JOIN keeps this order: scan the traces in range from their covering
        // index, then look up each one's usage rows, rather than read every usage row's trace.
        from:
          dialect === 'sqlite'
            ? sql`trace_info t cross join trace_usage_rows u on u.trace_key = t.trace_key`
            : sql`trace_info t join trace_usage u on u.request_id = t.request_id`,
        key: sql`u.model`,
        valueAlias: 'u',
      };
    case 'experiment':
      return {
        from: sql`trace_info t`,
        key: sql`cast(t.experiment_id as varchar)`,
        valueAlias: 't',
      };
    case 'tag':
      return keyed(sql`trace_tags g`, groupBy.key);
    default: {
      // The trace's own copy of the metadata value (migration 012): no join per trace.
      const column = sql<string | null>`${sql.ref(`t.${columns[groupBy.kind]}`)}`;
      const source: GroupSource = { from: sql`trace_info t`, key: column, valueAlias: 't' };
      if (groupBy.kind === 'route') return source;
      const key = metadataKeys[groupBy.kind];
      const join = dialect === 'sqlite' ? sql`cross join` : sql`join`;
      const { metadata, traceColumn } = traceKeyTables(dialect);
      const trace = sql.ref(traceColumn);
      return {
        ...source,
        namedFrom: sql`${sql.table(metadata)} g ${join} trace_info t
          on t.${trace} = g.${trace} and g.key = ${key}`,
        namedKey: sql`g.value`,
      };
    }
  }
}

const metadataKeys = { user: userKey, session: sessionKey };
const columns = { user: 'user_id', session: 'session_id', route: 'route' } as const;

function keyed(table: RawBuilder<unknown>, key: string): GroupSource {
  return {
    from: sql`trace_info t left join ${table} on g.request_id = t.request_id and g.key = ${key}`,
    key: sql`g.value`,
    valueAlias: 't',
  };
}
