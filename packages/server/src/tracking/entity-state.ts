import type { Kysely, Selectable } from 'kysely';
import { invalidParameter, resourceDoesNotExist } from '../errors.js';
import type { DatabaseSchema } from '../storage/index.js';

type Database = Kysely<DatabaseSchema>;

/** The error MLflow answers for an unknown run id. */
export function runNotFound(runId: string): Error {
  return resourceDoesNotExist(`Run with id=${runId} not found`);
}

/** The error MLflow answers for an unknown experiment id. */
export function experimentNotFound(experimentId: string | number): Error {
  return resourceDoesNotExist(`No Experiment with id=${experimentId} exists`);
}

/** The error MLflow answers for a write to a run or experiment in the wrong lifecycle stage. */
export function wrongStage(
  entity: 'run' | 'experiment',
  id: string | number,
  expected: string,
  actual: string,
): Error {
  return invalidParameter(
    `The ${entity} ${id} must be in the '${expected}' state. Current state is ${actual}.`,
  );
}

/** Experiment ids are integers in the database; anything else names no experiment. */
export function parseExperimentId(experimentId: string): number | undefined {
  if (!/^\d{1,15}$/.test(experimentId)) return undefined;
  return Number(experimentId);
}

/** Loads a run's row or fails with 404. */
export async function requireRun(
  db: Database,
  runId: string,
): Promise<Selectable<DatabaseSchema['runs']>> {
  const run = await db
    .selectFrom('runs')
    .selectAll()
    .where('run_uuid', '=', runId)
    .executeTakeFirst();
  if (!run) throw runNotFound(runId);
  return run;
}

/** Loads a run's row, failing unless it exists and is active (MLflow's `_check_run_is_active`). */
export async function requireActiveRun(
  db: Database,
  runId: string,
): Promise<Selectable<DatabaseSchema['runs']>> {
  const run = await requireRun(db, runId);
  if (run.lifecycle_stage !== 'active') {
    throw wrongStage('run', runId, 'active', run.lifecycle_stage);
  }
  return run;
}

/** Loads an experiment's row or fails with 404. */
export async function requireExperiment(
  db: Database,
  experimentId: string,
): Promise<Selectable<DatabaseSchema['experiments']>> {
  const id = parseExperimentId(experimentId);
  const experiment =
    id === undefined
      ? undefined
      : await db
          .selectFrom('experiments')
          .selectAll()
          .where('experiment_id', '=', id)
          .executeTakeFirst();
  if (!experiment) throw experimentNotFound(experimentId);
  return experiment;
}

/** Loads an experiment's row, failing unless it exists and is active. */
export async function requireActiveExperiment(
  db: Database,
  experimentId: string,
): Promise<Selectable<DatabaseSchema['experiments']>> {
  const experiment = await requireExperiment(db, experimentId);
  if (experiment.lifecycle_stage !== 'active') {
    throw wrongStage('experiment', experimentId, 'active', experiment.lifecycle_stage);
  }
  return experiment;
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
