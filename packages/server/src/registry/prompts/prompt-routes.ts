import type { Tag } from '@cairn/spec';
import type { FastifyInstance } from 'fastify';
import { CairnError, invalidParameter } from '../../errors.js';
import { cairnRoute } from '../../http/cairn-route.js';
import { RequestFields } from '../../http/request-fields.js';
import type { RegistryDeps } from '../registry-deps.js';
import { actorOf, aliasField, maxResultsField, versionField } from '../registry-fields.js';
import { isPromptModel } from '../registry-lookups.js';
import { searchModelVersions, searchRegisteredModels } from '../registry-search.js';
import { promptMarkerTag, promptTextTag, validateRegistryTag } from '../registry-validation.js';
import {
  promptModelConfigTag,
  promptResponseFormatTag,
  promptSource,
  promptTypeTag,
  promptVersionToJson,
  readTemplate,
  validatePromptName,
} from './prompt-format.js';

/**
 * Cairn's prompt endpoints over MLflow's storage (a prompt is a registered model tagged
 * `mlflow.prompt.is_prompt=true`, a version keeps its template in `mlflow.prompt.text`), so
 * MLflow's prompt clients and these endpoints see the same prompts.
 */
export function registerPromptRoutes(app: FastifyInstance, deps: RegistryDeps): void {
  const db = () => deps.context.storage.db;

  cairnRoute(app, 'POST', '/prompts/create', async (input, request) => {
    const fields = new RequestFields(input);
    const name = fields.requiredString('name');
    validatePromptName(name);
    const { text, type } = readTemplate(input.template);
    const commitMessage = fields.optionalString('commit_message');
    const tags: Tag[] = [
      { key: promptTextTag, value: text },
      { key: promptTypeTag, value: type },
    ];
    for (const [key, raw] of [
      [promptModelConfigTag, input.model_config],
      [promptResponseFormatTag, input.response_format],
    ] as const) {
      if (raw === undefined || raw === null) continue;
      if (typeof raw !== 'object' || Array.isArray(raw))
        throw invalidParameter(`Invalid value for '${key}': a JSON object.`);
      tags.push({ key, value: JSON.stringify(raw) });
    }
    // `tags` is a {key: value} object here (a prompt API), checked to be one first.
    if (fields.optionalObject('tags'))
      for (const [key, value] of Object.entries(input.tags as Record<string, unknown>))
        tags.push({ key, value: String(value) });
    for (const tag of tags) validateRegistryTag(tag.key, tag.value);

    const exists = await db()
      .selectFrom('registered_models')
      .select('name')
      .where('name', '=', name)
      .executeTakeFirst();
    if (exists && !(await isPromptModel(db(), name)))
      throw invalidParameter(`Registered model '${name}' exists and is not a prompt.`);
    if (!exists) {
      try {
        await deps.models.create({
          name,
          tags: [{ key: promptMarkerTag, value: 'true' }],
          userId: actorOf(request),
        });
      } catch (error) {
        // A concurrent create of the same prompt is fine; anything else is not.
        if (!(error instanceof CairnError && error.errorCode === 'RESOURCE_ALREADY_EXISTS'))
          throw error;
      }
    }
    const version = await deps.versions.create({
      name,
      source: promptSource,
      tags,
      description: commitMessage,
      userId: actorOf(request),
    });
    return { prompt_version: promptVersionToJson(version) };
  });

  cairnRoute(app, 'GET', '/prompts/get', async (input) => {
    const fields = new RequestFields(input);
    const name = fields.requiredString('name');
    const version = fields.has('alias')
      ? await deps.models.versionByAlias(name, aliasField(fields))
      : await deps.versions.get(name, versionField(fields));
    if (!(version.tags ?? []).some((tag) => tag.key === promptTextTag))
      throw invalidParameter(`'${name}' version ${version.version} is not a prompt version.`);
    return { prompt_version: promptVersionToJson(version) };
  });

  cairnRoute(app, 'GET', '/prompts/search', async (input) => {
    const fields = new RequestFields(input);
    const userFilter = fields.optionalString('filter');
    const filter = `tags.\`${promptMarkerTag}\` = 'true'${userFilter ? ` and ${userFilter}` : ''}`;
    const page = await searchRegisteredModels(deps.context.storage, {
      filter,
      maxResults: maxResultsField(fields, 100, 1000),
      orderBy: fields.stringList('order_by'),
      pageToken: fields.optionalString('page_token'),
    });
    return {
      prompts: page.items.map((model) => ({
        name: model.name,
        ...(model.description && { description: model.description }),
        creation_timestamp: model.creation_timestamp,
        last_updated_timestamp: model.last_updated_timestamp,
        latest_version: String(
          Math.max(0, ...(model.latest_versions ?? []).map((v) => Number(v.version))),
        ),
        aliases: model.aliases ?? [],
        tags: Object.fromEntries(
          (model.tags ?? [])
            .filter((tag) => tag.key !== promptMarkerTag)
            .map((tag) => [tag.key, tag.value]),
        ),
      })),
      ...(page.nextPageToken && { next_page_token: page.nextPageToken }),
    };
  });

  cairnRoute(app, 'GET', '/prompts/versions', async (input) => {
    const fields = new RequestFields(input);
    const name = fields.requiredString('name');
    const escaped = name.replaceAll("'", "''");
    const page = await searchModelVersions(deps.context.storage, {
      filter: `name = '${escaped}'`,
      maxResults: maxResultsField(fields, 1000, 10_000),
      orderBy: ['version_number DESC'],
      pageToken: fields.optionalString('page_token'),
    });
    return {
      prompt_versions: page.items.map(promptVersionToJson),
      ...(page.nextPageToken && { next_page_token: page.nextPageToken }),
    };
  });
}
