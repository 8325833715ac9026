import type { FastifyInstance } from 'fastify';
import { invalidParameter } from '../errors.js';
import { mlflowRoute, type RequestInput, requestInput } from '../http/mlflow-route.js';
import { missingParameter, RequestFields } from '../http/request-fields.js';
import type { StepRange } from './metric-history.js';
import { readMetric, readRunId, readRunKeyValue } from './request-parsing.js';
import type { TrackingStore } from './tracking-store.js';
import { validateBatchLimits } from './validation.js';

const maxRunsPerBulkRequest = 100;
const maxBulkIntervalResults = 2500;
const maxBulkHistoryResults = 25000;

/** Metric, param and tag ingestion (log-metric, log-batch) and the metric history reads. */
export function registerMetricRoutes(app: FastifyInstance, store: TrackingStore): void {
  const { runData, metrics } = store;

  mlflowRoute(app, 'POST', '/runs/log-metric', async (input) => {
    const fields = new RequestFields(input);
    const runId = readRunId(fields);
    await runData.logBatch(runId, { metrics: [readMetric(fields)], params: [], tags: [] });
    return {};
  });

  mlflowRoute(app, 'POST', '/runs/log-batch', async (input) => {
    const fields = new RequestFields(input);
    const runId = readRunId(fields);
    // Count before reading items, so an oversized batch is refused without parsing it.
    validateBatchLimits(
      listLength(input, 'metrics'),
      listLength(input, 'params'),
      listLength(input, 'tags'),
    );
    const validatedKeys = new Set<string>();
    const batchMetrics = fields
      .objectList('metrics')
      .map((metric) => readMetric(metric, validatedKeys));
    const params = fields.objectList('params').map((param) => readRunKeyValue(param, 'parameter'));
    const tags = fields.objectList('tags').map((tag) => readRunKeyValue(tag, 'tag'));
    assertUniqueParamKeys(params.map((param) => param.key));
    await runData.logBatch(runId, { metrics: batchMetrics, params, tags });
    return {};
  });

  mlflowRoute(app, 'GET', '/metrics/get-history', async (input) => {
    const fields = new RequestFields(input);
    const runId = readRunId(fields);
    const key = fields.requiredString('metric_key');
    const maxResults = fields.optionalInteger('max_results');
    if (maxResults !== undefined && maxResults < 0) {
      throw invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied.`);
    }
    const page = await metrics.history(runId, key, {
      // Protobuf's default 0 means "not given": the whole history.
      maxResults: maxResults || undefined,
      pageToken: fields.optionalString('page_token'),
    });
    return {
      ...(page.metrics.length > 0 && { metrics: page.metrics }),
      ...(page.nextPageToken !== undefined && { next_page_token: page.nextPageToken }),
    };
  });

  mlflowRoute(app, 'GET', '/metrics/get-history-bulk-interval', async (input) => {
    const fields = new RequestFields(input);
    const runIds = fields.stringList('run_ids');
    if (runIds.length === 0) throw missingParameter('run_ids');
    if (runIds.length > maxRunsPerBulkRequest) {
      throw invalidParameter(
        `GetMetricHistoryBulkInterval request must specify at most ${maxRunsPerBulkRequest} run_ids. Received ${runIds.length} run_ids.`,
      );
    }
    const key = fields.requiredString('metric_key');
    const maxResults = fields.optionalInteger('max_results') ?? maxBulkIntervalResults;
    if (maxResults < 1 || maxResults > maxBulkIntervalResults) {
      throw invalidParameter(`max_results must be between 1 and ${maxBulkIntervalResults}.`);
    }
    const points = await metrics.bulkInterval(runIds, key, maxResults, readStepRange(fields));
    return points.length > 0 ? { metrics: points } : {};
  });

  // Not a protobuf RPC: MLflow serves it to its UI under the ajax prefix only.
  app.get('/ajax-api/2.0/mlflow/metrics/get-history-bulk', async (request) => {
    const fields = new RequestFields(requestInput(request));
    const runIds = fields.stringList('run_id');
    if (runIds.length === 0) {
      throw invalidParameter('GetMetricHistoryBulk request must specify at least one run_id.');
    }
    if (runIds.length > maxRunsPerBulkRequest) {
      throw invalidParameter(
        `GetMetricHistoryBulk request cannot specify more than ${maxRunsPerBulkRequest} run_ids. Received ${runIds.length} run_ids.`,
      );
    }
    const key = fields.optionalString('metric_key');
    if (key === undefined) {
      throw invalidParameter('GetMetricHistoryBulk request must specify a metric_key.');
    }
    const requested = fields.optionalInteger('max_results') ?? maxBulkHistoryResults;
    const maxResults = Math.max(0, Math.min(requested, maxBulkHistoryResults));
    return { metrics: await metrics.bulk(runIds, key, maxResults) };
  });
}

function listLength(input: RequestInput, name: string): number {
  const value = input[name];
  return Array.isArray(value) ? value.length : 0;
}

function assertUniqueParamKeys(keys: readonly string[]): void {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const key of keys) {
    if (seen.has(key)) duplicates.push(key);
    seen.add(key);
  }
  if (duplicates.length > 0) {
    throw invalidParameter(
      `Duplicate parameter keys have been submitted: [${duplicates.map((key) => `'${key}'`).join(', ')}]. Please ensure the request contains only one param value per param key.`,
    );
  }
}

function readStepRange(fields: RequestFields): StepRange | undefined {
  const start = fields.optionalInteger('start_step');
  const end = fields.optionalInteger('end_step');
  if (start === undefined && end === undefined) return undefined;
  if (start === undefined || end === undefined) {
    throw invalidParameter(
      'If either start step or end step are specified, both must be specified.',
    );
  }
  if (start > end) {
    throw invalidParameter(
      `end_step must be greater than start_step. Found start_step=${start} and end_step=${end}.`,
    );
  }
  return { start, end };
}
