import type { ModelStage, ModelVersion, Tag } from '@cairn/spec';
import { invalidParameter } from '../errors.js';
import type { Storage } from '../storage/index.js';
import { parseModelSource, runArtifactUri } from './model-source.js';
import { eventFor, type RegistryEventSink } from './registry-events.js';
import { loadVersions } from './registry-loader.js';
import {
  isPromptModel,
  recordHistory,
  requireModel,
  requireVersion,
  touchModel,
  versionNotFound,
} from './registry-lookups.js';
import { deletedStage, promptTextTag } from './registry-validation.js';

/** What `model-versions/create` stores (fields already read and validated). */
export interface NewModelVersion {
  name: string;
  source: string;
  runId?: string;
  tags: Tag[];
  runLink?: string;
  description?: string;
  userId?: string;
}

/** Model versions: numbering, stages, tags, deletion, and where their files are. */
export class ModelVersionStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
    private readonly emit: RegistryEventSink,
  ) {}

  /**
   * Creates the next version (one more than any version ever created, deleted ones included).
   * The source is checked against the artifact root; a `runs:/` source must name a known run.
   */
  async create(input: NewModelVersion): Promise<ModelVersion> {
    const now = this.clock();
    const tags = [...new Map(input.tags.map((tag) => [tag.key, tag])).values()];
    const version = await this.storage.writes.run(async (trx) => {
      await requireModel(trx, input.name, { lock: true, dialect: this.storage.dialect });
      const isPrompt = await isPromptModel(trx, input.name);
      const source = parseModelSource(input.source, { isPrompt });
      if (source.kind === 'run') {
        const run = await trx
          .selectFrom('runs')
          .select('run_uuid')
          .where('run_uuid', '=', source.runId)
          .executeTakeFirst();
        if (!run)
          throw invalidParameter(
            `Invalid model version source: run '${source.runId}' named by '${input.source}' does not exist.`,
          );
      }
      const last = await trx
        .selectFrom('model_versions')
        .select((eb) => eb.fn.max('version').as('version'))
        .where('name', '=', input.name)
        .executeTakeFirst();
      const next = Number(last?.version ?? 0) + 1;
      const runId = input.runId || (source.kind === 'run' ? source.runId : undefined);
      await trx
        .insertInto('model_versions')
        .values({
          name: input.name,
          version: next,
          creation_time: now,
          last_updated_time: now,
          description: input.description ?? null,
          user_id: input.userId ?? null,
          current_stage: 'None',
          source: input.source,
          run_id: runId ?? null,
          run_link: input.runLink ?? null,
          status: 'READY',
          status_message: null,
        })
        .execute();
      if (tags.length > 0)
        await trx
          .insertInto('model_version_tags')
          .values(tags.map((tag) => ({ name: input.name, version: next, ...tag })))
          .execute();
      await touchModel(trx, input.name, now);
      await recordHistory(
        trx,
        { name: input.name, version: next, kind: 'created', to: 'None', userId: input.userId },
        now,
      );
      const tagMap = Object.fromEntries(tags.map((tag) => [tag.key, tag.value]));
      const data = isPrompt
        ? {
            name: input.name,
            version: String(next),
            template: tagMap[promptTextTag] ?? null,
            tags: tagMap,
            description: input.description ?? null,
          }
        : {
            name: input.name,
            version: String(next),
            source: input.source,
            run_id: runId ?? null,
            tags: tagMap,
            description: input.description ?? null,
          };
      await this.emit(trx, eventFor(isPrompt, 'model_version', 'created', data), now);
      return next;
    });
    return this.get(input.name, version);
  }

  /** A live version with its tags and aliases. */
  async get(name: string, version: number): Promise<ModelVersion> {
    const [found] = await loadVersions(this.storage.db, [{ name, version }]);
    if (!found) {
      await requireModel(this.storage.db, name);
      throw versionNotFound(name, version);
    }
    return found;
  }

  /** Changes a version's description. */
  async update(name: string, version: number, description: string | undefined) {
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      await requireVersion(trx, name, version);
      await trx
        .updateTable('model_versions')
        .set({ description: description ?? null, last_updated_time: now })
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();
    });
    return this.get(name, version);
  }

  /**
   * Deletes a version as MLflow's SQL store does: the row stays, redacted, so its number is
   * never handed out again; its tags and the aliases pointing at it go.
   */
  async delete(name: string, version: number): Promise<void> {
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      await requireVersion(trx, name, version);
      await trx
        .updateTable('model_versions')
        .set({
          current_stage: deletedStage,
          description: null,
          user_id: null,
          source: 'REDACTED-SOURCE-PATH',
          run_id: null,
          run_link: null,
          status_message: null,
          last_updated_time: now,
        })
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();
      for (const table of ['model_version_tags', 'registered_model_aliases'] as const)
        await trx
          .deleteFrom(table)
          .where('name', '=', name)
          .where('version', '=', version)
          .execute();
      await touchModel(trx, name, now);
    });
  }

  /**
   * Moves a version to `stage`; with `archiveExisting` (Staging and Production only) every other
   * version in that stage moves to Archived. Each move is written to the history.
   */
  async transitionStage(
    name: string,
    version: number,
    stage: ModelStage,
    archiveExisting: boolean,
    userId?: string,
  ): Promise<ModelVersion> {
    if (archiveExisting && stage !== 'Staging' && stage !== 'Production')
      throw invalidParameter(
        `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are Staging, Production.`,
      );
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      const row = await requireVersion(trx, name, version);
      const moves: { version: number; from: string; to: string }[] = [
        { version, from: row.current_stage, to: stage },
      ];
      if (archiveExisting) {
        const others = await trx
          .selectFrom('model_versions')
          .select(['version', 'current_stage'])
          .where('name', '=', name)
          .where('current_stage', '=', stage)
          .where('version', '<>', version)
          .execute();
        for (const other of others)
          moves.push({ version: other.version, from: other.current_stage, to: 'Archived' });
      }
      for (const move of moves) {
        await trx
          .updateTable('model_versions')
          .set({ current_stage: move.to, last_updated_time: now })
          .where('name', '=', name)
          .where('version', '=', move.version)
          .execute();
        await recordHistory(
          trx,
          { name, version: move.version, kind: 'stage', from: move.from, to: move.to, userId },
          now,
        );
        await this.emit(
          trx,
          {
            entity: 'model_version_stage',
            action: 'transitioned',
            data: { name, version: String(move.version), from_stage: move.from, to_stage: move.to },
          },
          now,
        );
      }
      await touchModel(trx, name, now);
    });
    return this.get(name, version);
  }

  /** Sets (or overwrites) a version tag. */
  async setTag(name: string, version: number, tag: Tag): Promise<void> {
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      await requireVersion(trx, name, version);
      await trx
        .insertInto('model_version_tags')
        .values({ name, version, ...tag })
        .onConflict((conflict) =>
          conflict.columns(['name', 'version', 'key']).doUpdateSet({ value: tag.value }),
        )
        .execute();
      await trx
        .updateTable('model_versions')
        .set({ last_updated_time: now })
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();
      const isPrompt = await isPromptModel(trx, name);
      const data = { name, version: String(version), ...tag };
      await this.emit(trx, eventFor(isPrompt, 'model_version_tag', 'set', data), now);
    });
  }

  /** Deletes a version tag; a tag that is not there is not an error. */
  async deleteTag(name: string, version: number, key: string): Promise<void> {
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      await requireVersion(trx, name, version);
      const result = await trx
        .deleteFrom('model_version_tags')
        .where('name', '=', name)
        .where('version', '=', version)
        .where('key', '=', key)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return;
      const isPrompt = await isPromptModel(trx, name);
      const data = { name, version: String(version), key };
      await this.emit(trx, eventFor(isPrompt, 'model_version_tag', 'deleted', data), now);
    });
  }

  /** Where a version's files are: its run's artifact URI plus the path, or its proxied URI. */
  async downloadUri(name: string, version: number): Promise<string> {
    const row = await requireVersion(this.storage.db, name, version);
    const isPrompt = await isPromptModel(this.storage.db, name);
    const source = parseModelSource(row.source, { isPrompt });
    if (source.kind === 'proxied') return row.source;
    if (source.kind === 'placeholder')
      throw invalidParameter(
        `Model version (name=${name}, version=${version}) is a prompt version and has no artifacts.`,
      );
    const run = await this.storage.db
      .selectFrom('runs')
      .select('artifact_uri')
      .where('run_uuid', '=', source.runId)
      .executeTakeFirst();
    if (!run)
      throw invalidParameter(
        `The run ${source.runId} that model version (name=${name}, version=${version}) comes from no longer exists.`,
      );
    return runArtifactUri(run.artifact_uri, source.path);
  }
}
