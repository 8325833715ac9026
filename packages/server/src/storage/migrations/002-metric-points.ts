import { type Kysely, type Migration, sql } from 'kysely';
import type { StorageDialect } from '../storage-dialect.js';

const pointColumns = ['run_uuid', 'key', 'step', 'timestamp', 'value', 'is_nan'] as const;

/**
 * Makes a metric point unique per run, key, step, timestamp and value (MLflow's primary key), so
 * re-logging an identical point is ignored by the database instead of duplicated. The key starts
 * with (run_uuid, key, step), so it also serves history reads and replaces 001's history index.
 * On SQLite the table becomes WITHOUT ROWID, clustered on that key: one B-tree instead of a table
 * plus an index, which halves the pages every metric ingestion commit writes and syncs.
 */
export function metricPointsMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'sqlite') {
        await db.schema
          .createTable('metric_points')
          .addColumn('run_uuid', 'text', (col) => col.notNull())
          .addColumn('key', 'text', (col) => col.notNull())
          .addColumn('value', 'double precision', (col) => col.notNull())
          .addColumn('timestamp', 'bigint', (col) => col.notNull())
          .addColumn('step', 'bigint', (col) => col.notNull())
          .addColumn('is_nan', 'integer', (col) => col.notNull())
          .addPrimaryKeyConstraint('metrics_point_pk', [...pointColumns])
          .modifyEnd(sql`without rowid`)
          .execute();
        await sql`insert or ignore into metric_points (run_uuid, key, value, timestamp, step, is_nan)
          select run_uuid, key, value, timestamp, step, is_nan from metrics`.execute(db);
        await db.schema.dropTable('metrics').execute();
        await db.schema.alterTable('metric_points').renameTo('metrics').execute();
        return;
      }
      // Existing duplicates would block the unique index; keep one of each.
      await sql`delete from metrics a using metrics b
        where a.ctid < b.ctid and a.run_uuid = b.run_uuid and a.key = b.key and a.step = b.step
          and a.timestamp = b.timestamp and a.value = b.value and a.is_nan = b.is_nan`.execute(db);
      await db.schema.dropIndex('metrics_run_key_step_idx').execute();
      await db.schema
        .createIndex('metrics_point_uq')
        .on('metrics')
        .columns([...pointColumns])
        .unique()
        .execute();
    },
  };
}
