import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { invalidParameter, resourceDoesNotExist } from '../errors.js';
import type { DatabaseSchema } from '../storage/index.js';
import type { ModelVersionsTable, RegisteredModelsTable } from '../storage/schema.js';
import { deletedStage, promptMarkerTag } from './registry-validation.js';

type Db = Kysely<DatabaseSchema>;

/** MLflow's 404 for an unknown registered model. */
export function modelNotFound(name: string): Error {
  return resourceDoesNotExist(`Registered Model with name=${name} not found`);
}

/** MLflow's 404 for an unknown (or deleted) model version. */
export function versionNotFound(name: string, version: number | string): Error {
  return resourceDoesNotExist(`Model Version (name=${name}, version=${version}) not found`);
}

/** MLflow 2.17's answer for a missing alias: 400, not 404 (observed on its own server). */
export function aliasNotFound(alias: string): Error {
  return invalidParameter(`Registered model alias ${alias} not found.`);
}

/**
 * The registered model row; 404 when absent. `lock` takes a row lock on PostgreSQL so that
 * version numbers are handed out one at a time even across server replicas.
 */
export async function requireModel(
  db: Db,
  name: string,
  options: { lock?: boolean; dialect?: 'sqlite' | 'postgres' } = {},
): Promise<RegisteredModelsTable> {
  let query = db.selectFrom('registered_models').selectAll().where('name', '=', name);
  if (options.lock && options.dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw modelNotFound(name);
  return row;
}

/** A live version row; 404 when absent or deleted. */
export async function requireVersion(
  db: Db,
  name: string,
  version: number,
): Promise<ModelVersionsTable> {
  const row = await db
    .selectFrom('model_versions')
    .selectAll()
    .where('name', '=', name)
    .where('version', '=', version)
    .where('current_stage', '<>', deletedStage)
    .executeTakeFirst();
  if (!row) throw versionNotFound(name, version);
  return row;
}

/** Whether a registered model is a prompt (tagged `mlflow.prompt.is_prompt=true`). */
export async function isPromptModel(db: Db, name: string): Promise<boolean> {
  const tag = await db
    .selectFrom('registered_model_tags')
    .select('value')
    .where('name', '=', name)
    .where('key', '=', promptMarkerTag)
    .executeTakeFirst();
  return tag?.value.toLowerCase() === 'true';
}

/** Stamps a registered model's last update. */
export async function touchModel(db: Db, name: string, now: number): Promise<void> {
  await db
    .updateTable('registered_models')
    .set({ last_updated_time: now })
    .where('name', '=', name)
    .execute();
}

/** One line of a version's history (stage transitions, alias moves, creation). */
export interface HistoryEntry {
  name: string;
  version: number;
  kind: 'created' | 'stage' | 'alias_set' | 'alias_deleted';
  from?: string;
  to?: string;
  userId?: string;
}

/** Appends to the registry history table. */
export async function recordHistory(db: Db, entry: HistoryEntry, now: number): Promise<void> {
  await db
    .insertInto('registry_history')
    .values({
      history_id: randomUUID(),
      name: entry.name,
      version: entry.version,
      kind: entry.kind,
      from_value: entry.from ?? null,
      to_value: entry.to ?? null,
      user_id: entry.userId ?? null,
      timestamp: now,
    })
    .execute();
}

/** True when `error` is a unique-constraint violation on SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}
