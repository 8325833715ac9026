import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CairnError, invalidParameter } from '../errors.js';
import { requestInput } from '../http/mlflow-route.js';
import { RequestFields } from '../http/request-fields.js';
import { artifactBasename, safeArtifactPath } from './artifact-path.js';
import type { ArtifactRepository } from './artifact-repository.js';
import { requestBodyStream, sendArtifact } from './send-artifact.js';

const prefixes = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'];

/**
 * MLflow's artifact proxy (`mlflow_artifacts.proto`): upload, download, list and delete files in
 * the server's artifact repository, which `mlflow-artifacts:/…` URIs point at. Must be registered
 * in a scope whose content-type parser passes request bodies through as streams.
 */
export function registerProxyArtifactRoutes(
  scope: FastifyInstance,
  repository: ArtifactRepository,
): void {
  for (const prefix of prefixes) {
    scope.get(`${prefix}/artifacts/*`, async (request, reply) =>
      sendArtifact(reply, repository, wildcardPath(request)),
    );

    scope.put(`${prefix}/artifacts/*`, async (request) => {
      await repository.put(wildcardPath(request), requestBodyStream(request));
      return {};
    });

    scope.delete(`${prefix}/artifacts/*`, async (request) => {
      await repository.delete(wildcardPath(request));
      return {};
    });

    scope.get(`${prefix}/artifacts`, async (request) => {
      const fields = new RequestFields(requestInput(request));
      const path = safeArtifactPath(fields.optionalString('path') ?? '');
      const files = (await repository.list(path)).map((file) => ({
        ...file,
        // The proxy API lists names, not paths (handlers `_list_artifacts_mlflow_artifacts`).
        path: artifactBasename(file.path),
      }));
      // Proto JSON omits an empty repeated field.
      return files.length > 0 ? { files } : {};
    });

    for (const action of ['create', 'complete', 'abort']) {
      scope.post(`${prefix}/mpu/${action}/*`, async (request) => {
        wildcardPath(request);
        // Clients fall back to a single streamed PUT on this answer.
        throw new CairnError(
          'NOT_IMPLEMENTED',
          'Multipart upload is not supported for the current artifact repository',
        );
      });
    }
  }
}

/** The `<path>` of the URL, decoded once by the router (as Flask does), then confined. */
function wildcardPath(request: FastifyRequest): string {
  const raw = (request.params as Record<string, string | undefined>)['*'] ?? '';
  const path = safeArtifactPath(raw);
  if (path === '') throw invalidParameter('Invalid path');
  return path;
}
