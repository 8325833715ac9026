import type { ViewType } from '@cairn/spec';
import { type RawBuilder, sql } from 'kysely';
import type { StorageDialect } from '../storage/index.js';

/** The lifecycle stage a view type keeps, or undefined for ALL. */
export function lifecycleStageOf(viewType: ViewType): string | undefined {
  return viewType === 'ACTIVE_ONLY'
    ? 'active'
    : viewType === 'DELETED_ONLY'
      ? 'deleted'
      : undefined;
}

/** Text ordering by code point on both backends (PostgreSQL's default collation may not be). */
export function ordered(dialect: StorageDialect, column: RawBuilder<unknown>): RawBuilder<unknown> {
  return dialect === 'postgres' ? sql`${column} collate "C"` : column;
}
