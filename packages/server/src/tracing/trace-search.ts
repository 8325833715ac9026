import { type RawBuilder, sql } from 'kysely';
import { invalidParameter } from '../errors.js';
import type { Storage, StorageDialect } from '../storage/index.js';
import { decodeOffsetToken, encodeOffsetToken } from './page-token.js';
import {
  type Comparator,
  parsePromptVersion,
  parseTraceFilter,
  type TraceClause,
} from './trace-filter.js';

/** A search over traces, as the v2 and v3 search RPCs and Cairn's own API ask for it. */
export interface TraceSearchRequest {
  experimentIds: number[];
  filter?: string;
  orderBy?: string[];
  maxResults: number;
  pageToken?: string;
}

/** One page of matching trace ids, in order, and the token of the next page if there is one. */
export interface TraceSearchPage {
  requestIds: string[];
  nextPageToken?: string;
}

const orderColumns: Record<string, string> = {
  timestamp_ms: 'timestamp_ms',
  timestamp: 'timestamp_ms',
  request_time: 'timestamp_ms',
  execution_time_ms: 'execution_time_ms',
  execution_time: 'execution_time_ms',
  status: 'status',
  state: 'status',
  request_id: 'request_id',
  trace_id: 'request_id',
  name: 'name',
  input_tokens: 'input_tokens',
  output_tokens: 'output_tokens',
  total_tokens: 'total_tokens',
  cost: 'cost',
  span_count: 'span_count',
};

/** Finds the ids of the traces matching `request`, compiled to one parameterised query. */
export async function searchTraceIds(
  storage: Storage,
  request: TraceSearchRequest,
): Promise<TraceSearchPage> {
  if (request.experimentIds.length === 0) return { requestIds: [] };
  const clauses = parseTraceFilter(request.filter);
  const offset = decodeOffsetToken(request.pageToken);
  // SQLite has no statistics to see that a tag or metadata equality is selective; the unary `+`
  // keeps it from scanning the experiment's time index, so it drives from the (key, value) index.
  const selective =
    storage.dialect === 'sqlite' &&
    clauses.some(
      (clause) =>
        (clause.field.kind === 'tag' || clause.field.kind === 'metadata') &&
        (clause.comparator === '=' || clause.comparator === 'IN'),
    );
  const conditions = [
    selective
      ? sql`+t.experiment_id in (${sql.join(request.experimentIds)})`
      : sql`t.experiment_id in (${sql.join(request.experimentIds)})`,
    ...clauses.map((clause) => traceClauseSql(clause, storage.dialect, selective)),
  ];
  const rows = await sql<{ request_id: string }>`select t.request_id from trace_info t
    where ${sql.join(conditions, sql` and `)}
    order by ${orderBySql(request.orderBy ?? [])}
    limit ${request.maxResults + 1} offset ${offset}`.execute(storage.db);
  const ids = rows.rows.map((row) => row.request_id);
  const more = ids.length > request.maxResults;
  return {
    requestIds: more ? ids.slice(0, request.maxResults) : ids,
    nextPageToken: more ? encodeOffsetToken(offset + request.maxResults) : undefined,
  };
}

function orderBySql(orderBy: readonly string[]): RawBuilder<unknown> {
  const items: RawBuilder<unknown>[] = [];
  let hasId = false;
  for (const entry of orderBy) {
    const match =
      /^\s*(?:(?:trace|attribute|attributes)\.)?`?([A-Za-z_]+)`?\s*(ASC|DESC)?\s*$/i.exec(entry);
    const column = match ? orderColumns[match[1]!.toLowerCase()] : undefined;
    if (!match || !column) throw invalidParameter(`Invalid order_by clause '${entry}'.`);
    const direction = (match[2] ?? 'ASC').toUpperCase() === 'DESC' ? sql`desc` : sql`asc`;
    // NULLs last either way, as MLflow orders them.
    items.push(sql`(t.${sql.ref(column)} is null), t.${sql.ref(column)} ${direction}`);
    if (column === 'request_id') hasId = true;
  }
  if (items.length === 0) items.push(sql`t.timestamp_ms desc`);
  if (!hasId) items.push(sql`t.request_id asc`);
  return sql.join(items);
}

/** One filter clause as SQL over a `trace_info` row aliased `t`, per backend, parameterised. */
export function traceClauseSql(
  clause: TraceClause,
  dialect: StorageDialect,
  unindexed = false,
): RawBuilder<unknown> {
  const { field, comparator, value } = clause;
  switch (field.kind) {
    case 'attribute': {
      if (field.name === 'run_id') {
        return sql`t.request_id in (select request_id from trace_request_metadata
          where key = 'mlflow.sourceRun' and ${compare(sql`value`, comparator, value, dialect)})`;
      }
      const column =
        field.name === 'end_time_ms'
          ? sql`(t.timestamp_ms + coalesce(t.execution_time_ms, 0))`
          : unindexed
            ? sql`+t.${sql.ref(field.name)}`
            : sql`t.${sql.ref(field.name)}`;
      return compare(column, comparator, value, dialect);
    }
    case 'tag':
    case 'metadata': {
      const table = field.kind === 'tag' ? 'trace_tags' : 'trace_request_metadata';
      // Driving from the (key, value) index keeps selective filters fast over many traces.
      return sql`t.request_id in (select request_id from ${sql.table(table)}
        where key = ${field.key} and ${compare(sql`value`, comparator, value, dialect)})`;
    }
    case 'feedback':
    case 'expectation':
      return sql`t.request_id in (select trace_id from assessments
        where assessment_type = ${field.kind} and name = ${field.key} and valid = 1
          and ${compare(sql`value`, comparator, value, dialect)})`;
    case 'assessment':
      return sql`t.request_id in (select a.trace_id from assessments a
        where a.valid = 1 and ${assessmentClauseSql(clause, dialect, 'a')})`;
    case 'span':
    case 'spanAttribute':
      return sql`exists (select 1 from spans s where s.trace_id = t.request_id
        and ${spanClauseSql(clause, dialect, 's')})`;
    case 'prompt':
      return linkedPromptSql(String(value), dialect);
    case 'text': {
      const pattern = String(value);
      return sql`(${compare(sql`t.request_preview`, comparator, pattern, dialect)}
        or ${compare(sql`t.response_preview`, comparator, pattern, dialect)}
        or exists (select 1 from spans s where s.trace_id = t.request_id
          and (${compare(sql`s.inputs`, comparator, pattern, dialect)}
            or ${compare(sql`s.outputs`, comparator, pattern, dialect)})))`;
    }
  }
}

/** A `span.*` clause as SQL over one `spans` row aliased `alias` (not over its trace). */
export function spanClauseSql(
  clause: TraceClause,
  dialect: StorageDialect,
  alias: string,
): RawBuilder<unknown> {
  const { field, comparator, value } = clause;
  if (field.kind === 'span') {
    const column = { name: 'name', type: 'span_type', model: 'model', status: 'status' }[
      field.name
    ];
    return compare(sql.ref(`${alias}.${column}`), comparator, value, dialect);
  }
  if (field.kind !== 'spanAttribute') throw new Error(`not a span clause: ${field.kind}`);
  const attributes = sql.ref(`${alias}.attributes`);
  const extracted =
    dialect === 'sqlite'
      ? sql`cast(json_extract(${attributes}, ${`$."${field.key.replace(/["\\]/g, '\\$&')}"`}) as text)`
      : sql`(${attributes}::json ->> ${field.key})`;
  return compare(extracted, comparator, value, dialect);
}

/** An `assessment.name|type` clause as SQL over one `assessments` row aliased `alias`. */
export function assessmentClauseSql(
  clause: TraceClause,
  dialect: StorageDialect,
  alias: string,
): RawBuilder<unknown> {
  const { field, comparator, value } = clause;
  if (field.kind !== 'assessment') throw new Error(`not an assessment clause: ${field.kind}`);
  const column = field.name === 'name' ? 'name' : 'assessment_type';
  return compare(sql.ref(`${alias}.${column}`), comparator, value, dialect);
}

/** The trace tag holding the prompt versions a trace used, JSON `[{"name", "version"}]`. */
const linkedPromptsTag = 'mlflow.linkedPrompts';

// A JSON array of flat objects (string, number, boolean or null members): every text this
// matches casts to jsonb, so a hand-set malformed tag is skipped instead of failing the query.
// PostgreSQL before 16 has no non-throwing JSON validity test; SQLite uses json_valid.
const jsonString = String.raw`"(?:[^"\\[:cntrl:]]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"`;
const jsonNumber = String.raw`-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?`;
const jsonMember = String.raw`\s*${jsonString}\s*:\s*(?:${jsonString}|${jsonNumber}|true|false|null)\s*`;
const jsonObject = String.raw`\{(?:${jsonMember}(?:,${jsonMember})*|\s*)\}`;
const flatObjectArray = String.raw`^\s*\[(?:\s*${jsonObject}\s*(?:,\s*${jsonObject}\s*)*|\s*)\]\s*$`;

/**
 * Traces whose `mlflow.linkedPrompts` tag lists the prompt version `name/version` (MLflow's
 * `prompt = "name/version"` filter). The version matches whether it was written as "3" or 3.
 */
function linkedPromptSql(value: string, dialect: StorageDialect): RawBuilder<unknown> {
  const { name, version } = parsePromptVersion(value)!;
  if (dialect === 'sqlite') {
    // CASE is evaluated lazily, so json_type and json_extract only ever see valid JSON.
    return sql`t.request_id in (select g.request_id from trace_tags g, json_each(coalesce(
        case when json_valid(g.value) then case when json_type(g.value) = 'array' then g.value end end,
        '[]')) e
      where g.key = ${linkedPromptsTag}
        and case when e.type = 'object' then json_extract(e.value, '$.name') end = ${name}
        and case when e.type = 'object' then cast(json_extract(e.value, '$.version') as text) end
          = ${version})`;
  }
  return sql`t.request_id in (select g.request_id from trace_tags g
      cross join lateral jsonb_array_elements(
        case when g.value ~ ${flatObjectArray} then g.value::jsonb else '[]'::jsonb end) e
    where g.key = ${linkedPromptsTag} and e ->> 'name' = ${name} and e ->> 'version' = ${version})`;
}

function compare(
  column: RawBuilder<unknown>,
  comparator: Comparator,
  value: TraceClause['value'],
  dialect: StorageDialect,
): RawBuilder<unknown> {
  switch (comparator) {
    case 'IN':
    case 'NOT IN': {
      const values = value as string[];
      const list = sql.join(values.map((item) => sql`${item}`));
      return comparator === 'IN' ? sql`${column} in (${list})` : sql`${column} not in (${list})`;
    }
    case 'LIKE':
      return dialect === 'sqlite'
        ? sql`${column} glob ${globPattern(String(value))}`
        : sql`${column} like ${String(value)}`;
    case 'ILIKE':
      return dialect === 'sqlite'
        ? sql`lower(${column}) like lower(${String(value)})`
        : sql`${column} ilike ${String(value)}`;
    case 'RLIKE': {
      try {
        new RegExp(String(value));
      } catch {
        throw invalidParameter(`Invalid regular expression '${String(value)}' for RLIKE.`);
      }
      return dialect === 'sqlite'
        ? sql`cairn_regexp(${String(value)}, ${column})`
        : sql`${column} ~ ${String(value)}`;
    }
    default:
      return sql`${column} ${sql.raw(comparator)} ${value}`;
  }
}

/** A LIKE pattern as an SQLite GLOB, which is case-sensitive as MLflow's LIKE is. */
export function globPattern(pattern: string): string {
  let glob = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === '\\' && index + 1 < pattern.length) {
      const next = pattern[++index]!;
      glob += /[*?[]/.test(next) ? `[${next}]` : next;
    } else if (char === '%') glob += '*';
    else if (char === '_') glob += '?';
    else glob += /[*?[]/.test(char) ? `[${char}]` : char;
  }
  return glob;
}
