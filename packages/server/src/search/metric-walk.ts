import { sql } from 'kysely';
import type { Storage } from '../storage/index.js';
import { realMatchSql } from './match-sql.js';
import type { NumberMatch } from './search-clause.js';

/**
 * Whether walking the `latest_metrics (key, value)` index in order beats reading every run of
 * the experiments and sorting them. SQLite's planner does not weigh an ORDER BY … LIMIT that an
 * index could satisfy, so we decide for it: the walk touches at most the matching metric points,
 * so it wins whenever those are no more than the runs (counted with a cap, so deciding costs
 * well under what either plan does).
 */
export async function metricWalkIsCheaper(
  storage: Storage,
  experimentIds: number[],
  key: string,
  match: NumberMatch,
): Promise<boolean> {
  const runs = await sql<{ count: number }>`select count(*) as count from runs
    where experiment_id in (${sql.join(experimentIds)})`.execute(storage.db);
  const runCount = Number(runs.rows[0]?.count ?? 0);
  const points = await sql<{ count: number }>`select count(*) as count from (
    select 1 from latest_metrics as p where p.key = ${key} and ${realMatchSql(sql`p.value`, match)}
    limit ${runCount + 1}) as capped`.execute(storage.db);
  return Number(points.rows[0]?.count ?? 0) <= runCount;
}
