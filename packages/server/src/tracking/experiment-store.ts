import type { Experiment, Tag } from '@cairn/spec';
import type { Kysely } from 'kysely';
import { resourceAlreadyExists, resourceDoesNotExist } from '../errors.js';
import type { DatabaseSchema, Storage } from '../storage/index.js';
import {
  experimentNotFound,
  isUniqueViolation,
  parseExperimentId,
  requireActiveExperiment,
  requireExperiment,
  wrongStage,
} from './entity-state.js';
import { experimentToJson } from './wire-format.js';

/** What `experiments/create` stores, already validated. */
export interface NewExperiment {
  name: string;
  artifactLocation?: string;
  tags: Tag[];
}

const chunkSize = 500;

/** Experiments and their tags. Every write is one group-committed transaction. */
export class ExperimentStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /** Creates an experiment; its artifact location defaults to `mlflow-artifacts:/<id>`. */
  async create(experiment: NewExperiment): Promise<string> {
    const now = this.clock();
    try {
      return await this.storage.writes.run(async (trx) => {
        await assertNameFree(trx, experiment.name);
        const { experiment_id: id } = await trx
          .insertInto('experiments')
          .values({
            name: experiment.name,
            // Filled in below once the id is known.
            artifact_location: experiment.artifactLocation ?? '',
            lifecycle_stage: 'active',
            creation_time: now,
            last_update_time: now,
          })
          .returning('experiment_id')
          .executeTakeFirstOrThrow();
        if (experiment.artifactLocation === undefined) {
          await trx
            .updateTable('experiments')
            .set({ artifact_location: `mlflow-artifacts:/${id}` })
            .where('experiment_id', '=', id)
            .execute();
        }
        if (experiment.tags.length > 0) {
          await trx
            .insertInto('experiment_tags')
            .values(lastValuePerKey(experiment.tags).map((tag) => ({ experiment_id: id, ...tag })))
            .execute();
        }
        return String(id);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(experiment.name);
      throw error;
    }
  }

  /** An experiment by id, deleted ones included; 404 when unknown. */
  async get(experimentId: string): Promise<Experiment> {
    const id = parseExperimentId(experimentId);
    const [experiment] = id === undefined ? [] : await this.loadMany([id]);
    if (!experiment) throw experimentNotFound(experimentId);
    return experiment;
  }

  /** An experiment by name; 404 with MLflow's message when there is none. */
  async getByName(name: string): Promise<Experiment> {
    const row = await this.storage.db
      .selectFrom('experiments')
      .select('experiment_id')
      .where('name', '=', name)
      .executeTakeFirst();
    const [experiment] = row ? await this.loadMany([row.experiment_id]) : [];
    if (!experiment) throw resourceDoesNotExist(`Could not find experiment with name '${name}'`);
    return experiment;
  }

  /** Experiments with their tags, in the order of `ids`; unknown ids are skipped. */
  async loadMany(ids: readonly number[]): Promise<Experiment[]> {
    const found = new Map<number, Experiment>();
    for (let start = 0; start < ids.length; start += chunkSize) {
      const chunk = ids.slice(start, start + chunkSize);
      const [rows, tags] = await Promise.all([
        this.storage.db
          .selectFrom('experiments')
          .selectAll()
          .where('experiment_id', 'in', chunk)
          .execute(),
        this.storage.db
          .selectFrom('experiment_tags')
          .selectAll()
          .where('experiment_id', 'in', chunk)
          .orderBy('key')
          .execute(),
      ]);
      const tagsById = new Map<number, Tag[]>();
      for (const tag of tags) {
        const list = tagsById.get(tag.experiment_id) ?? [];
        list.push({ key: tag.key, value: tag.value });
        tagsById.set(tag.experiment_id, list);
      }
      for (const row of rows) {
        found.set(row.experiment_id, experimentToJson(row, tagsById.get(row.experiment_id) ?? []));
      }
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  /** Renames an active experiment; the new name must be free. */
  async rename(experimentId: string, newName: string): Promise<void> {
    const now = this.clock();
    try {
      await this.storage.writes.run(async (trx) => {
        const experiment = await requireExperiment(trx, experimentId);
        if (experiment.lifecycle_stage !== 'active') {
          throw wrongStage('experiment', experimentId, 'active', experiment.lifecycle_stage);
        }
        if (experiment.name === newName) return;
        await assertNameFree(trx, newName);
        await trx
          .updateTable('experiments')
          .set({ name: newName, last_update_time: now })
          .where('experiment_id', '=', experiment.experiment_id)
          .execute();
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(newName);
      throw error;
    }
  }

  /** Soft-deletes an active experiment and, as MLflow's SQL store does, all of its runs. */
  async delete(experimentId: string): Promise<void> {
    await this.setStage(experimentId, 'active', 'deleted');
  }

  /** Restores a deleted experiment and its runs. */
  async restore(experimentId: string): Promise<void> {
    await this.setStage(experimentId, 'deleted', 'active');
  }

  /** Sets (or overwrites) a tag on an active experiment. */
  async setTag(experimentId: string, tag: Tag): Promise<void> {
    await this.storage.writes.run(async (trx) => {
      const experiment = await requireActiveExperiment(trx, experimentId);
      await trx
        .insertInto('experiment_tags')
        .values({ experiment_id: experiment.experiment_id, key: tag.key, value: tag.value })
        .onConflict((conflict) =>
          conflict.columns(['experiment_id', 'key']).doUpdateSet({ value: tag.value }),
        )
        .execute();
    });
  }

  /** Deletes a tag of an active experiment; 404 when the tag is not there. */
  async deleteTag(experimentId: string, key: string): Promise<void> {
    await this.storage.writes.run(async (trx) => {
      const experiment = await requireActiveExperiment(trx, experimentId);
      const result = await trx
        .deleteFrom('experiment_tags')
        .where('experiment_id', '=', experiment.experiment_id)
        .where('key', '=', key)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) {
        throw resourceDoesNotExist(
          `No tag with name: ${key} in experiment with id ${experimentId}`,
        );
      }
    });
  }

  private async setStage(experimentId: string, from: string, to: string): Promise<void> {
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      const experiment = await requireExperiment(trx, experimentId);
      if (experiment.lifecycle_stage !== from) {
        throw wrongStage('experiment', experimentId, from, experiment.lifecycle_stage);
      }
      await trx
        .updateTable('experiments')
        .set({ lifecycle_stage: to, last_update_time: now })
        .where('experiment_id', '=', experiment.experiment_id)
        .execute();
      await trx
        .updateTable('runs')
        .set({ lifecycle_stage: to, deleted_time: to === 'deleted' ? now : null })
        .where('experiment_id', '=', experiment.experiment_id)
        .where('lifecycle_stage', '=', from)
        .execute();
    });
  }
}

async function assertNameFree(db: Kysely<DatabaseSchema>, name: string): Promise<void> {
  const existing = await db
    .selectFrom('experiments')
    .select('experiment_id')
    .where('name', '=', name)
    .executeTakeFirst();
  if (existing) throw nameTaken(name);
}

function nameTaken(name: string): Error {
  return resourceAlreadyExists(`Experiment(name=${name}) already exists.`);
}

/** Tags with repeated keys: the last value wins, as it does in MLflow. */
export function lastValuePerKey(tags: readonly Tag[]): Tag[] {
  const byKey = new Map<string, string>();
  for (const tag of tags) byKey.set(tag.key, tag.value);
  return [...byKey].map(([key, value]) => ({ key, value }));
}
