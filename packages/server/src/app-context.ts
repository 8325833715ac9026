import type { FastifyRequest } from 'fastify';
import type { ArtifactRepository } from './artifacts/index.js';
import type { Storage } from './storage/index.js';

/** Decides whether a request may proceed; throws a CairnError (401/403) when it may not. */
export type AuthorizeRequest = (request: FastifyRequest) => Promise<void> | void;

/** What every domain's routes and services are given: no module-level singletons. */
export interface AppContext {
  storage: Storage;
  artifacts: ArtifactRepository;
  /** Milliseconds since the epoch; injectable so tests control time. */
  clock: () => number;
  authorize: AuthorizeRequest;
}
