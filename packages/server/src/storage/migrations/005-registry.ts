import type { Kysely, Migration } from 'kysely';
import type { StorageDialect } from '../storage-dialect.js';

/**
 * The model registry (MLflow's tables: registered models, versions, their tags and aliases),
 * plus Cairn's registry history (stage and alias moves), webhooks with their delivery outbox,
 * and prompt A/B tests. Names are the primary keys, as in MLflow, so renames touch every table.
 */
export function registryMigration(_dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('registered_models')
        .addColumn('name', 'text', (col) => col.primaryKey())
        .addColumn('creation_time', 'bigint', (col) => col.notNull())
        .addColumn('last_updated_time', 'bigint', (col) => col.notNull())
        .addColumn('description', 'text')
        .addColumn('user_id', 'text')
        .execute();
      await db.schema
        .createTable('registered_model_tags')
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('key', 'text', (col) => col.notNull())
        .addColumn('value', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('registered_model_tags_pk', ['name', 'key'])
        .execute();
      await db.schema
        .createIndex('registered_model_tags_key_value_idx')
        .on('registered_model_tags')
        .columns(['key', 'value'])
        .execute();

      await db.schema
        .createTable('model_versions')
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('creation_time', 'bigint', (col) => col.notNull())
        .addColumn('last_updated_time', 'bigint', (col) => col.notNull())
        .addColumn('description', 'text')
        .addColumn('user_id', 'text')
        .addColumn('current_stage', 'text', (col) => col.notNull())
        .addColumn('source', 'text', (col) => col.notNull())
        .addColumn('run_id', 'text')
        .addColumn('run_link', 'text')
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('status_message', 'text')
        .addPrimaryKeyConstraint('model_versions_pk', ['name', 'version'])
        .execute();
      await db.schema
        .createIndex('model_versions_run_idx')
        .on('model_versions')
        .column('run_id')
        .execute();
      await db.schema
        .createIndex('model_versions_created_idx')
        .on('model_versions')
        .column('creation_time')
        .execute();
      await db.schema
        .createTable('model_version_tags')
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('key', 'text', (col) => col.notNull())
        .addColumn('value', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('model_version_tags_pk', ['name', 'version', 'key'])
        .execute();
      await db.schema
        .createTable('registered_model_aliases')
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('alias', 'text', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        .addPrimaryKeyConstraint('registered_model_aliases_pk', ['name', 'alias'])
        .execute();

      await db.schema
        .createTable('registry_history')
        .addColumn('history_id', 'text', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('from_value', 'text')
        .addColumn('to_value', 'text')
        .addColumn('user_id', 'text')
        .addColumn('timestamp', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('registry_history_version_idx')
        .on('registry_history')
        .columns(['name', 'version', 'timestamp'])
        .execute();

      await db.schema
        .createTable('webhooks')
        .addColumn('webhook_id', 'text', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('description', 'text')
        .addColumn('url', 'text', (col) => col.notNull())
        .addColumn('secret', 'text')
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('events', 'text', (col) => col.notNull())
        .addColumn('creation_timestamp', 'bigint', (col) => col.notNull())
        .addColumn('last_updated_timestamp', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('delivery_id', 'text', (col) => col.primaryKey())
        .addColumn('webhook_id', 'text', (col) => col.notNull())
        .addColumn('event', 'text', (col) => col.notNull())
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('attempts', 'integer', (col) => col.notNull())
        .addColumn('next_attempt_time', 'bigint', (col) => col.notNull())
        .addColumn('lease_until', 'bigint')
        .addColumn('response_status', 'integer')
        .addColumn('error_message', 'text')
        .addColumn('creation_time', 'bigint', (col) => col.notNull())
        .addColumn('last_attempt_time', 'bigint')
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_due_idx')
        .on('webhook_deliveries')
        .columns(['status', 'next_attempt_time'])
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_webhook_idx')
        .on('webhook_deliveries')
        .columns(['webhook_id', 'creation_time'])
        .execute();

      await db.schema
        .createTable('prompt_ab_tests')
        .addColumn('name', 'text', (col) => col.primaryKey())
        .addColumn('prompt_name', 'text', (col) => col.notNull())
        .addColumn('unit', 'text', (col) => col.notNull())
        .addColumn('variants', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('description', 'text')
        .addColumn('winner', 'text')
        .addColumn('creation_time', 'bigint', (col) => col.notNull())
        .addColumn('last_updated_time', 'bigint', (col) => col.notNull())
        .execute();
    },
  };
}
