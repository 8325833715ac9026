import type { ModelStage, ModelVersion, RegisteredModel, Tag } from '@cairn/spec';
import { type Kysely, sql } from 'kysely';
import type { DatabaseSchema } from '../storage/index.js';
import type { ModelVersionsTable, RegisteredModelsTable } from '../storage/schema.js';
import { deletedStage } from './registry-validation.js';

type Db = Kysely<DatabaseSchema>;

/** One version by its key. */
export interface VersionKey {
  name: string;
  version: number;
}

/** A model version row as the wire shows it: unset fields left out, version as text. */
export function versionToJson(
  row: ModelVersionsTable,
  tags: Tag[] = [],
  aliases: string[] = [],
): ModelVersion {
  return {
    name: row.name,
    version: String(row.version),
    creation_timestamp: Number(row.creation_time),
    last_updated_timestamp: Number(row.last_updated_time),
    ...(row.user_id !== null && { user_id: row.user_id }),
    current_stage: row.current_stage as ModelStage,
    ...(row.description !== null && { description: row.description }),
    source: row.source,
    ...(row.run_id !== null && { run_id: row.run_id }),
    status: row.status as ModelVersion['status'],
    ...(row.status_message !== null && { status_message: row.status_message }),
    ...(tags.length > 0 && { tags }),
    ...(row.run_link !== null && { run_link: row.run_link }),
    ...(aliases.length > 0 && { aliases }),
  };
}

/** Attaches tags and aliases to version rows, in the rows' order, with two queries. */
export async function versionsWithDetails(
  db: Db,
  rows: readonly ModelVersionsTable[],
): Promise<ModelVersion[]> {
  if (rows.length === 0) return [];
  const byName = new Map<string, number[]>();
  for (const row of rows) {
    const versions = byName.get(row.name) ?? [];
    versions.push(Number(row.version));
    byName.set(row.name, versions);
  }
  // One `(name = ? and version in (...))` group per model keeps both queries on the primary keys.
  const keyFilter = sql<boolean>`(${sql.join(
    [...byName].map(
      ([name, versions]) => sql`(name = ${name} and version in (${sql.join(versions)}))`,
    ),
    sql` or `,
  )})`;
  const [tagRows, aliasRows] = await Promise.all([
    db
      .selectFrom('model_version_tags')
      .select(['name', 'version', 'key', 'value'])
      .where(keyFilter)
      .orderBy('key')
      .execute(),
    db
      .selectFrom('registered_model_aliases')
      .select(['name', 'version', 'alias'])
      .where(keyFilter)
      .orderBy('alias')
      .execute(),
  ]);
  const tags = groupBy(tagRows, (row) => ({ key: row.key, value: row.value }));
  const aliases = groupBy(aliasRows, (row) => row.alias);
  return rows.map((row) => {
    const key = `${row.name}\u0000${Number(row.version)}`;
    return versionToJson(row, tags.get(key), aliases.get(key));
  });
}

/** Versions by key, in the order given; unknown or deleted keys are skipped. */
export async function loadVersions(db: Db, keys: readonly VersionKey[]): Promise<ModelVersion[]> {
  if (keys.length === 0) return [];
  const rows = await db
    .selectFrom('model_versions')
    .selectAll()
    .where(
      sql<boolean>`(${sql.join(
        keys.map((key) => sql`(name = ${key.name} and version = ${key.version})`),
        sql` or `,
      )})`,
    )
    .where('current_stage', '<>', deletedStage)
    .execute();
  const index = new Map(rows.map((row) => [`${row.name}\u0000${Number(row.version)}`, row]));
  const ordered = keys
    .map((key) => index.get(`${key.name}\u0000${key.version}`))
    .filter((row): row is ModelVersionsTable => row !== undefined);
  return versionsWithDetails(db, ordered);
}

/**
 * Registered models with their tags, aliases and latest version per stage, in the order of
 * `rows`. Four queries whatever the page size.
 */
export async function modelsWithDetails(
  db: Db,
  rows: readonly RegisteredModelsTable[],
): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const names = rows.map((row) => row.name);
  const [tagRows, aliasRows, latestRows] = await Promise.all([
    db
      .selectFrom('registered_model_tags')
      .select(['name', 'key', 'value'])
      .where('name', 'in', names)
      .orderBy('key')
      .execute(),
    db
      .selectFrom('registered_model_aliases')
      .select(['name', 'alias', 'version'])
      .where('name', 'in', names)
      .orderBy('alias')
      .execute(),
    db
      .selectFrom('model_versions')
      .select(['name', 'current_stage', (eb) => eb.fn.max('version').as('version')])
      .where('name', 'in', names)
      .where('current_stage', '<>', deletedStage)
      .groupBy(['name', 'current_stage'])
      .execute(),
  ]);
  const latestKeys = latestRows
    .map((row) => ({ name: row.name, version: Number(row.version) }))
    .sort((a, b) => a.version - b.version);
  const latest = new Map<string, ModelVersion[]>();
  for (const version of await loadVersions(db, latestKeys)) {
    const list = latest.get(version.name) ?? [];
    list.push(version);
    latest.set(version.name, list);
  }
  const tags = new Map<string, Tag[]>();
  for (const row of tagRows) pushTo(tags, row.name, { key: row.key, value: row.value });
  const aliases = new Map<string, { alias: string; version: string }[]>();
  for (const row of aliasRows)
    pushTo(aliases, row.name, { alias: row.alias, version: String(row.version) });
  return rows.map((row) => {
    const modelTags = tags.get(row.name) ?? [];
    const modelAliases = aliases.get(row.name) ?? [];
    const latestVersions = latest.get(row.name) ?? [];
    return {
      name: row.name,
      creation_timestamp: Number(row.creation_time),
      last_updated_timestamp: Number(row.last_updated_time),
      ...(row.user_id !== null && { user_id: row.user_id }),
      ...(row.description !== null && { description: row.description }),
      ...(latestVersions.length > 0 && { latest_versions: latestVersions }),
      ...(modelTags.length > 0 && { tags: modelTags }),
      ...(modelAliases.length > 0 && { aliases: modelAliases }),
    };
  });
}

function groupBy<Row extends { name: string; version: number }, T>(
  rows: readonly Row[],
  pick: (row: Row) => T,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) pushTo(groups, `${row.name}\u0000${Number(row.version)}`, pick(row));
  return groups;
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
