import { invalidParameter } from '../errors.js';
import { safeArtifactPath } from './artifact-path.js';

/**
 * The repository path a run's `mlflow-artifacts:` artifact URI points at:
 * `mlflow-artifacts:/1/abc/artifacts` and `mlflow-artifacts://host:5000/1/abc/artifacts` both give
 * `1/abc/artifacts`. The path is confined like any request path, since an experiment's
 * artifact_location is user input. Other schemes are stored client-side, not served here.
 */
export function proxiedArtifactPath(artifactUri: string): string {
  const match = /^mlflow-artifacts:(\/\/[^/]*)?(.*)$/.exec(artifactUri);
  if (!match) {
    throw invalidParameter(
      `The artifact URI '${artifactUri}' is not served by this server: it only serves proxied artifacts (mlflow-artifacts:/...). Read it with a client that has access to that store.`,
    );
  }
  // The host is ignored, but must look like one: `#`, `?` or `;` there would be smuggling.
  if (match[1] !== undefined && !/^\/\/[A-Za-z0-9.:[\]_-]*$/.test(match[1])) {
    throw invalidParameter('Invalid path');
  }
  return safeArtifactPath((match[2] ?? '').replace(/^\/+/, ''));
}
