import type { Storage } from '../../storage/index.js';

/** A run to seed straight into the tables; unset fields get plain defaults. */
export interface RunSeed {
  id: string;
  name: string;
  experiment?: number;
  status?: string;
  start: number;
  end?: number;
  deleted?: boolean;
  user?: string;
  /** Latest metric values; NaN is stored the way the tracking store does (0 with is_nan 1). */
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  datasets?: Array<{ name: string; digest: string; context?: string }>;
}

/** Writes experiments (id, name, creation time) the runs refer to, then the runs themselves. */
export async function seedRuns(storage: Storage, runs: RunSeed[]): Promise<void> {
  const experimentIds = [...new Set(runs.map((run) => run.experiment ?? 1))].filter(
    (id) => id !== 0,
  );
  for (const id of experimentIds)
    await storage.db
      .insertInto('experiments')
      .values({
        experiment_id: id,
        name: `experiment-${id}`,
        artifact_location: `mlflow-artifacts:/${id}`,
        lifecycle_stage: 'active',
        creation_time: id,
        last_update_time: id,
      })
      .execute();
  for (const run of runs) {
    await storage.db
      .insertInto('runs')
      .values({
        run_uuid: run.id,
        name: run.name,
        experiment_id: run.experiment ?? 1,
        user_id: run.user ?? 'someone',
        status: run.status ?? 'FINISHED',
        start_time: run.start,
        end_time: run.end ?? null,
        lifecycle_stage: run.deleted ? 'deleted' : 'active',
        artifact_uri: `mlflow-artifacts:/${run.experiment ?? 1}/${run.id}/artifacts`,
        deleted_time: run.deleted ? run.start : null,
      })
      .execute();
    for (const [key, value] of Object.entries(run.metrics ?? {}))
      await storage.db
        .insertInto('latest_metrics')
        .values({
          run_uuid: run.id,
          key,
          value: Number.isNaN(value) ? 0 : value,
          is_nan: Number.isNaN(value) ? 1 : 0,
          timestamp: 0,
          step: 0,
        })
        .execute();
    for (const [key, value] of Object.entries(run.params ?? {}))
      await storage.db.insertInto('params').values({ run_uuid: run.id, key, value }).execute();
    for (const [key, value] of Object.entries(run.tags ?? {}))
      await storage.db.insertInto('tags').values({ run_uuid: run.id, key, value }).execute();
    for (const [index, dataset] of (run.datasets ?? []).entries())
      await linkDataset(storage, run, index, dataset);
  }
}

async function linkDataset(
  storage: Storage,
  run: RunSeed,
  index: number,
  dataset: { name: string; digest: string; context?: string },
): Promise<void> {
  const experimentId = run.experiment ?? 1;
  const datasetId = `ds-${experimentId}-${dataset.name}-${dataset.digest}`;
  const existing = await storage.db
    .selectFrom('datasets')
    .select('dataset_uuid')
    .where('dataset_uuid', '=', datasetId)
    .executeTakeFirst();
  if (!existing)
    await storage.db
      .insertInto('datasets')
      .values({
        dataset_uuid: datasetId,
        experiment_id: experimentId,
        name: dataset.name,
        digest: dataset.digest,
        dataset_source_type: 'local',
        dataset_source: '{}',
        dataset_schema: null,
        dataset_profile: null,
      })
      .execute();
  const inputId = `in-${run.id}-${index}`;
  await storage.db
    .insertInto('inputs')
    .values({
      input_uuid: inputId,
      source_type: 'DATASET',
      source_id: datasetId,
      destination_type: 'RUN',
      destination_id: run.id,
    })
    .execute();
  if (dataset.context)
    await storage.db
      .insertInto('input_tags')
      .values({ input_uuid: inputId, name: 'mlflow.data.context', value: dataset.context })
      .execute();
}
