import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import type { ModelVersionStore } from './model-version-store.js';
import type { RegisteredModelStore } from './registered-model-store.js';

/** What the registry routes share: the stores and the hooks that keep model cards current. */
export interface RegistryDeps {
  context: AppContext;
  models: RegisteredModelStore;
  versions: ModelVersionStore;
  /** Re-renders and stores the model card of a version after it changed; never throws. */
  versionChanged(request: FastifyRequest, name: string, version: number): Promise<void>;
  /** Re-renders the cards of a model's aliased and staged versions after the model changed. */
  modelChanged(request: FastifyRequest, name: string): Promise<void>;
}
