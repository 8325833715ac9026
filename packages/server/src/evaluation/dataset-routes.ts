import type { FastifyInstance } from 'fastify';
import { invalidParameter } from '../errors.js';
import { cairnRoute } from '../http/cairn-route.js';
import type { RequestInput } from '../http/mlflow-route.js';
import { missingParameter, RequestFields } from '../http/request-fields.js';
import type { Storage } from '../storage/index.js';
import { type AssessmentStore, searchTraceIds } from '../tracing/index.js';
import { recordsFromTraces } from './dataset-from-traces.js';
import type { DatasetRecordInput, DatasetStore } from './dataset-store.js';
import { decodePageToken, encodePageToken, maxResultsOf } from './paging.js';

const maxRecordsPerCall = 10_000;
const maxTracesPerCall = 1_000;

function recordsOf(input: RequestInput): DatasetRecordInput[] {
  const records = input.records;
  if (records === undefined || records === null) return [];
  if (!Array.isArray(records)) throw invalidParameter("Parameter 'records' must be a list.");
  if (records.length > maxRecordsPerCall) {
    throw invalidParameter(`At most ${maxRecordsPerCall} records per call; got ${records.length}.`);
  }
  return records as DatasetRecordInput[];
}

function tagsOf(input: RequestInput): Record<string, string> | undefined {
  const tags = input.tags;
  if (tags === undefined || tags === null) return undefined;
  if (typeof tags !== 'object' || Array.isArray(tags)) {
    throw invalidParameter("Parameter 'tags' must map names to strings.");
  }
  for (const value of Object.values(tags)) {
    if (typeof value !== 'string')
      throw invalidParameter("Parameter 'tags' must map names to strings.");
  }
  return tags as Record<string, string>;
}

function experimentIdOf(fields: RequestFields): number | undefined {
  const value = fields.optionalString('experiment_id');
  if (value === undefined || value === '') return undefined;
  const id = Number(value);
  if (!Number.isSafeInteger(id)) throw invalidParameter(`Invalid experiment_id '${value}'.`);
  return id;
}

/**
 * Evaluation datasets under `/api/2.0/cairn/datasets/...`: create (optionally with records),
 * get, search, add and remove records (each a new version), read a version's records page by
 * page, list versions, add records from production traces, delete.
 */
export function registerDatasetRoutes(
  app: FastifyInstance,
  store: DatasetStore,
  storage: Storage,
  assessments: AssessmentStore,
): void {
  const datasetIdOf = async (fields: RequestFields): Promise<string> => {
    const id = fields.optionalString('dataset_id');
    if (id) return id;
    const name = fields.optionalString('name');
    if (!name) throw missingParameter('dataset_id');
    return (await store.get(name, true)).dataset_id;
  };

  cairnRoute(app, 'POST', '/datasets/create', async (input) => {
    const fields = new RequestFields(input);
    const dataset = await store.create({
      name: fields.requiredString('name'),
      experimentId: experimentIdOf(fields),
      description: fields.optionalString('description'),
      tags: tagsOf(input),
      records: recordsOf(input),
      source: fields.optionalString('source') ?? 'create',
    });
    return { dataset };
  });

  cairnRoute(app, 'GET', '/datasets/get', async (input) => {
    const fields = new RequestFields(input);
    return { dataset: await store.get(await datasetIdOf(fields)) };
  });

  cairnRoute(app, ['GET', 'POST'], '/datasets/search', async (input) => {
    const fields = new RequestFields(input);
    const maxResults = maxResultsOf(fields, 100, 1000);
    const offset = decodePageToken(fields.optionalString('page_token'));
    const page = await store.search({
      experimentId: experimentIdOf(fields),
      nameLike: fields.optionalString('name_like'),
      maxResults,
      offset,
    });
    return {
      datasets: page.datasets,
      ...(page.more ? { next_page_token: encodePageToken(offset + maxResults) } : {}),
    };
  });

  cairnRoute(app, 'POST', '/datasets/records/add', async (input) => {
    const fields = new RequestFields(input);
    const records = recordsOf(input);
    if (records.length === 0) throw missingParameter('records');
    const dataset = await store.addRecords(
      await datasetIdOf(fields),
      records,
      fields.optionalString('source') ?? 'add-records',
    );
    return { dataset };
  });

  cairnRoute(app, 'POST', '/datasets/records/delete', async (input) => {
    const fields = new RequestFields(input);
    const recordIds = fields.stringList('record_ids');
    if (recordIds.length === 0) throw missingParameter('record_ids');
    return { dataset: await store.removeRecords(await datasetIdOf(fields), recordIds) };
  });

  cairnRoute(app, ['GET', 'POST'], '/datasets/records', async (input) => {
    const fields = new RequestFields(input);
    const maxResults = maxResultsOf(fields, 1000, 10_000);
    const offset = decodePageToken(fields.optionalString('page_token'));
    const version = fields.optionalInteger('version');
    const page = await store.records(await datasetIdOf(fields), {
      maxResults,
      offset,
      ...(version === undefined ? {} : { version }),
    });
    return {
      records: page.records,
      version: page.version.version,
      digest: page.version.digest,
      record_count: page.version.record_count,
      ...(page.more ? { next_page_token: encodePageToken(offset + maxResults) } : {}),
    };
  });

  cairnRoute(app, 'GET', '/datasets/versions', async (input) => {
    const fields = new RequestFields(input);
    return { versions: await store.versions(await datasetIdOf(fields)) };
  });

  cairnRoute(app, 'POST', '/datasets/from-traces', async (input) => {
    const fields = new RequestFields(input);
    let traceIds = fields.stringList('trace_ids');
    if (traceIds.length === 0) {
      const experimentIds = fields.stringList('experiment_ids');
      if (experimentIds.length === 0) throw missingParameter('trace_ids');
      const page = await searchTraceIds(storage, {
        experimentIds: experimentIds.map(Number).filter(Number.isSafeInteger),
        filter: fields.optionalString('filter'),
        orderBy: ['timestamp_ms ASC'],
        maxResults: Math.min(fields.optionalInteger('max_traces') ?? 100, maxTracesPerCall),
      });
      traceIds = page.requestIds;
    }
    if (traceIds.length > maxTracesPerCall) {
      throw invalidParameter(`At most ${maxTracesPerCall} traces per call.`);
    }
    const records = await recordsFromTraces(storage, assessments, traceIds);
    if (records.length === 0) throw invalidParameter('No matching trace has inputs to add.');
    const existingId = fields.optionalString('dataset_id');
    const dataset = existingId
      ? await store.addRecords(existingId, records, 'traces')
      : await store.create({
          name: fields.requiredString('name'),
          experimentId: experimentIdOf(fields),
          records,
          source: 'traces',
        });
    return { dataset, added: records.length };
  });

  cairnRoute(app, ['POST', 'DELETE'], '/datasets/delete', async (input) => {
    const fields = new RequestFields(input);
    await store.delete(await datasetIdOf(fields));
    return {};
  });
}
