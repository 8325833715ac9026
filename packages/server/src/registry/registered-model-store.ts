import type { ModelStage, ModelVersion, RegisteredModel, Tag } from '@cairn/spec';
import { resourceAlreadyExists } from '../errors.js';
import type { Storage } from '../storage/index.js';
import { eventFor, type RegistryEventSink } from './registry-events.js';
import { loadVersions, modelsWithDetails } from './registry-loader.js';
import {
  aliasNotFound,
  isPromptModel,
  isUniqueViolation,
  recordHistory,
  requireModel,
  requireVersion,
  touchModel,
} from './registry-lookups.js';
import { deletedStage, promptMarkerTag } from './registry-validation.js';

/** What `registered-models/create` stores (already validated). */
export interface NewRegisteredModel {
  name: string;
  tags: Tag[];
  description?: string;
  userId?: string;
}

/** Registered models, their tags and aliases. Each write is one group-committed transaction. */
export class RegisteredModelStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
    private readonly emit: RegistryEventSink,
  ) {}

  /** Creates a registered model; RESOURCE_ALREADY_EXISTS (400) when the name is taken. */
  async create(model: NewRegisteredModel): Promise<RegisteredModel> {
    const now = this.clock();
    const tags = lastPerKey(model.tags);
    const isPrompt = tags.some((tag) => tag.key === promptMarkerTag && tag.value === 'true');
    try {
      await this.storage.writes.run(async (trx) => {
        const existing = await trx
          .selectFrom('registered_models')
          .select('name')
          .where('name', '=', model.name)
          .executeTakeFirst();
        if (existing) throw alreadyExists(model.name);
        await trx
          .insertInto('registered_models')
          .values({
            name: model.name,
            creation_time: now,
            last_updated_time: now,
            description: model.description ?? null,
            user_id: model.userId ?? null,
          })
          .execute();
        if (tags.length > 0)
          await trx
            .insertInto('registered_model_tags')
            .values(tags.map((tag) => ({ name: model.name, ...tag })))
            .execute();
        const data = {
          name: model.name,
          tags: Object.fromEntries(tags.map((tag) => [tag.key, tag.value])),
          description: model.description ?? null,
        };
        await this.emit(trx, eventFor(isPrompt, 'registered_model', 'created', data), now);
      });
    } catch (error) {
      // Another replica inserted the same name between our check and our insert.
      if (isUniqueViolation(error)) throw alreadyExists(model.name);
      throw error;
    }
    return this.get(model.name);
  }

  /** The registered model with its tags, aliases and latest version per stage. */
  async get(name: string): Promise<RegisteredModel> {
    const row = await requireModel(this.storage.db, name);
    const [model] = await modelsWithDetails(this.storage.db, [row]);
    return model!;
  }

  /** Renames a model, carrying its versions, tags, aliases and history along. */
  async rename(name: string, newName: string): Promise<RegisteredModel> {
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      await requireModel(trx, name);
      if (name === newName) return;
      const taken = await trx
        .selectFrom('registered_models')
        .select('name')
        .where('name', '=', newName)
        .executeTakeFirst();
      if (taken) throw alreadyExists(newName);
      await trx
        .updateTable('registered_models')
        .set({ name: newName, last_updated_time: now })
        .where('name', '=', name)
        .execute();
      for (const table of [
        'registered_model_tags',
        'model_versions',
        'model_version_tags',
        'registered_model_aliases',
        'registry_history',
      ] as const) {
        await trx.updateTable(table).set({ name: newName }).where('name', '=', name).execute();
      }
      await trx
        .updateTable('prompt_ab_tests')
        .set({ prompt_name: newName })
        .where('prompt_name', '=', name)
        .execute();
    });
    return this.get(newName);
  }

  /** Changes the description (absent means cleared, as MLflow's update does). */
  async update(name: string, description: string | undefined): Promise<RegisteredModel> {
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      await requireModel(trx, name);
      await trx
        .updateTable('registered_models')
        .set({ description: description ?? null, last_updated_time: now })
        .where('name', '=', name)
        .execute();
    });
    return this.get(name);
  }

  /** Deletes a model and everything under it (versions, tags, aliases, history). */
  async delete(name: string): Promise<void> {
    await this.storage.writes.run(async (trx) => {
      await requireModel(trx, name);
      for (const table of [
        'registered_model_tags',
        'model_version_tags',
        'registered_model_aliases',
        'model_versions',
        'registry_history',
        'registered_models',
      ] as const) {
        await trx.deleteFrom(table).where('name', '=', name).execute();
      }
    });
  }

  /** Sets (or overwrites) a tag; prompts report `prompt_tag.set`. */
  async setTag(name: string, tag: Tag): Promise<void> {
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      await requireModel(trx, name);
      await trx
        .insertInto('registered_model_tags')
        .values({ name, ...tag })
        .onConflict((conflict) =>
          conflict.columns(['name', 'key']).doUpdateSet({ value: tag.value }),
        )
        .execute();
      await touchModel(trx, name, now);
      if (await isPromptModel(trx, name))
        await this.emit(trx, { entity: 'prompt_tag', action: 'set', data: { name, ...tag } }, now);
    });
  }

  /** Deletes a tag; a tag that is not there is not an error (as in MLflow's SQL store). */
  async deleteTag(name: string, key: string): Promise<void> {
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      await requireModel(trx, name);
      const isPrompt = await isPromptModel(trx, name);
      const result = await trx
        .deleteFrom('registered_model_tags')
        .where('name', '=', name)
        .where('key', '=', key)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) > 0 && isPrompt)
        await this.emit(trx, { entity: 'prompt_tag', action: 'deleted', data: { name, key } }, now);
    });
  }

  /** Points `alias` at a version (moving it if it pointed elsewhere) and records the move. */
  async setAlias(name: string, alias: string, version: number, userId?: string): Promise<void> {
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      await requireModel(trx, name);
      await requireVersion(trx, name, version);
      const previous = await trx
        .selectFrom('registered_model_aliases')
        .select('version')
        .where('name', '=', name)
        .where('alias', '=', alias)
        .executeTakeFirst();
      await trx
        .insertInto('registered_model_aliases')
        .values({ name, alias, version })
        .onConflict((conflict) => conflict.columns(['name', 'alias']).doUpdateSet({ version }))
        .execute();
      await touchModel(trx, name, now);
      // A move shows on both versions' history: where the alias went, and where it came from.
      if (previous && previous.version !== version)
        await recordHistory(
          trx,
          {
            name,
            version: previous.version,
            kind: 'alias_deleted',
            from: alias,
            to: String(version),
            userId,
          },
          now,
        );
      await recordHistory(
        trx,
        {
          name,
          version,
          kind: 'alias_set',
          from: previous ? String(previous.version) : undefined,
          to: alias,
          userId,
        },
        now,
      );
      const data = { name, alias, version: String(version) };
      const isPrompt = await isPromptModel(trx, name);
      await this.emit(trx, eventFor(isPrompt, 'model_version_alias', 'created', data), now);
    });
  }

  /** Removes an alias; an alias that is not there is not an error. */
  async deleteAlias(name: string, alias: string, userId?: string): Promise<void> {
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      await requireModel(trx, name);
      const previous = await trx
        .selectFrom('registered_model_aliases')
        .select('version')
        .where('name', '=', name)
        .where('alias', '=', alias)
        .executeTakeFirst();
      if (!previous) return;
      await trx
        .deleteFrom('registered_model_aliases')
        .where('name', '=', name)
        .where('alias', '=', alias)
        .execute();
      await touchModel(trx, name, now);
      await recordHistory(
        trx,
        { name, version: previous.version, kind: 'alias_deleted', from: alias, userId },
        now,
      );
      const isPrompt = await isPromptModel(trx, name);
      await this.emit(
        trx,
        eventFor(isPrompt, 'model_version_alias', 'deleted', { name, alias }),
        now,
      );
    });
  }

  /** The version an alias points at; 404 for an unknown model, 400 for an unknown alias. */
  async versionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const db = this.storage.db;
    const row = await db
      .selectFrom('registered_model_aliases')
      .select('version')
      .where('name', '=', name)
      .where('alias', '=', alias)
      .executeTakeFirst();
    if (!row) {
      await requireModel(db, name);
      throw aliasNotFound(alias);
    }
    const [version] = await loadVersions(db, [{ name, version: row.version }]);
    if (!version) throw aliasNotFound(alias);
    return version;
  }

  /** The newest version in each of `stages` (all stages when empty), oldest stage order first. */
  async latestVersions(name: string, stages: readonly ModelStage[]): Promise<ModelVersion[]> {
    const db = this.storage.db;
    await requireModel(db, name);
    let query = db
      .selectFrom('model_versions')
      .select(['current_stage', (eb) => eb.fn.max('version').as('version')])
      .where('name', '=', name)
      .where('current_stage', '<>', deletedStage)
      .groupBy('current_stage');
    if (stages.length > 0) query = query.where('current_stage', 'in', [...stages]);
    const rows = await query.execute();
    const keys = rows
      .map((row) => ({ name, version: Number(row.version) }))
      .sort((a, b) => a.version - b.version);
    return loadVersions(db, keys);
  }
}

function alreadyExists(name: string): Error {
  return resourceAlreadyExists(`Registered Model (name=${name}) already exists.`);
}

function lastPerKey(tags: readonly Tag[]): Tag[] {
  return [...new Map(tags.map((tag) => [tag.key, tag])).values()];
}
