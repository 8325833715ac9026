import { type RawBuilder, sql } from 'kysely';
import type { Storage, StorageDialect } from '../storage/index.js';
import { scoreSql } from './assessment-score-sql.js';

/** Count, sum and sum of squares of a sample: enough for its mean, variance and a t-test. */
export interface Moments {
  n: number;
  sum: number;
  sumSquares: number;
}

/** Outcomes of the traces in one group (e.g. one A/B variant), aggregated in SQL. */
export interface TraceOutcome {
  traces: number;
  /** Traces whose state is ERROR. */
  errors: number;
  /** Execution times (ms) of finished traces. */
  latency: Moments;
  latencyP50?: number;
  latencyP95?: number;
  /** Sum of the traces' cost roll-ups (USD). */
  cost: number;
  /** HUMAN feedback assessments readable as a score, and those scoring ≥ 0.5. */
  feedback: { n: number; positive: number };
  /** LLM_JUDGE and CODE feedback assessments with a numeric (or yes/no) value. */
  scores: Moments;
}

/** Which traces to aggregate: those tagged `filter.key = filter.value`, grouped by tag `groupKey`. */
export interface TraceOutcomeQuery {
  filter: { key: string; value: string };
  groupKey: string;
}

/**
 * Per-group outcomes of tagged traces: counts, error state, latency moments and exact p50/p95
 * (read by OFFSET over the ordered execution times, so no trace list is loaded), cost, and valid
 * feedback assessments split into human feedback and evaluation scores.
 */
export async function traceOutcomesByTag(
  storage: Storage,
  query: TraceOutcomeQuery,
): Promise<Map<string, TraceOutcome>> {
  const { db, dialect } = storage;
  const scope = sql`trace_tags f
    join trace_tags g on g.request_id = f.request_id and g.key = ${query.groupKey}
    join trace_info t on t.request_id = f.request_id
    where f.key = ${query.filter.key} and f.value = ${query.filter.value}`;
  const latency = sql`case when t.status <> 'IN_PROGRESS'
    then cast(t.execution_time_ms as double precision) end`;
  const traces = await sql<Record<string, string | number | null>>`
    select g.value as grp, count(*) as n,
      sum(case when t.status = 'ERROR' then 1 else 0 end) as errors,
      count(${latency}) as latency_n, sum(${latency}) as latency_sum,
      sum(${latency} * ${latency}) as latency_squares, sum(t.cost) as cost
    from ${scope} group by g.value`.execute(db);
  const assessedScope = sql`trace_tags f
    join trace_tags g on g.request_id = f.request_id and g.key = ${query.groupKey}
    join assessments a on a.trace_id = f.request_id
    where f.key = ${query.filter.key} and f.value = ${query.filter.value}
      and a.valid = 1 and a.assessment_type = 'feedback'`;
  const score = scoreSql(dialect, sql`a.value`);
  const source = sourceTypeSql(dialect, sql`a.body`);
  const assessed = await sql<Record<string, string | number | null>>`
    select grp,
      sum(case when human = 1 and s is not null then 1 else 0 end) as feedback_n,
      sum(case when human = 1 and s >= 0.5 then 1 else 0 end) as feedback_positive,
      sum(case when human = 0 and s is not null then 1 else 0 end) as score_n,
      sum(case when human = 0 then s end) as score_sum,
      sum(case when human = 0 then s * s end) as score_squares
    from (select g.value as grp, ${score} as s,
        case when ${source} = 'HUMAN' then 1 else 0 end as human
      from ${assessedScope}) scored
    group by grp`.execute(db);
  const outcomes = new Map<string, TraceOutcome>();
  for (const row of traces.rows) {
    const n = Number(row.latency_n ?? 0);
    outcomes.set(String(row.grp), {
      traces: Number(row.n),
      errors: Number(row.errors ?? 0),
      latency: {
        n,
        sum: Number(row.latency_sum ?? 0),
        sumSquares: Number(row.latency_squares ?? 0),
      },
      cost: Number(row.cost ?? 0),
      feedback: { n: 0, positive: 0 },
      scores: { n: 0, sum: 0, sumSquares: 0 },
    });
  }
  for (const row of assessed.rows) {
    const outcome = outcomes.get(String(row.grp));
    if (!outcome) continue;
    outcome.feedback = {
      n: Number(row.feedback_n ?? 0),
      positive: Number(row.feedback_positive ?? 0),
    };
    outcome.scores = {
      n: Number(row.score_n ?? 0),
      sum: Number(row.score_sum ?? 0),
      sumSquares: Number(row.score_squares ?? 0),
    };
  }
  for (const [group, outcome] of outcomes) {
    const ordered = (offset: number) =>
      sql<{ v: number | string }>`
      select ${latency} as v from ${scope} and g.value = ${group} and ${latency} is not null
      order by 1 limit 2 offset ${offset}`.execute(db);
    for (const p of [50, 95] as const) {
      if (outcome.latency.n === 0) break;
      const rank = (p / 100) * (outcome.latency.n - 1);
      const low = Math.floor(rank);
      const rows = (await ordered(low)).rows.map((row) => Number(row.v));
      const value = rows[0]! + ((rows[1] ?? rows[0]!) - rows[0]!) * (rank - low);
      if (p === 50) outcome.latencyP50 = value;
      else outcome.latencyP95 = value;
    }
  }
  return outcomes;
}

function sourceTypeSql(dialect: StorageDialect, body: RawBuilder<unknown>): RawBuilder<string> {
  return dialect === 'sqlite'
    ? sql`json_extract(${body}, '$.source.source_type')`
    : sql`(${body}::json -> 'source' ->> 'source_type')`;
}
