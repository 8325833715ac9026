import type { Kysely, Migration } from 'kysely';
import type { StorageDialect } from '../storage-dialect.js';

/**
 * Evaluation: versioned datasets and online scoring rules. A dataset record belongs to every
 * version from `added_version` up to (not including) `removed_version`, so a new version costs
 * only the rows that changed, and any old version can still be read exactly.
 */
export function evaluationMigration(_dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('eval_datasets')
        .addColumn('dataset_id', 'text', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull().unique())
        .addColumn('experiment_id', 'bigint')
        .addColumn('description', 'text')
        .addColumn('tags', 'text', (col) => col.notNull())
        .addColumn('latest_version', 'integer', (col) => col.notNull())
        .addColumn('next_position', 'bigint', (col) => col.notNull())
        .addColumn('created_time', 'bigint', (col) => col.notNull())
        .addColumn('last_update_time', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('eval_dataset_versions')
        .addColumn('dataset_id', 'text', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('digest', 'text', (col) => col.notNull())
        .addColumn('record_count', 'bigint', (col) => col.notNull())
        .addColumn('source', 'text')
        .addColumn('created_time', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('eval_dataset_versions_pk', ['dataset_id', 'version'])
        .execute();
      await db.schema
        .createTable('eval_dataset_records')
        .addColumn('dataset_id', 'text', (col) => col.notNull())
        .addColumn('record_id', 'text', (col) => col.notNull())
        .addColumn('position', 'bigint', (col) => col.notNull())
        .addColumn('added_version', 'integer', (col) => col.notNull())
        .addColumn('removed_version', 'integer')
        .addColumn('record_hash', 'text', (col) => col.notNull())
        .addColumn('inputs', 'text', (col) => col.notNull())
        .addColumn('expectations', 'text')
        .addColumn('tags', 'text')
        .addColumn('source', 'text')
        .addColumn('created_time', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('eval_dataset_records_pk', ['dataset_id', 'record_id'])
        .execute();
      // Reading a version pages through its records in order.
      await db.schema
        .createIndex('eval_dataset_records_position_idx')
        .on('eval_dataset_records')
        .columns(['dataset_id', 'position'])
        .execute();

      await db.schema
        .createTable('eval_online_rules')
        .addColumn('rule_id', 'text', (col) => col.primaryKey())
        .addColumn('experiment_id', 'bigint', (col) => col.notNull())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('sample_rate', 'double precision', (col) => col.notNull())
        .addColumn('filter_string', 'text')
        .addColumn('metrics', 'text', (col) => col.notNull())
        .addColumn('enabled', 'integer', (col) => col.notNull())
        .addColumn('daily_judge_budget_usd', 'double precision')
        .addColumn('daily_judge_call_limit', 'integer')
        .addColumn('budget_day', 'text')
        .addColumn('judge_spend_usd', 'double precision', (col) => col.notNull().defaultTo(0))
        .addColumn('judge_calls', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('watermark_ms', 'bigint', (col) => col.notNull())
        .addColumn('watermark_id', 'text', (col) => col.notNull())
        .addColumn('traces_scored', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until_ms', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('created_time', 'bigint', (col) => col.notNull())
        .addColumn('last_update_time', 'bigint', (col) => col.notNull())
        .addUniqueConstraint('eval_online_rules_experiment_name_uq', ['experiment_id', 'name'])
        .execute();
    },
  };
}
