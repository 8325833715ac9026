import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/index.js';

/**
 * Something that happened in the registry, named as MLflow's webhooks name it
 * (`entity.action`, e.g. `model_version.created`, `prompt_alias.created`), with its payload.
 * `model_version_stage.transitioned` is Cairn's own (MLflow has no stage event).
 */
export interface RegistryEvent {
  entity: string;
  action: string;
  data: Record<string, unknown>;
}

/**
 * Receives events inside the transaction that caused them, so a webhook outbox row commits
 * (or rolls back) together with the change it reports.
 */
export type RegistryEventSink = (
  db: Kysely<DatabaseSchema>,
  event: RegistryEvent,
  now: number,
) => Promise<void>;

/** Events that name prompts when the registered model is one, MLflow's switch (§8.9). */
export function eventFor(
  isPrompt: boolean,
  modelEntity: 'registered_model' | 'model_version' | 'model_version_tag' | 'model_version_alias',
  action: string,
  data: Record<string, unknown>,
): RegistryEvent {
  const promptEntity = {
    registered_model: 'prompt',
    model_version: 'prompt_version',
    model_version_tag: 'prompt_version_tag',
    model_version_alias: 'prompt_alias',
  }[modelEntity];
  return { entity: isPrompt ? promptEntity : modelEntity, action, data };
}
