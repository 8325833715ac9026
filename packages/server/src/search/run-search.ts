import type { ViewType } from '@cairn/spec';
import { type RawBuilder, sql } from 'kysely';
import type { Storage, StorageDialect } from '../storage/index.js';
import { integerMatchSql, realMatchSql, textMatchSql } from './match-sql.js';
import { metricWalkIsCheaper } from './metric-walk.js';
import { decodePageToken, encodePageToken } from './page-token.js';
import { parseRunFilter, type RunClause } from './run-filter.js';
import { parseRunOrderBy } from './run-order-by.js';
import { lifecycleStageOf, ordered } from './view-and-collation.js';

/** A `runs/search` request after its fields have been read and range-checked. */
export interface RunSearchRequest {
  experimentIds: string[];
  /** MLflow filter string, e.g. `metrics.m0 > 0.5 and params.p1 = 'x'`; empty means all. */
  filter?: string;
  runViewType: ViewType;
  maxResults: number;
  /** MLflow order_by clauses, e.g. `metrics.m0 DESC`, `attributes.start_time`. */
  orderBy: string[];
  pageToken?: string;
}

/** One page of matching run ids, in order. */
export interface RunSearchPage {
  runIds: string[];
  nextPageToken?: string;
}

type Sql = RawBuilder<unknown>;

/**
 * Finds the runs matching a search, in the requested order, then `start_time DESC, run_id`.
 * Runs lacking an ordered metric, param or tag come last either way (NaN metrics just before
 * them). Bad filters, order_by items and page tokens throw INVALID_PARAMETER_VALUE.
 */
export async function searchRunIds(
  storage: Storage,
  request: RunSearchRequest,
): Promise<RunSearchPage> {
  const clauses = parseRunFilter(request.filter);
  const orders = parseRunOrderBy(request.orderBy);
  const offset = decodePageToken(request.pageToken);
  // Ids are bigint: a non-numeric id names no experiment, and must not reach PostgreSQL as one.
  const experimentIds = request.experimentIds.filter((id) => /^\d{1,15}$/.test(id)).map(Number);
  if (experimentIds.length === 0) return { runIds: [] };

  const { dialect } = storage;
  const joins: Sql[] = [];
  const orderTerms: Sql[] = [];
  const conditions: Sql[] = [sql`r.experiment_id in (${sql.join(experimentIds)})`];
  const stage = lifecycleStageOf(request.runViewType);
  if (stage) conditions.push(sql`r.lifecycle_stage = ${stage}`);

  const absorbed = new Set<RunClause>();
  let from = sql`runs as r`;
  for (const [index, order] of orders.entries()) {
    const alias = sql.id(`o${index}`);
    if (order.type === 'attribute') {
      const column = sql.ref(`r.${order.column}`);
      if (order.column === 'end_time') orderTerms.push(sql`${column} is null`);
      orderTerms.push(direction(order.numeric ? column : ordered(dialect, column), order));
      continue;
    }
    const table = sql.table(tableOf(order.type));
    const on = sql`${alias}.run_uuid = r.run_uuid and ${alias}.key = ${order.key}`;
    // A filter that already requires this metric to be a number lets the ordering use an inner
    // join with the filter inside it: no NULL or NaN rows remain, so the database can walk the
    // (key, value) index in order and stop after one page.
    const required = order.type === 'metric' ? requiringClause(clauses, order.key) : undefined;
    if (required?.type === 'metric') {
      absorbed.add(required);
      const test = sql`${on} and ${alias}.is_nan = 0 and ${realMatchSql(sql`${alias}.value`, required.match)}`;
      const walk =
        index === 0 &&
        dialect === 'sqlite' &&
        (await metricWalkIsCheaper(storage, experimentIds, order.key, required.match));
      if (walk) {
        // CROSS JOIN is SQLite's way to fix the join order: metric points first, in index order.
        from = sql`${table} as ${alias} cross join runs as r`;
        conditions.push(test);
      } else joins.push(sql`join ${table} as ${alias} on ${test}`);
      orderTerms.push(direction(sql`${alias}.value`, order));
      continue;
    }
    joins.push(sql`left join ${table} as ${alias} on ${on}`);
    orderTerms.push(
      order.type === 'metric'
        ? sql`case when ${alias}.run_uuid is null then 2 when ${alias}.is_nan = 1 then 1 else 0 end`
        : sql`case when ${alias}.run_uuid is null then 1 else 0 end`,
    );
    orderTerms.push(
      direction(
        order.type === 'metric' ? sql`${alias}.value` : ordered(dialect, sql`${alias}.value`),
        order,
      ),
    );
  }
  if (!orders.some((order) => order.type === 'attribute' && order.column === 'start_time'))
    orderTerms.push(sql`r.start_time desc`);
  orderTerms.push(ordered(dialect, sql`r.run_uuid`));

  for (const clause of clauses)
    if (!absorbed.has(clause)) conditions.push(clauseSql(dialect, clause));

  const rows = await sql<{
    run_uuid: string;
  }>`select r.run_uuid from ${from} ${sql.join(joins, sql` `)}
    where ${sql.join(conditions, sql` and `)}
    order by ${sql.join(orderTerms)}
    limit ${request.maxResults + 1} offset ${offset}`.execute(storage.db);
  const runIds = rows.rows.map((row) => row.run_uuid);
  if (runIds.length <= request.maxResults) return { runIds };
  return {
    runIds: runIds.slice(0, request.maxResults),
    nextPageToken: encodePageToken(offset + request.maxResults),
  };
}

function direction(term: Sql, order: { ascending: boolean }): Sql {
  return order.ascending ? sql`${term} asc` : sql`${term} desc`;
}

function tableOf(type: 'metric' | 'param' | 'tag'): 'latest_metrics' | 'params' | 'tags' {
  return type === 'metric' ? 'latest_metrics' : type === 'param' ? 'params' : 'tags';
}

/** A metric clause on `key` that only numbers can satisfy (anything but `!=`, which NaN meets). */
function requiringClause(clauses: RunClause[], key: string): RunClause | undefined {
  return clauses.find(
    (clause) => clause.type === 'metric' && clause.key === key && clause.match.comparator !== '!=',
  );
}

function clauseSql(dialect: StorageDialect, clause: RunClause): Sql {
  switch (clause.type) {
    case 'metric': {
      const value = realMatchSql(sql`m.value`, clause.match);
      // NaN compares unequal to everything: it satisfies `!=` and nothing else.
      const test =
        clause.match.comparator === '!='
          ? sql`(m.is_nan = 1 or ${value})`
          : sql`m.is_nan = 0 and ${value}`;
      return sql`exists (select 1 from latest_metrics as m where m.run_uuid = r.run_uuid and m.key = ${clause.key} and ${test})`;
    }
    case 'param':
    case 'tag': {
      const table = sql.table(tableOf(clause.type));
      return sql`exists (select 1 from ${table} as kv where kv.run_uuid = r.run_uuid and kv.key = ${clause.key} and ${textMatchSql(dialect, sql`kv.value`, clause.match)})`;
    }
    case 'text-attribute':
      return textMatchSql(dialect, sql.ref(`r.${clause.column}`), clause.match);
    case 'number-attribute':
      return integerMatchSql(sql.ref(`r.${clause.column}`), clause.match);
    case 'dataset': {
      const link = sql`i.destination_type = 'RUN' and i.destination_id = r.run_uuid and i.source_type = 'DATASET'`;
      if (clause.field === 'context')
        return sql`exists (select 1 from inputs as i join input_tags as it on it.input_uuid = i.input_uuid
          where ${link} and it.name = 'mlflow.data.context' and ${textMatchSql(dialect, sql`it.value`, clause.match)})`;
      return sql`exists (select 1 from inputs as i join datasets as d on d.dataset_uuid = i.source_id
        where ${link} and ${textMatchSql(dialect, sql.ref(`d.${clause.field}`), clause.match)})`;
    }
  }
}
