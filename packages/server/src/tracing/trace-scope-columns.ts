import { gatewayRouteMetadataKey } from '@cairn/spec';
import { type RawBuilder, sql } from 'kysely';

/**
 * `trace_info`'s copies of three metadata entries (migration 012), read by the dashboards instead
 * of a metadata join per trace. Each column always equals its metadata row's value (null when
 * there is none): every metadata write re-reads the rows it may have changed, so the copy follows
 * whatever conflict rule that write has (first write wins for spans, last for the REST API).
 */
export const scopeColumnKeys = {
  user_id: 'mlflow.trace.user',
  session_id: 'mlflow.trace.session',
  route: gatewayRouteMetadataKey,
} as const;

const keys = new Set<string>(Object.values(scopeColumnKeys));

/** True when a metadata key is copied into a `trace_info` column. */
export function isScopeKey(key: string): boolean {
  return keys.has(key);
}

/**
 * The `set` list copying each key's metadata value into its column, for an UPDATE of
 * `trace_info` (both dialects; values are bound parameters).
 */
export function scopeColumnsSetSql(): RawBuilder<unknown> {
  return sql.join(
    Object.entries(scopeColumnKeys).map(
      ([column, key]) =>
        sql`${sql.raw(column)} = (select m.value from trace_request_metadata m
          where m.request_id = trace_info.request_id and m.key = ${key})`,
    ),
  );
}
