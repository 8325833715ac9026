import { randomUUID } from 'node:crypto';
import type { DatasetInput, Tag } from '@cairn/spec';
import type { Kysely } from 'kysely';
import { invalidParameter } from '../errors.js';
import type { DatabaseSchema, Storage } from '../storage/index.js';
import { requireActiveRun, runNotFound, wrongStage } from './entity-state.js';
import {
  type MetricInserter,
  type MetricPoint,
  postgresMetricInserter,
  sqliteMetricInserter,
} from './metric-insert.js';
import { upsertTags } from './run-store.js';

/** A validated log-batch: metrics, params (unique keys) and tags. */
export interface RunDataBatch {
  metrics: readonly MetricPoint[];
  params: readonly Tag[];
  tags: readonly Tag[];
}

/**
 * The ingestion side of runs: metrics, params and tags in batches, and dataset inputs. A batch is
 * one transaction, so a rejected batch writes nothing.
 */
export class RunDataStore {
  private readonly inserter: MetricInserter;

  constructor(private readonly storage: Storage) {
    this.inserter = storage.sqlite
      ? sqliteMetricInserter(storage.sqlite)
      : postgresMetricInserter();
  }

  /** Logs metrics, params and tags atomically to an active run. */
  async logBatch(runId: string, batch: RunDataBatch): Promise<void> {
    await this.storage.writes.run(async (trx) => {
      // The metric insert checks the run's stage itself, saving a round trip on the hot path.
      if (batch.metrics.length > 0) {
        assertActive(runId, await this.inserter.insert(trx, runId, batch.metrics));
      } else {
        await requireActiveRun(trx, runId);
      }
      if (batch.params.length > 0) await insertParams(trx, runId, batch.params);
      if (batch.tags.length > 0) await upsertTags(trx, runId, batch.tags);
    });
  }

  /** Links datasets to an active run; datasets are shared per experiment by name and digest. */
  async logInputs(runId: string, inputs: readonly DatasetInput[]): Promise<void> {
    if (inputs.length === 0) {
      await requireActiveRun(this.storage.db, runId);
      return;
    }
    await this.storage.writes.run(async (trx) => {
      const run = await requireActiveRun(trx, runId);
      for (const input of inputs) {
        const datasetId = await findOrCreateDataset(trx, run.experiment_id, input);
        const linked = await trx
          .selectFrom('inputs')
          .select('input_uuid')
          .where('source_type', '=', 'DATASET')
          .where('source_id', '=', datasetId)
          .where('destination_type', '=', 'RUN')
          .where('destination_id', '=', runId)
          .executeTakeFirst();
        // Logging the same dataset to the same run again changes nothing, as in MLflow.
        if (linked) continue;
        const inputId = randomUUID().replaceAll('-', '');
        await trx
          .insertInto('inputs')
          .values({
            input_uuid: inputId,
            source_type: 'DATASET',
            source_id: datasetId,
            destination_type: 'RUN',
            destination_id: runId,
          })
          .execute();
        const tags = new Map((input.tags ?? []).map((tag) => [tag.key, tag.value]));
        if (tags.size > 0) {
          await trx
            .insertInto('input_tags')
            .values([...tags].map(([name, value]) => ({ input_uuid: inputId, name, value })))
            .execute();
        }
      }
    });
  }
}

function assertActive(runId: string, lifecycleStage: string | undefined): void {
  if (lifecycleStage === undefined) throw runNotFound(runId);
  if (lifecycleStage !== 'active') throw wrongStage('run', runId, 'active', lifecycleStage);
}

async function insertParams(
  db: Kysely<DatabaseSchema>,
  runId: string,
  params: readonly Tag[],
): Promise<void> {
  const existing = await db
    .selectFrom('params')
    .select(['key', 'value'])
    .where('run_uuid', '=', runId)
    .where(
      'key',
      'in',
      params.map((param) => param.key),
    )
    .execute();
  const existingValues = new Map(existing.map((row) => [row.key, row.value]));
  const changed = params.filter(
    (param) => existingValues.has(param.key) && existingValues.get(param.key) !== param.value,
  );
  if (changed.length > 0) {
    const described = changed
      .map(
        (param) =>
          `{'key': '${param.key}', 'old_value': '${existingValues.get(param.key)}', 'new_value': '${param.value}'}`,
      )
      .join(', ');
    throw invalidParameter(
      `Changing param values is not allowed. Params were already logged='[${described}]' for run ID='${runId}'.`,
    );
  }
  const fresh = params.filter((param) => !existingValues.has(param.key));
  if (fresh.length > 0) {
    await db
      .insertInto('params')
      .values(fresh.map((param) => ({ run_uuid: runId, ...param })))
      .execute();
  }
}

async function findOrCreateDataset(
  db: Kysely<DatabaseSchema>,
  experimentId: number,
  input: DatasetInput,
): Promise<string> {
  const { dataset } = input;
  const existing = await db
    .selectFrom('datasets')
    .select('dataset_uuid')
    .where('experiment_id', '=', experimentId)
    .where('name', '=', dataset.name)
    .where('digest', '=', dataset.digest)
    .executeTakeFirst();
  if (existing) return existing.dataset_uuid;
  const datasetId = randomUUID().replaceAll('-', '');
  await db
    .insertInto('datasets')
    .values({
      dataset_uuid: datasetId,
      experiment_id: experimentId,
      name: dataset.name,
      digest: dataset.digest,
      dataset_source_type: dataset.source_type,
      dataset_source: dataset.source,
      dataset_schema: dataset.schema ?? null,
      dataset_profile: dataset.profile ?? null,
    })
    .execute();
  return datasetId;
}
