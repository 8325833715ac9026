import type { Readable } from 'node:stream';
import type { FileInfo } from '@cairn/spec';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';

/** Where artifact bytes live: local disk, S3 or Azure Blob. Paths are relative to the repository root. */
export interface ArtifactRepository {
  put(path: string, body: Readable): Promise<void>;
  get(path: string): Promise<Readable>;
  list(path: string): Promise<FileInfo[]>;
  delete(path: string): Promise<void>;
}

/** Opens the repository a `--artifacts-destination` value names. */
export async function openArtifactRepository(_destination: string): Promise<ArtifactRepository> {
  throw new Error('not built yet');
}

/** Registers the artifact proxy (`/api/2.0/mlflow-artifacts/...`) and `artifacts/list`. */
export function registerArtifactRoutes(_app: FastifyInstance, _context: AppContext): void {}
