import type { Kysely, Migration } from 'kysely';
import type { StorageDialect } from '../storage-dialect.js';

/**
 * Indexes for dashboards filtered by experiment (packages/server/src/dashboards). 006's
 * covering trace index lacked `experiment_id`, so an experiment filter read every trace row in
 * range (or, through 004's (experiment_id, timestamp_ms) index, every row of the experiment);
 * it is replaced by the same index with `experiment_id` second, which a range scan checks in
 * the index itself. Filters on spans and assessments probe a list of the experiment's trace ids:
 * (experiment_id, request_id) builds that list from the index alone, where 004's index pays a
 * trace row read per id. Trace-level writes pay one more index entry; span writes nothing.
 */
export function dashboardScopeMigration(_dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('trace_info_scope_idx')
        .on('trace_info')
        .columns([
          'timestamp_ms',
          'experiment_id',
          'status',
          'execution_time_ms',
          'cost',
          'input_tokens',
          'output_tokens',
          'total_tokens',
          'request_id',
          'root_span_id',
        ])
        .execute();
      await db.schema.dropIndex('trace_info_time_idx').execute();
      await db.schema
        .createIndex('trace_info_experiment_trace_idx')
        .on('trace_info')
        .columns(['experiment_id', 'request_id'])
        .execute();
    },
  };
}
