import type { LinkedPrompt } from '@cairn/spec';
import type { FastifyInstance } from 'fastify';
import { invalidParameter } from '../errors.js';
import { mlflowRoute } from '../http/mlflow-route.js';
import { missingParameter, RequestFields } from '../http/request-fields.js';
import type { Storage } from '../storage/index.js';
import { pairList, parseTraceState, traceMaxResults } from './trace-request-parsing.js';
import { searchTraceIds } from './trace-search.js';
import type { TraceService } from './trace-service.js';
import { traceInfoV2Json } from './trace-wire.js';

/**
 * MLflow 2's trace RPCs (`/api/2.0/mlflow/traces…`, used by 2.14–2.21 clients), and the tag and
 * delete RPCs both versions share.
 */
export function registerTraceRoutesV2(
  app: FastifyInstance,
  service: TraceService,
  storage: Storage,
  clock: () => number,
): void {
  mlflowRoute(app, 'POST', '/traces', async (input) => {
    const fields = new RequestFields(input);
    const trace = await service.startTrace(
      {
        experimentId: Number(fields.requiredString('experiment_id')),
        timestampMs: fields.optionalInteger('timestamp_ms') ?? clock(),
        status: 'IN_PROGRESS',
        metadata: pairList(fields, 'request_metadata'),
        tags: pairList(fields, 'tags'),
      },
      { spansInTrackingStore: false },
    );
    return { trace_info: traceInfoV2Json(trace) };
  });

  mlflowRoute(app, 'PATCH', '/traces/:request_id', async (input, request) => {
    const { request_id: requestId } = request.params as { request_id: string };
    const fields = new RequestFields(input);
    const trace = await service.endTraceV2(requestId, {
      timestampMs: fields.optionalInteger('timestamp_ms') ?? clock(),
      status: input.status === undefined ? 'OK' : parseTraceState(input.status, 'status'),
      metadata: pairList(fields, 'request_metadata'),
      tags: pairList(fields, 'tags'),
    });
    return { trace_info: traceInfoV2Json(trace) };
  });

  mlflowRoute(app, 'GET', '/traces/:request_id/info', async (_input, request) => {
    const { request_id: requestId } = request.params as { request_id: string };
    return { trace_info: traceInfoV2Json(await service.getTrace(requestId)) };
  });

  mlflowRoute(app, 'GET', '/traces', async (input) => {
    const fields = new RequestFields(input);
    const experimentIds = fields.stringList('experiment_ids');
    if (experimentIds.length === 0) throw missingParameter('experiment_ids');
    const page = await searchTraceIds(storage, {
      experimentIds: experimentIds.map(Number).filter(Number.isSafeInteger),
      filter: fields.optionalString('filter'),
      orderBy: fields.stringList('order_by'),
      maxResults: traceMaxResults(fields),
      pageToken: fields.optionalString('page_token'),
    });
    const traces = (await service.store.getMany(page.requestIds)).map(traceInfoV2Json);
    return {
      ...(traces.length > 0 ? { traces } : {}),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  });

  // MLflow clients link the prompt versions a trace used; kept as the trace's
  // `mlflow.linkedPrompts` tag (added to, not replaced), which `prompt = "name/version"` searches.
  mlflowRoute(app, 'POST', '/traces/link-prompts', async (input) => {
    const fields = new RequestFields(input);
    const traceId = fields.requiredString('trace_id');
    const links = promptVersionList(input.prompt_versions);
    await service.store.linkPrompts(traceId, links);
    return {};
  });

  for (const version of ['2.0', '3.0'] as const) {
    const idOf = (params: unknown) => {
      const record = params as { request_id?: string; trace_id?: string };
      return (record.request_id ?? record.trace_id)!;
    };
    const param = version === '2.0' ? ':request_id' : ':trace_id';
    mlflowRoute(
      app,
      'PATCH',
      `/traces/${param}/tags`,
      async (input, request) => {
        const fields = new RequestFields(input);
        await service.store.setTag(
          idOf(request.params),
          fields.requiredString('key'),
          fields.optionalString('value') ?? '',
        );
        return {};
      },
      version,
    );
    mlflowRoute(
      app,
      'DELETE',
      `/traces/${param}/tags`,
      async (input, request) => {
        const fields = new RequestFields({ ...(request.query as object), ...input });
        await service.store.deleteTag(idOf(request.params), fields.requiredString('key'));
        return {};
      },
      version,
    );
    mlflowRoute(
      app,
      'POST',
      '/traces/delete-traces',
      async (input) => {
        const fields = new RequestFields(input);
        const experiment = await service.store.experiment(fields.requiredString('experiment_id'));
        const requestIds = [...fields.stringList('request_ids'), ...fields.stringList('trace_ids')];
        const maxTimestamp = fields.optionalInteger('max_timestamp_millis');
        if (requestIds.length > 0 && maxTimestamp !== undefined) {
          throw invalidParameter('Specify either request_ids or max_timestamp_millis, not both.');
        }
        if (requestIds.length === 0 && maxTimestamp === undefined) {
          throw invalidParameter('Either max_timestamp_millis or request_ids must be specified.');
        }
        const deleted = await service.store.deleteTraces(
          experiment.id,
          maxTimestamp !== undefined
            ? { maxTimestampMillis: maxTimestamp, maxTraces: fields.optionalInteger('max_traces') }
            : { requestIds },
        );
        return { traces_deleted: deleted };
      },
      version,
    );
  }
}

/** `prompt_versions`: a non-empty list of `{name, version}`. */
function promptVersionList(value: unknown): LinkedPrompt[] {
  if (value === undefined) throw missingParameter('prompt_versions');
  if (!Array.isArray(value) || value.length === 0)
    throw invalidParameter("'prompt_versions' must be a non-empty list of {name, version}.");
  return value.map((entry: unknown, index) => {
    const { name, version } = (entry ?? {}) as { name?: unknown; version?: unknown };
    const versionText = typeof version === 'number' ? String(version) : version;
    if (
      typeof name !== 'string' ||
      name === '' ||
      typeof versionText !== 'string' ||
      !/^\d+$/.test(versionText)
    )
      throw invalidParameter(
        `prompt_versions[${index}] must have a non-empty 'name' and a numeric 'version'.`,
      );
    return { name, version: versionText };
  });
}
