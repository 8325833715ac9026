import { pipeline } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { invalidParameter, resourceDoesNotExist } from '../errors.js';
import { mlflowRoute, type RequestInput, requestInput } from '../http/mlflow-route.js';
import { missingParameter, RequestFields } from '../http/request-fields.js';
import { artifactBasename, joinArtifactPath, safeArtifactPath } from './artifact-path.js';
import { proxiedArtifactPath } from './proxied-artifact-uri.js';
import { byteLimit, requestBodyStream, sendArtifact } from './send-artifact.js';

/** The UI's upload endpoint takes small files only, as MLflow's does. */
const uploadLimitBytes = 10 * 1024 * 1024;

/**
 * Artifact endpoints addressed by run: `artifacts/list` (tracking API), and the UI's non-proto
 * `/get-artifact` and `/ajax-api/2.0/mlflow/upload-artifact`. They serve runs whose artifact
 * URI is `mlflow-artifacts:/…`, from the server's own repository.
 */
export function registerRunArtifactRoutes(scope: FastifyInstance, context: AppContext): void {
  const runArtifactRoot = async (runId: string): Promise<{ uri: string; path: string }> => {
    const run = await context.storage.db
      .selectFrom('runs')
      .select('artifact_uri')
      .where('run_uuid', '=', runId)
      .executeTakeFirst();
    if (run === undefined) throw resourceDoesNotExist(`Run with id=${runId} not found`);
    return { uri: run.artifact_uri, path: proxiedArtifactPath(run.artifact_uri) };
  };

  mlflowRoute(scope, 'GET', '/artifacts/list', async (input) => {
    const fields = new RequestFields(input);
    const runId = runIdOf(fields);
    const relative = safeArtifactPath(fields.optionalString('path') ?? '');
    const root = await runArtifactRoot(runId);
    const files = (await context.artifacts.list(joinArtifactPath(root.path, relative))).map(
      (file) => ({ ...file, path: joinArtifactPath(relative, artifactBasename(file.path)) }),
    );
    return files.length > 0 ? { root_uri: root.uri, files } : { root_uri: root.uri };
  });

  scope.get('/get-artifact', async (request, reply) => {
    const fields = new RequestFields(requestInput(request));
    const runId = runIdOf(fields);
    const relative = safeArtifactPath(fields.requiredString('path'));
    if (relative === '') throw invalidParameter('Invalid path');
    const root = await runArtifactRoot(runId);
    return sendArtifact(reply, context.artifacts, joinArtifactPath(root.path, relative));
  });

  scope.post('/ajax-api/2.0/mlflow/upload-artifact', async (request) => {
    // A raw-body POST: its fields are in the query string.
    const fields = new RequestFields(request.query as RequestInput);
    const runId = fields.optionalString('run_uuid');
    if (!runId) throw invalidParameter('Request must specify run_uuid.');
    const path = fields.optionalString('path');
    if (!path) throw invalidParameter('Request must specify path.');
    const relative = safeArtifactPath(path);
    if (relative === '') throw invalidParameter('Invalid path');
    const tooLarge = `Artifact size is too large. Max size is ${uploadLimitBytes / 1024 / 1024}MB.`;
    if (Number(request.headers['content-length'] ?? 0) > uploadLimitBytes) {
      throw invalidParameter(tooLarge);
    }
    const root = await runArtifactRoot(runId);
    const limited = byteLimit(uploadLimitBytes, tooLarge);
    // Errors reach the repository through `limited`; the callback only keeps them handled.
    pipeline(requestBodyStream(request), limited, () => {});
    await context.artifacts.put(joinArtifactPath(root.path, relative), limited);
    return {};
  });
}

/** MLflow clients send both `run_id` and the legacy `run_uuid`; either will do. */
function runIdOf(fields: RequestFields): string {
  const runId = fields.optionalString('run_id') || fields.optionalString('run_uuid');
  if (!runId) throw missingParameter('run_id');
  return runId;
}
