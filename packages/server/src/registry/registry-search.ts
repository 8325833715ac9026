import type { ModelVersion, RegisteredModel } from '@cairn/spec';
import { type RawBuilder, sql } from 'kysely';
import { invalidParameter } from '../errors.js';
import {
  type Comparison,
  decodePageToken,
  encodePageToken,
  integerMatchSql,
  listTextComparators,
  numberMatch,
  ordered,
  parseFilter,
  parseOrderBy,
  searchEntityOf,
  type TextMatch,
  textComparators,
  textMatch,
  textMatchSql,
} from '../search/index.js';
import type { Storage, StorageDialect } from '../storage/index.js';
import type { ModelVersionsTable, RegisteredModelsTable } from '../storage/schema.js';
import { modelsWithDetails, versionsWithDetails } from './registry-loader.js';
import { deletedStage, promptMarkerTag } from './registry-validation.js';

type Sql = RawBuilder<unknown>;

/** A registry search request after its fields have been read. */
export interface RegistrySearchRequest {
  filter?: string;
  maxResults: number;
  orderBy: string[];
  pageToken?: string;
}

/** One page of results. */
export interface RegistryPage<T> {
  items: T[];
  nextPageToken?: string;
}

const modelColumns: Record<string, string> = {
  name: 'name',
  creation_timestamp: 'creation_time',
  last_updated_timestamp: 'last_updated_time',
  timestamp: 'last_updated_time',
};
const versionColumns: Record<string, string> = {
  name: 'name',
  version_number: 'version',
  creation_timestamp: 'creation_time',
  last_updated_timestamp: 'last_updated_time',
  timestamp: 'last_updated_time',
};

/**
 * `registered-models/search`: filters on `name` and `tags.<key>` (`= != LIKE ILIKE`), orders on
 * name and timestamps (name ASC breaks ties), pages by offset.
 */
export async function searchRegisteredModels(
  storage: Storage,
  request: RegistrySearchRequest,
): Promise<RegistryPage<RegisteredModel>> {
  const { dialect } = storage;
  const conditions = parseFilter(request.filter ?? '').map((comparison): Sql => {
    const entity = searchEntityOf(comparison.identifier, ['attribute', 'tag']);
    if (entity === 'tag') return tagCondition(dialect, 'registered_model_tags', comparison);
    if (comparison.identifier.key !== 'name')
      throw invalidAttribute(comparison.identifier.key, ['name']);
    return textMatchSql(dialect, sql`m.name`, textMatch(comparison, textComparators, 'name'));
  });
  const orderTerms = orderTermsFor(dialect, request.orderBy, modelColumns, 'm');
  if (!request.orderBy.some((text) => parseOrderBy(text).identifier.key === 'name'))
    orderTerms.push(sql`${ordered(dialect, sql`m.name`)} asc`);
  const offset = decodePageToken(request.pageToken);
  const rows = await sql<RegisteredModelsTable>`select m.* from registered_models as m
    ${whereClause(conditions)} order by ${sql.join(orderTerms)}
    limit ${request.maxResults + 1} offset ${offset}`.execute(storage.db);
  const page = rows.rows.slice(0, request.maxResults);
  return {
    items: await modelsWithDetails(storage.db, page),
    ...(rows.rows.length > request.maxResults && {
      nextPageToken: encodePageToken(offset + request.maxResults),
    }),
  };
}

/**
 * `model-versions/search`: filters on `name`, `version_number`, `run_id` (with IN),
 * `source_path` and `tags.<key>`; orders on name, version_number and timestamps
 * (name ASC, version DESC break ties). Deleted versions never match.
 */
export async function searchModelVersions(
  storage: Storage,
  request: RegistrySearchRequest,
): Promise<RegistryPage<ModelVersion>> {
  const { dialect } = storage;
  const conditions: Sql[] = [sql`v.current_stage <> ${deletedStage}`];
  for (const comparison of parseFilter(request.filter ?? '')) {
    const entity = searchEntityOf(comparison.identifier, ['attribute', 'tag']);
    if (entity === 'tag') {
      conditions.push(tagCondition(dialect, 'model_version_tags', comparison));
      continue;
    }
    const key = comparison.identifier.key;
    if (key === 'version_number')
      conditions.push(integerMatchSql(sql`v.version`, numberMatch(comparison, 'version_number')));
    else if (key === 'name' || key === 'run_id' || key === 'source_path') {
      const column = key === 'source_path' ? sql`v.source` : sql.ref(`v.${key}`);
      conditions.push(
        textMatchSql(dialect, column, textMatch(comparison, listTextComparators, key)),
      );
    } else throw invalidAttribute(key, ['name', 'version_number', 'run_id', 'source_path']);
  }
  const orderTerms = orderTermsFor(dialect, request.orderBy, versionColumns, 'v');
  const keys = request.orderBy.map((text) => parseOrderBy(text).identifier.key);
  if (!keys.includes('name')) orderTerms.push(sql`${ordered(dialect, sql`v.name`)} asc`);
  if (!keys.includes('version_number')) orderTerms.push(sql`v.version desc`);
  const offset = decodePageToken(request.pageToken);
  const rows = await sql<ModelVersionsTable>`select v.* from model_versions as v
    ${whereClause(conditions)} order by ${sql.join(orderTerms)}
    limit ${request.maxResults + 1} offset ${offset}`.execute(storage.db);
  const page = rows.rows.slice(0, request.maxResults);
  return {
    items: await versionsWithDetails(storage.db, page),
    ...(rows.rows.length > request.maxResults && {
      nextPageToken: encodePageToken(offset + request.maxResults),
    }),
  };
}

function tagCondition(
  dialect: StorageDialect,
  table: 'registered_model_tags' | 'model_version_tags',
  comparison: Comparison,
): Sql {
  const match: TextMatch = textMatch(comparison, textComparators, 'tag');
  const key = comparison.identifier.key;
  const join =
    table === 'registered_model_tags'
      ? sql`t.name = m.name`
      : sql`t.name = v.name and t.version = v.version`;
  // MLflow 3's client hides prompts with `tags.mlflow.prompt.is_prompt != 'true'`, which must
  // keep models that have no such tag at all.
  if (key === promptMarkerTag && match.comparator === '!=')
    return sql`not exists (select 1 from ${sql.table(table)} as t where ${join}
      and t.key = ${key} and t.value = ${match.value})`;
  return sql`exists (select 1 from ${sql.table(table)} as t where ${join}
    and t.key = ${key} and ${textMatchSql(dialect, sql`t.value`, match)})`;
}

function orderTermsFor(
  dialect: StorageDialect,
  orderBy: readonly string[],
  columns: Record<string, string>,
  alias: 'm' | 'v',
): Sql[] {
  return orderBy.map((text) => {
    const { identifier, ascending } = parseOrderBy(text);
    const column = identifier.prefix === undefined ? columns[identifier.key] : undefined;
    if (column === undefined)
      throw invalidParameter(
        `Invalid order_by clause '${text}'. Only ${Object.keys(columns).join(', ')} can be ordered on.`,
      );
    const reference = sql.ref(`${alias}.${column}`);
    const term = column === 'name' ? ordered(dialect, reference) : reference;
    return ascending ? sql`${term} asc` : sql`${term} desc`;
  });
}

function whereClause(conditions: Sql[]): Sql {
  return conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
}

function invalidAttribute(key: string, valid: string[]): Error {
  return invalidParameter(
    `Invalid attribute key '${key}' specified. Valid keys are [${valid.map((name) => `'${name}'`).join(', ')}]`,
  );
}
