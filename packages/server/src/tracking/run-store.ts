import { randomUUID } from 'node:crypto';
import type { Run, RunInfo, RunStatus, Tag } from '@cairn/spec';
import type { Kysely } from 'kysely';
import { invalidParameter, resourceDoesNotExist } from '../errors.js';
import type { DatabaseSchema, Storage } from '../storage/index.js';
import {
  requireActiveExperiment,
  requireActiveRun,
  requireRun,
  runNotFound,
  wrongStage,
} from './entity-state.js';
import { lastValuePerKey } from './experiment-store.js';
import { loadRuns } from './run-loader.js';
import { runInfoToJson } from './wire-format.js';

/** The tag MLflow mirrors a run's name into. */
export const runNameTag = 'mlflow.runName';

/** What `runs/create` stores, after the name rules have been applied. */
export interface NewRun {
  experimentId: string;
  userId: string;
  runName: string;
  startTime: number;
  tags: Tag[];
}

/** The fields `runs/update` may change; absent ones stay as they are. */
export interface RunUpdate {
  status?: RunStatus;
  endTime?: number;
  runName?: string;
}

/** Runs, their lifecycle, tags and params. Every write is one group-committed transaction. */
export class RunStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /** Creates a RUNNING run in an active experiment; artifacts go under the experiment's location. */
  async create(run: NewRun): Promise<Run> {
    const runId = randomUUID().replaceAll('-', '');
    const row = await this.storage.writes.run(async (trx) => {
      const experiment = await requireActiveExperiment(trx, run.experimentId);
      const values = {
        run_uuid: runId,
        name: run.runName,
        experiment_id: experiment.experiment_id,
        user_id: run.userId,
        status: 'RUNNING',
        start_time: run.startTime,
        end_time: null,
        lifecycle_stage: 'active',
        artifact_uri: `${experiment.artifact_location.replace(/\/+$/, '')}/${runId}/artifacts`,
        deleted_time: null,
      };
      await trx.insertInto('runs').values(values).execute();
      const tags = lastValuePerKey(run.tags);
      if (tags.length > 0) {
        await trx
          .insertInto('tags')
          .values(tags.map((tag) => ({ run_uuid: runId, ...tag })))
          .execute();
      }
      return values;
    });
    const tags = lastValuePerKey(run.tags).sort((a, b) => (a.key < b.key ? -1 : 1));
    return { info: runInfoToJson(row), data: tags.length > 0 ? { tags } : {}, inputs: {} };
  }

  /** A whole run, deleted ones included; 404 when unknown. */
  async get(runId: string): Promise<Run> {
    const [run] = await loadRuns(this.storage.db, [runId]);
    if (!run) throw runNotFound(runId);
    return run;
  }

  /** Whole runs in the order of `runIds` (used by search); unknown ids are skipped. */
  loadMany(runIds: readonly string[]): Promise<Run[]> {
    return loadRuns(this.storage.db, runIds);
  }

  /** Changes only the given fields of an active run; a new name also rewrites `mlflow.runName`. */
  async update(runId: string, update: RunUpdate): Promise<RunInfo> {
    const row = await this.storage.writes.run(async (trx) => {
      const run = await requireActiveRun(trx, runId);
      const changes = {
        ...(update.status !== undefined && { status: update.status }),
        ...(update.endTime !== undefined && { end_time: update.endTime }),
        ...(update.runName !== undefined && { name: update.runName }),
      };
      if (Object.keys(changes).length > 0) {
        await trx.updateTable('runs').set(changes).where('run_uuid', '=', runId).execute();
      }
      if (update.runName !== undefined)
        await upsertTags(trx, runId, [{ key: runNameTag, value: update.runName }]);
      return { ...run, ...changes };
    });
    return runInfoToJson(row);
  }

  /** Soft-deletes a run (any stage), stamping `deleted_time`. */
  async delete(runId: string): Promise<void> {
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      await requireRun(trx, runId);
      await trx
        .updateTable('runs')
        .set({ lifecycle_stage: 'deleted', deleted_time: now })
        .where('run_uuid', '=', runId)
        .execute();
    });
  }

  /** Restores a deleted run. */
  async restore(runId: string): Promise<void> {
    await this.storage.writes.run(async (trx) => {
      const run = await requireRun(trx, runId);
      if (run.lifecycle_stage !== 'deleted') {
        throw wrongStage('run', runId, 'deleted', run.lifecycle_stage);
      }
      await trx
        .updateTable('runs')
        .set({ lifecycle_stage: 'active', deleted_time: null })
        .where('run_uuid', '=', runId)
        .execute();
    });
  }

  /** Sets or overwrites a tag of an active run; `mlflow.runName` also renames the run. */
  async setTag(runId: string, tag: Tag): Promise<void> {
    await this.storage.writes.run(async (trx) => {
      await requireActiveRun(trx, runId);
      await upsertTags(trx, runId, [tag]);
    });
  }

  /** Deletes a tag of an active run; 404 when it is not there. */
  async deleteTag(runId: string, key: string): Promise<void> {
    await this.storage.writes.run(async (trx) => {
      await requireActiveRun(trx, runId);
      const result = await trx
        .deleteFrom('tags')
        .where('run_uuid', '=', runId)
        .where('key', '=', key)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) {
        throw resourceDoesNotExist(`No tag with name: ${key} in run with id ${runId}`);
      }
    });
  }

  /** Logs one param: the same value again is a no-op, a different one is refused. */
  async logParam(runId: string, param: Tag): Promise<void> {
    await this.storage.writes.run(async (trx) => {
      await requireActiveRun(trx, runId);
      const existing = await trx
        .selectFrom('params')
        .select('value')
        .where('run_uuid', '=', runId)
        .where('key', '=', param.key)
        .executeTakeFirst();
      if (existing && existing.value !== param.value) {
        throw invalidParameter(
          `Changing param values is not allowed. Param with key='${param.key}' was already logged with value='${existing.value}' for run ID='${runId}'. Attempted logging new value '${param.value}'.`,
        );
      }
      if (!existing)
        await trx
          .insertInto('params')
          .values({ run_uuid: runId, ...param })
          .execute();
    });
  }
}

/** Upserts run tags, last write winning, and keeps the run's name in step with `mlflow.runName`. */
export async function upsertTags(
  db: Kysely<DatabaseSchema>,
  runId: string,
  tags: readonly Tag[],
): Promise<void> {
  const unique = lastValuePerKey(tags);
  if (unique.length === 0) return;
  await db
    .insertInto('tags')
    .values(unique.map((tag) => ({ run_uuid: runId, ...tag })))
    .onConflict((conflict) =>
      conflict.columns(['run_uuid', 'key']).doUpdateSet((update) => ({
        value: update.ref('excluded.value'),
      })),
    )
    .execute();
  const runName = unique.find((tag) => tag.key === runNameTag);
  if (runName) {
    await db
      .updateTable('runs')
      .set({ name: runName.value })
      .where('run_uuid', '=', runId)
      .execute();
  }
}
