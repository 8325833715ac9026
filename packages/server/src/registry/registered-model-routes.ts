import type { FastifyInstance } from 'fastify';
import { mlflowRoute } from '../http/mlflow-route.js';
import { RequestFields } from '../http/request-fields.js';
import type { RegistryDeps } from './registry-deps.js';
import {
  actorOf,
  aliasField,
  maxResultsField,
  modelNameField,
  tagField,
  tagsField,
  versionField,
} from './registry-fields.js';
import { searchRegisteredModels } from './registry-search.js';
import { parseStage, validateDescription } from './registry-validation.js';

/** MLflow's `registered-models/*` RPCs, including tags and aliases. */
export function registerRegisteredModelRoutes(app: FastifyInstance, deps: RegistryDeps): void {
  const { models } = deps;

  mlflowRoute(app, 'POST', '/registered-models/create', async (input, request) => {
    const fields = new RequestFields(input);
    const name = modelNameField(fields);
    const tags = tagsField(fields);
    const description = fields.optionalString('description');
    validateDescription(description);
    const model = await models.create({ name, tags, description, userId: actorOf(request) });
    return { registered_model: model };
  });

  mlflowRoute(app, 'GET', '/registered-models/get', async (input) => {
    const fields = new RequestFields(input);
    return { registered_model: await models.get(modelNameField(fields)) };
  });

  mlflowRoute(app, 'POST', '/registered-models/rename', async (input, request) => {
    const fields = new RequestFields(input);
    const name = modelNameField(fields);
    const newName = modelNameField(fields, 'new_name');
    const model = await models.rename(name, newName);
    await deps.modelChanged(request, newName);
    return { registered_model: model };
  });

  mlflowRoute(app, 'PATCH', '/registered-models/update', async (input, request) => {
    const fields = new RequestFields(input);
    const name = modelNameField(fields);
    const description = fields.optionalString('description');
    validateDescription(description);
    const model = await models.update(name, description);
    await deps.modelChanged(request, name);
    return { registered_model: model };
  });

  mlflowRoute(app, 'DELETE', '/registered-models/delete', async (input) => {
    await models.delete(modelNameField(new RequestFields(input)));
    return {};
  });

  mlflowRoute(app, 'GET', '/registered-models/search', async (input) => {
    const fields = new RequestFields(input);
    const page = await searchRegisteredModels(deps.context.storage, {
      filter: fields.optionalString('filter'),
      maxResults: maxResultsField(fields, 100, 1000),
      orderBy: fields.stringList('order_by'),
      pageToken: fields.optionalString('page_token'),
    });
    return {
      ...(page.items.length > 0 && { registered_models: page.items }),
      ...(page.nextPageToken && { next_page_token: page.nextPageToken }),
    };
  });

  mlflowRoute(app, ['POST', 'GET'], '/registered-models/get-latest-versions', async (input) => {
    const fields = new RequestFields(input);
    const name = modelNameField(fields);
    const stages = fields.stringList('stages').map(parseStage);
    const versions = await models.latestVersions(name, stages);
    return versions.length > 0 ? { model_versions: versions } : {};
  });

  mlflowRoute(app, 'POST', '/registered-models/set-tag', async (input, request) => {
    const fields = new RequestFields(input);
    const name = modelNameField(fields);
    await models.setTag(name, tagField(fields));
    await deps.modelChanged(request, name);
    return {};
  });

  mlflowRoute(app, 'DELETE', '/registered-models/delete-tag', async (input, request) => {
    const fields = new RequestFields(input);
    const name = modelNameField(fields);
    await models.deleteTag(name, fields.requiredString('key'));
    await deps.modelChanged(request, name);
    return {};
  });

  mlflowRoute(app, 'POST', '/registered-models/alias', async (input, request) => {
    const fields = new RequestFields(input);
    const name = modelNameField(fields);
    const alias = aliasField(fields);
    const version = versionField(fields);
    const before = await models.versionByAlias(name, alias).catch(() => undefined);
    await models.setAlias(name, alias, version, actorOf(request));
    await deps.versionChanged(request, name, version);
    if (before && Number(before.version) !== version)
      await deps.versionChanged(request, name, Number(before.version));
    return {};
  });

  mlflowRoute(app, 'DELETE', '/registered-models/alias', async (input, request) => {
    const fields = new RequestFields(input);
    const name = modelNameField(fields);
    const alias = aliasField(fields);
    const before = await models.versionByAlias(name, alias).catch(() => undefined);
    await models.deleteAlias(name, alias, actorOf(request));
    if (before) await deps.versionChanged(request, name, Number(before.version));
    return {};
  });

  mlflowRoute(app, 'GET', '/registered-models/alias', async (input) => {
    const fields = new RequestFields(input);
    const name = modelNameField(fields);
    return { model_version: await models.versionByAlias(name, aliasField(fields)) };
  });
}
