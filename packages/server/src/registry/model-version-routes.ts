import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { proxiedArtifactPath, safeArtifactPath, sendArtifact } from '../artifacts/index.js';
import { invalidParameter } from '../errors.js';
import { mlflowRoute, requestInput } from '../http/mlflow-route.js';
import { RequestFields } from '../http/request-fields.js';
import type { RegistryDeps } from './registry-deps.js';
import {
  actorOf,
  maxResultsField,
  modelNameField,
  tagField,
  tagsField,
  versionField,
} from './registry-fields.js';
import { searchModelVersions } from './registry-search.js';
import { parseStage, validateDescription } from './registry-validation.js';

/** MLflow's `model-versions/*` RPCs and the UI's `/model-versions/get-artifact`. */
export function registerModelVersionRoutes(app: FastifyInstance, deps: RegistryDeps): void {
  const { versions } = deps;

  mlflowRoute(app, 'POST', '/model-versions/create', async (input, request) => {
    const fields = new RequestFields(input);
    const name = modelNameField(fields);
    const source = fields.requiredString('source');
    const tags = tagsField(fields);
    const description = fields.optionalString('description');
    validateDescription(description);
    const created = await versions.create({
      name,
      source,
      runId: fields.optionalString('run_id') || undefined,
      tags,
      runLink: fields.optionalString('run_link') || undefined,
      description,
      userId: actorOf(request),
    });
    await deps.versionChanged(request, name, Number(created.version));
    return { model_version: created };
  });

  mlflowRoute(app, 'GET', '/model-versions/get', async (input) => {
    const fields = new RequestFields(input);
    return { model_version: await versions.get(modelNameField(fields), versionField(fields)) };
  });

  mlflowRoute(app, 'PATCH', '/model-versions/update', async (input, request) => {
    const fields = new RequestFields(input);
    const name = modelNameField(fields);
    const version = versionField(fields);
    const description = fields.optionalString('description');
    validateDescription(description);
    const updated = await versions.update(name, version, description);
    await deps.versionChanged(request, name, version);
    return { model_version: updated };
  });

  mlflowRoute(app, 'DELETE', '/model-versions/delete', async (input) => {
    const fields = new RequestFields(input);
    await versions.delete(modelNameField(fields), versionField(fields));
    return {};
  });

  mlflowRoute(app, 'POST', '/model-versions/transition-stage', async (input, request) => {
    const fields = new RequestFields(input);
    const name = modelNameField(fields);
    const version = versionField(fields);
    const stage = parseStage(fields.requiredString('stage'));
    const archive = fields.optionalBoolean('archive_existing_versions') ?? false;
    const before = archive ? await deps.models.latestVersions(name, [stage]) : [];
    const moved = await versions.transitionStage(name, version, stage, archive, actorOf(request));
    await deps.versionChanged(request, name, version);
    for (const other of before)
      if (Number(other.version) !== version)
        await deps.versionChanged(request, name, Number(other.version));
    return { model_version: moved };
  });

  mlflowRoute(app, 'GET', '/model-versions/search', async (input) => {
    const fields = new RequestFields(input);
    const page = await searchModelVersions(deps.context.storage, {
      filter: fields.optionalString('filter'),
      maxResults: maxResultsField(fields, 10_000, 200_000),
      orderBy: fields.stringList('order_by'),
      pageToken: fields.optionalString('page_token'),
    });
    return {
      ...(page.items.length > 0 && { model_versions: page.items }),
      ...(page.nextPageToken && { next_page_token: page.nextPageToken }),
    };
  });

  mlflowRoute(app, 'GET', '/model-versions/get-download-uri', async (input) => {
    const fields = new RequestFields(input);
    return {
      artifact_uri: await versions.downloadUri(modelNameField(fields), versionField(fields)),
    };
  });

  mlflowRoute(app, 'POST', '/model-versions/set-tag', async (input, request) => {
    const fields = new RequestFields(input);
    const name = modelNameField(fields);
    const version = versionField(fields);
    await versions.setTag(name, version, tagField(fields, true));
    await deps.versionChanged(request, name, version);
    return {};
  });

  mlflowRoute(app, 'DELETE', '/model-versions/delete-tag', async (input, request) => {
    const fields = new RequestFields(input);
    const name = modelNameField(fields);
    const version = versionField(fields);
    await versions.deleteTag(name, version, fields.requiredString('key'));
    await deps.versionChanged(request, name, version);
    return {};
  });

  const getArtifact = async (request: FastifyRequest, reply: FastifyReply) => {
    const fields = new RequestFields(requestInput(request));
    const name = modelNameField(fields);
    const version = versionField(fields);
    const relative = safeArtifactPath(fields.requiredString('path'));
    if (relative === '') throw invalidParameter('Invalid path');
    const root = proxiedArtifactPath(await versions.downloadUri(name, version));
    return sendArtifact(
      reply,
      deps.context.artifacts,
      root === '' ? relative : `${root}/${relative}`,
    );
  };
  app.get('/model-versions/get-artifact', getArtifact);
  app.get('/ajax-api/2.0/mlflow/model-versions/get-artifact', getArtifact);
}
