import type { Kysely, Migration } from 'kysely';
import type { StorageDialect } from '../storage-dialect.js';

/**
 * Model versions whose stored model card is stale, marked in the transaction that changed them
 * and rendered by the registry's background loop. Version 0 stands for "the model's aliased and
 * staged versions" (a model-level change). `generation` grows on every re-mark, so a card marked
 * again while it renders is rendered again.
 */
export function modelCardQueueMigration(_dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('model_card_queue')
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('version', 'bigint', (col) => col.notNull())
        .addColumn('generation', 'bigint', (col) => col.notNull())
        .addColumn('marked_time', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('model_card_queue_pk', ['name', 'version'])
        .execute();
    },
  };
}
