import type { DatasetInput, Tag } from '@cairn/spec';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { invalidParameter } from '../errors.js';
import { mlflowRoute } from '../http/mlflow-route.js';
import { RequestFields } from '../http/request-fields.js';
import { readRunId, readRunKeyValue, readRunStatus } from './request-parsing.js';
import { randomRunName } from './run-names.js';
import { runNameTag } from './run-store.js';
import type { TrackingStore } from './tracking-store.js';
import { limits } from './validation.js';

/** Run RPCs: create, get, update, delete, restore, tags, params and dataset inputs. */
export function registerRunRoutes(
  app: FastifyInstance,
  store: TrackingStore,
  context: AppContext,
): void {
  const { runs, runData } = store;

  mlflowRoute(app, 'POST', '/runs/create', async (input) => {
    const fields = new RequestFields(input);
    const tags = fields.objectList('tags').map((tag) => readRunKeyValue(tag, 'tag'));
    const requestedName = fields.optionalString('run_name') || undefined;
    const tagName = tags.findLast((tag) => tag.key === runNameTag)?.value || undefined;
    if (requestedName !== undefined && tagName !== undefined && requestedName !== tagName) {
      throw invalidParameter(
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${requestedName}', mlflow.runName='${tagName}').`,
      );
    }
    const runName = requestedName ?? tagName ?? randomRunName();
    if (tagName === undefined) tags.push({ key: runNameTag, value: runName });
    const run = await runs.create({
      experimentId: fields.optionalString('experiment_id') || '0',
      userId: fields.optionalString('user_id') ?? '',
      runName,
      startTime: fields.optionalInteger('start_time') ?? context.clock(),
      tags,
    });
    return { run };
  });

  mlflowRoute(app, 'GET', '/runs/get', async (input) => {
    return { run: await runs.get(readRunId(new RequestFields(input))) };
  });

  mlflowRoute(app, 'POST', '/runs/update', async (input) => {
    const fields = new RequestFields(input);
    const runId = readRunId(fields);
    const runInfo = await runs.update(runId, {
      status: readRunStatus(fields, 'status'),
      endTime: fields.optionalInteger('end_time'),
      runName: fields.optionalString('run_name') || undefined,
    });
    return { run_info: runInfo };
  });

  mlflowRoute(app, 'POST', '/runs/delete', async (input) => {
    await runs.delete(readRunId(new RequestFields(input)));
    return {};
  });

  mlflowRoute(app, 'POST', '/runs/restore', async (input) => {
    await runs.restore(readRunId(new RequestFields(input)));
    return {};
  });

  mlflowRoute(app, 'POST', '/runs/set-tag', async (input) => {
    const fields = new RequestFields(input);
    await runs.setTag(readRunId(fields), readRunKeyValue(fields, 'tag'));
    return {};
  });

  mlflowRoute(app, 'POST', '/runs/delete-tag', async (input) => {
    const fields = new RequestFields(input);
    await runs.deleteTag(readRunId(fields), fields.requiredString('key'));
    return {};
  });

  mlflowRoute(app, 'POST', '/runs/log-parameter', async (input) => {
    const fields = new RequestFields(input);
    await runs.logParam(readRunId(fields), readRunKeyValue(fields, 'parameter'));
    return {};
  });

  mlflowRoute(app, 'POST', '/runs/log-inputs', async (input) => {
    const fields = new RequestFields(input);
    const runId = readRunId(fields);
    const datasets = fields.objectList('datasets').map(readDatasetInput);
    await runData.logInputs(runId, datasets);
    return {};
  });
}

function readDatasetInput(fields: RequestFields): DatasetInput {
  const dataset = fields.optionalObject('dataset');
  if (!dataset) throw invalidParameter('Dataset cannot be None');
  const name = dataset.requiredString('name');
  const digest = dataset.requiredString('digest');
  const sourceType = dataset.requiredString('source_type');
  const source = dataset.requiredString('source');
  const schema = dataset.optionalString('schema');
  const profile = dataset.optionalString('profile');
  for (const [label, value, limit] of [
    ['name', name, limits.datasetNameLength],
    ['digest', digest, limits.datasetDigestLength],
    ['source', source, limits.datasetSourceLength],
    ['schema', schema ?? '', limits.datasetSchemaLength],
    ['profile', profile ?? '', limits.datasetProfileLength],
  ] as const) {
    if (value.length > limit) {
      throw invalidParameter(`Dataset ${label} exceeds the maximum length of ${limit}`);
    }
  }
  const tags: Tag[] = fields.objectList('tags').map((tag) => {
    const key = tag.requiredString('key');
    const value = tag.optionalString('value') ?? '';
    if (key.length > limits.inputTagKeyLength) {
      throw invalidParameter(
        `InputTag key exceeds the maximum length of ${limits.inputTagKeyLength}`,
      );
    }
    if (value.length > limits.inputTagValueLength) {
      throw invalidParameter(
        `InputTag value exceeds the maximum length of ${limits.inputTagValueLength}`,
      );
    }
    return { key, value };
  });
  return {
    dataset: {
      name,
      digest,
      source_type: sourceType,
      source,
      ...(schema !== undefined && { schema }),
      ...(profile !== undefined && { profile }),
    },
    ...(tags.length > 0 && { tags }),
  };
}
