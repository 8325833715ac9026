import type { Kysely, Migration } from 'kysely';
import type { StorageDialect } from '../storage-dialect.js';

/**
 * Traces, their tags and metadata, spans, per-model usage roll-ups and assessments. JSON lives in
 * text columns (not jsonb): OpenTelemetry attributes may carry text PostgreSQL's jsonb refuses.
 * Nanosecond times are int8; they are read back as text so no precision is lost in JavaScript.
 */
export function tracingMigration(_dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('trace_info')
        .addColumn('request_id', 'text', (col) => col.primaryKey())
        .addColumn('experiment_id', 'bigint', (col) => col.notNull())
        .addColumn('client_request_id', 'text')
        .addColumn('timestamp_ms', 'bigint', (col) => col.notNull())
        .addColumn('execution_time_ms', 'bigint')
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('name', 'text')
        .addColumn('request_preview', 'text')
        .addColumn('response_preview', 'text')
        .addColumn('input_tokens', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('output_tokens', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('total_tokens', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('cost', 'double precision', (col) => col.notNull().defaultTo(0))
        .addColumn('span_count', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('root_span_id', 'text')
        .addColumn('spans_imported', 'integer', (col) => col.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('trace_info_experiment_time_idx')
        .on('trace_info')
        .columns(['experiment_id', 'timestamp_ms'])
        .execute();

      for (const table of ['trace_tags', 'trace_request_metadata'] as const) {
        await db.schema
          .createTable(table)
          .addColumn('request_id', 'text', (col) => col.notNull())
          .addColumn('key', 'text', (col) => col.notNull())
          .addColumn('value', 'text', (col) => col.notNull())
          .addPrimaryKeyConstraint(`${table}_pk`, ['request_id', 'key'])
          .execute();
        // Filters like metadata.`mlflow.trace.session` = 'x' start from the matching rows.
        await db.schema
          .createIndex(`${table}_key_value_idx`)
          .on(table)
          .columns(['key', 'value', 'request_id'])
          .execute();
      }

      await db.schema
        .createTable('spans')
        .addColumn('trace_id', 'text', (col) => col.notNull())
        .addColumn('span_id', 'text', (col) => col.notNull())
        .addColumn('parent_span_id', 'text')
        .addColumn('otel_trace_id', 'text', (col) => col.notNull())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('span_type', 'text', (col) => col.notNull())
        .addColumn('kind', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('start_time_ns', 'bigint', (col) => col.notNull())
        .addColumn('end_time_ns', 'bigint')
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('status_message', 'text')
        .addColumn('model', 'text')
        .addColumn('input_tokens', 'bigint')
        .addColumn('output_tokens', 'bigint')
        .addColumn('total_tokens', 'bigint')
        .addColumn('cost', 'double precision')
        .addColumn('attributes', 'text', (col) => col.notNull())
        .addColumn('events', 'text')
        .addColumn('links', 'text')
        .addColumn('inputs', 'text')
        .addColumn('outputs', 'text')
        .addColumn('truncated', 'text')
        .addPrimaryKeyConstraint('spans_pk', ['trace_id', 'span_id'])
        .execute();
      // A trace's spans are paged in start order without loading the whole trace.
      await db.schema
        .createIndex('spans_trace_start_idx')
        .on('spans')
        .columns(['trace_id', 'start_time_ns', 'span_id'])
        .execute();

      await db.schema
        .createTable('trace_usage')
        .addColumn('request_id', 'text', (col) => col.notNull())
        .addColumn('model', 'text', (col) => col.notNull())
        .addColumn('input_tokens', 'bigint', (col) => col.notNull())
        .addColumn('output_tokens', 'bigint', (col) => col.notNull())
        .addColumn('total_tokens', 'bigint', (col) => col.notNull())
        .addColumn('cost', 'double precision', (col) => col.notNull())
        .addColumn('span_count', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('trace_usage_pk', ['request_id', 'model'])
        .execute();

      await db.schema
        .createTable('assessments')
        .addColumn('assessment_id', 'text', (col) => col.primaryKey())
        .addColumn('trace_id', 'text', (col) => col.notNull())
        .addColumn('span_id', 'text')
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('assessment_type', 'text', (col) => col.notNull())
        .addColumn('value', 'text')
        .addColumn('body', 'text', (col) => col.notNull())
        .addColumn('valid', 'integer', (col) => col.notNull())
        .addColumn('create_time_ms', 'bigint', (col) => col.notNull())
        .addColumn('last_update_time_ms', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('assessments_trace_idx')
        .on('assessments')
        .columns(['trace_id', 'name'])
        .execute();

      await db.schema
        .createTable('trace_retention')
        .addColumn('experiment_id', 'bigint', (col) => col.primaryKey())
        .addColumn('retention_days', 'integer', (col) => col.notNull())
        .execute();
    },
  };
}
