import { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { ArtifactRepository } from '../artifacts/index.js';
import type { Storage } from '../storage/index.js';
import type { TrackingStore } from '../tracking/index.js';
import { buildLineage } from './lineage.js';
import { buildModelCard, type ModelCard, renderModelCardMarkdown } from './model-card.js';
import type { ModelVersionStore } from './model-version-store.js';
import type { RegisteredModelStore } from './registered-model-store.js';

/**
 * Where a version's card is stored in the artifact repository: `registry/<name>/<version>/
 * model_card.md`, the name base64url-encoded (prefix `b64-`) unless it is a plain word.
 */
export function modelCardPath(name: string, version: number | string): string {
  const segment =
    /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(name) && !name.includes('..')
      ? name
      : `b64-${Buffer.from(name).toString('base64url')}`;
  return `registry/${segment}/${version}/model_card.md`;
}

/** Renders model cards and keeps the stored copy of each version's card current. */
export class ModelCardService {
  constructor(
    private readonly storage: Storage,
    private readonly tracking: TrackingStore,
    private readonly models: RegisteredModelStore,
    private readonly versions: ModelVersionStore,
    private readonly artifacts: ArtifactRepository,
  ) {}

  /** The card of a version as it is now. */
  async render(name: string, version: number): Promise<ModelCard> {
    const [lineage, model] = await Promise.all([
      buildLineage(this.storage, this.tracking, this.versions, name, version),
      this.models.get(name),
    ]);
    const cardUri = `mlflow-artifacts:/${modelCardPath(name, version)}`;
    return buildModelCard(lineage, model.tags ?? [], model.description, cardUri);
  }

  /** Renders the card and stores it as `model_card.md` (and `model_card.json`) beside it. */
  async refresh(name: string, version: number): Promise<ModelCard> {
    const card = await this.render(name, version);
    const path = modelCardPath(name, version);
    await this.artifacts.put(path, Readable.from([Buffer.from(renderModelCardMarkdown(card))]));
    await this.artifacts.put(
      path.replace(/\.md$/, '.json'),
      Readable.from([Buffer.from(`${JSON.stringify(card, null, 2)}\n`)]),
    );
    return card;
  }

  /**
   * Refreshes after a change without failing the change: the registry write has committed, and
   * a card that could not be stored (artifact store down) is re-rendered on the next change or read.
   */
  async refreshQuietly(log: FastifyBaseLogger, name: string, version: number): Promise<void> {
    try {
      await this.refresh(name, version);
    } catch (error) {
      log.warn({ err: error, name, version }, 'could not refresh the model card');
    }
  }

  /** The versions worth re-rendering after a model-level change: aliased or in an active stage. */
  async prominentVersions(name: string): Promise<number[]> {
    const rows = await this.storage.db
      .selectFrom('model_versions')
      .select('version')
      .where('name', '=', name)
      .where((eb) =>
        eb.or([
          eb('current_stage', 'in', ['Staging', 'Production']),
          eb.exists(
            eb
              .selectFrom('registered_model_aliases as a')
              .select('a.alias')
              .whereRef('a.name', '=', 'model_versions.name')
              .whereRef('a.version', '=', 'model_versions.version'),
          ),
        ]),
      )
      .execute();
    return rows.map((row) => Number(row.version));
  }
}
