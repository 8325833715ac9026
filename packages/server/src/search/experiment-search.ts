import type { ViewType } from '@cairn/spec';
import { type RawBuilder, sql } from 'kysely';
import type { Storage, StorageDialect } from '../storage/index.js';
import {
  type ExperimentClause,
  type ExperimentOrder,
  parseExperimentFilter,
  parseExperimentOrderBy,
} from './experiment-filter.js';
import { integerMatchSql, textMatchSql } from './match-sql.js';
import { decodePageToken, encodePageToken } from './page-token.js';
import { lifecycleStageOf, ordered } from './view-and-collation.js';

/** An `experiments/search` request after its fields have been read and range-checked. */
export interface ExperimentSearchRequest {
  filter?: string;
  viewType: ViewType;
  maxResults: number;
  orderBy: string[];
  pageToken?: string;
}

/** One page of matching experiment ids, in order. */
export interface ExperimentSearchPage {
  experimentIds: number[];
  nextPageToken?: string;
}

type Sql = RawBuilder<unknown>;

// MLflow's default order; an explicit order gets `experiment_id DESC` as its tie-breaker.
const defaultOrder: ExperimentOrder[] = [
  { column: 'creation_time', ascending: false },
  { column: 'experiment_id', ascending: true },
];

/**
 * Finds the experiments matching a search, newest first unless order_by says otherwise.
 * Bad filters, order_by items and page tokens throw INVALID_PARAMETER_VALUE.
 */
export async function searchExperimentIds(
  storage: Storage,
  request: ExperimentSearchRequest,
): Promise<ExperimentSearchPage> {
  const clauses = parseExperimentFilter(request.filter);
  const orders =
    request.orderBy.length > 0 ? parseExperimentOrderBy(request.orderBy) : defaultOrder;
  const offset = decodePageToken(request.pageToken);
  const { dialect } = storage;

  const conditions: Sql[] = clauses.map((clause) => clauseSql(dialect, clause));
  const stage = lifecycleStageOf(request.viewType);
  if (stage) conditions.push(sql`e.lifecycle_stage = ${stage}`);
  const orderTerms = orders.map((order) => {
    const column = sql.ref(`e.${order.column}`);
    const term = order.column === 'name' ? ordered(dialect, column) : column;
    return order.ascending ? sql`${term} asc` : sql`${term} desc`;
  });
  if (!orders.some((order) => order.column === 'experiment_id'))
    orderTerms.push(sql`e.experiment_id desc`);

  const where = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  const rows = await sql<{
    experiment_id: number | string;
  }>`select e.experiment_id from experiments as e ${where}
    order by ${sql.join(orderTerms)} limit ${request.maxResults + 1} offset ${offset}`.execute(
    storage.db,
  );
  const experimentIds = rows.rows.map((row) => Number(row.experiment_id));
  if (experimentIds.length <= request.maxResults) return { experimentIds };
  return {
    experimentIds: experimentIds.slice(0, request.maxResults),
    nextPageToken: encodePageToken(offset + request.maxResults),
  };
}

function clauseSql(dialect: StorageDialect, clause: ExperimentClause): Sql {
  switch (clause.type) {
    case 'tag':
      return sql`exists (select 1 from experiment_tags as t where t.experiment_id = e.experiment_id
        and t.key = ${clause.key} and ${textMatchSql(dialect, sql`t.value`, clause.match)})`;
    case 'text-attribute':
      return textMatchSql(dialect, sql.ref(`e.${clause.column}`), clause.match);
    case 'number-attribute':
      return integerMatchSql(sql.ref(`e.${clause.column}`), clause.match);
  }
}
