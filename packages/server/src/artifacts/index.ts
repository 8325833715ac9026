import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { registerProxyArtifactRoutes } from './proxy-artifact-routes.js';
import { registerRunArtifactRoutes } from './run-artifact-routes.js';

export { percentDecode, safeArtifactPath } from './artifact-path.js';
export type {
  ArtifactDownload,
  ArtifactRepository,
  ArtifactStoreSettings,
  AzureSettings,
  S3Settings,
} from './artifact-repository.js';
export { openArtifactRepository } from './open-artifact-repository.js';
export { proxiedArtifactPath } from './proxied-artifact-uri.js';
export { sendArtifact } from './send-artifact.js';

/**
 * Registers the artifact proxy (`/api/2.0/mlflow-artifacts/...`), `artifacts/list`, and the UI's
 * `/get-artifact` and `upload-artifact`. They live in their own scope whose only content-type
 * parser hands every body (of any type, JSON included) to the route as a stream, so uploads of
 * any size pass through without being buffered.
 */
export function registerArtifactRoutes(app: FastifyInstance, context: AppContext): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    registerProxyArtifactRoutes(scope, context.artifacts);
    registerRunArtifactRoutes(scope, context);
  });
}
