import { type Kysely, type Migration, sql } from 'kysely';
import type { StorageDialect } from '../storage-dialect.js';

/**
 * Indexes for the dashboard aggregations (packages/server/src/dashboards), which scan a time
 * range of traces, spans, assessments or runs. The trace index covers every column the trace
 * aggregations read, so a range of traces is read from the index alone, never the wide rows with
 * their previews. Span indexes are partial (TOOL spans; LLM spans with a time to first token)
 * so ingestion of other spans pays nothing for them.
 */
export function dashboardsMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('trace_info_time_idx')
        .on('trace_info')
        .columns([
          'timestamp_ms',
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
      await db.schema
        .createIndex('trace_usage_model_idx')
        .on('trace_usage')
        .columns(['model', 'request_id'])
        .execute();
      await db.schema
        .createIndex('spans_tool_start_idx')
        .on('spans')
        // Name first: grouping by tool name reads the index in order instead of sorting.
        .columns(['name', 'start_time_ns', 'status', 'end_time_ns', 'trace_id'])
        .where(sql.ref('span_type'), '=', 'TOOL')
        .execute();
      if (dialect === 'sqlite') {
        // The expression must match dashboards/json-sql.ts's ttftSourceSql word for word.
        const ttft = `json_extract(attributes, '$."cairn.llm.timeToFirstTokenMs"')`;
        await sql
          .raw(
            `create index spans_ttft_idx on spans (start_time_ns, ${ttft}, trace_id)
             where span_type in ('CHAT_MODEL', 'LLM') and ${ttft} is not null`,
          )
          .execute(db);
      } else {
        await sql`create index spans_llm_start_idx on spans (start_time_ns, trace_id)
          where span_type in ('CHAT_MODEL', 'LLM')`.execute(db);
      }
      // A trace's user, session and route as an index-only read (usage names it: SQLite's planner
      // would otherwise pick the primary key and read each row for its value).
      await db.schema
        .createIndex('trace_request_metadata_covering_idx')
        .on('trace_request_metadata')
        .columns(['request_id', 'key', 'value'])
        .execute();
      await db.schema
        .createIndex('assessments_time_idx')
        .on('assessments')
        .columns(['create_time_ms', 'assessment_type'])
        .execute();
      await db.schema.createIndex('runs_start_idx').on('runs').columns(['start_time']).execute();
    },
  };
}
