import { type Kysely, type Migration, sql } from 'kysely';
import type { StorageDialect } from '../storage-dialect.js';

/** Experiments, runs, params, tags, metric history, latest metrics and dataset inputs. */
export function trackingMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const experiments = db.schema.createTable('experiments');
      await (dialect === 'sqlite'
        ? experiments.addColumn('experiment_id', 'integer', (col) =>
            col.primaryKey().autoIncrement(),
          )
        : experiments.addColumn('experiment_id', 'bigserial', (col) => col.primaryKey())
      )
        .addColumn('name', 'text', (col) => col.notNull().unique())
        .addColumn('artifact_location', 'text', (col) => col.notNull())
        .addColumn('lifecycle_stage', 'text', (col) => col.notNull())
        .addColumn('creation_time', 'bigint', (col) => col.notNull())
        .addColumn('last_update_time', 'bigint', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('experiment_tags')
        .addColumn('experiment_id', 'bigint', (col) => col.notNull())
        .addColumn('key', 'text', (col) => col.notNull())
        .addColumn('value', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('experiment_tags_pk', ['experiment_id', 'key'])
        .execute();

      await db.schema
        .createTable('runs')
        .addColumn('run_uuid', 'text', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('experiment_id', 'bigint', (col) => col.notNull())
        .addColumn('user_id', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('start_time', 'bigint', (col) => col.notNull())
        .addColumn('end_time', 'bigint')
        .addColumn('lifecycle_stage', 'text', (col) => col.notNull())
        .addColumn('artifact_uri', 'text', (col) => col.notNull())
        .addColumn('deleted_time', 'bigint')
        .execute();
      await db.schema
        .createIndex('runs_experiment_start_idx')
        .on('runs')
        .columns(['experiment_id', 'start_time'])
        .execute();

      for (const table of ['params', 'tags'] as const) {
        await db.schema
          .createTable(table)
          .addColumn('run_uuid', 'text', (col) => col.notNull())
          .addColumn('key', 'text', (col) => col.notNull())
          .addColumn('value', 'text', (col) => col.notNull())
          .addPrimaryKeyConstraint(`${table}_pk`, ['run_uuid', 'key'])
          .execute();
        await db.schema
          .createIndex(`${table}_key_value_idx`)
          .on(table)
          .columns(['key', 'value'])
          .execute();
      }

      for (const table of ['metrics', 'latest_metrics'] as const) {
        let create = db.schema
          .createTable(table)
          .addColumn('run_uuid', 'text', (col) => col.notNull())
          .addColumn('key', 'text', (col) => col.notNull())
          .addColumn('value', 'double precision', (col) => col.notNull())
          .addColumn('timestamp', 'bigint', (col) => col.notNull())
          .addColumn('step', 'bigint', (col) => col.notNull())
          .addColumn('is_nan', 'integer', (col) => col.notNull());
        if (table === 'latest_metrics')
          create = create.addPrimaryKeyConstraint('latest_metrics_pk', ['run_uuid', 'key']);
        await create.execute();
      }
      await db.schema
        .createIndex('metrics_run_key_step_idx')
        .on('metrics')
        .columns(['run_uuid', 'key', 'step'])
        .execute();
      await db.schema
        .createIndex('latest_metrics_key_value_idx')
        .on('latest_metrics')
        .columns(['key', 'value'])
        .execute();

      await db.schema
        .createTable('datasets')
        .addColumn('dataset_uuid', 'text', (col) => col.primaryKey())
        .addColumn('experiment_id', 'bigint', (col) => col.notNull())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('digest', 'text', (col) => col.notNull())
        .addColumn('dataset_source_type', 'text', (col) => col.notNull())
        .addColumn('dataset_source', 'text', (col) => col.notNull())
        .addColumn('dataset_schema', 'text')
        .addColumn('dataset_profile', 'text')
        .addUniqueConstraint('datasets_experiment_name_digest_uq', [
          'experiment_id',
          'name',
          'digest',
        ])
        .execute();

      await db.schema
        .createTable('inputs')
        .addColumn('input_uuid', 'text', (col) => col.primaryKey())
        .addColumn('source_type', 'text', (col) => col.notNull())
        .addColumn('source_id', 'text', (col) => col.notNull())
        .addColumn('destination_type', 'text', (col) => col.notNull())
        .addColumn('destination_id', 'text', (col) => col.notNull())
        .addUniqueConstraint('inputs_link_uq', [
          'source_type',
          'source_id',
          'destination_type',
          'destination_id',
        ])
        .execute();
      await db.schema
        .createIndex('inputs_destination_idx')
        .on('inputs')
        .columns(['destination_id'])
        .execute();

      await db.schema
        .createTable('input_tags')
        .addColumn('input_uuid', 'text', (col) => col.notNull())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('value', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('input_tags_pk', ['input_uuid', 'name'])
        .execute();

      // The Default experiment exists from the start, as in MLflow; its id is 0.
      const now = Date.now();
      await sql`insert into experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
        values (0, 'Default', ${'mlflow-artifacts:/0'}, 'active', ${now}, ${now})`.execute(db);
    },
  };
}
