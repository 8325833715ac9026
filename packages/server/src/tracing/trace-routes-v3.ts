import type { FastifyInstance } from 'fastify';
import { invalidParameter } from '../errors.js';
import { mlflowRoute } from '../http/mlflow-route.js';
import { missingParameter, RequestFields } from '../http/request-fields.js';
import type { Storage } from '../storage/index.js';
import type { AssessmentStore } from './assessment-store.js';
import { queryTraceMetrics } from './trace-metrics.js';
import { parseTraceMetricsRequest } from './trace-metrics-request.js';
import {
  parseDurationMs,
  parseTimestampMs,
  parseTraceState,
  stringMap,
  traceMaxResults,
} from './trace-request-parsing.js';
import { searchTraceIds } from './trace-search.js';
import type { TraceService } from './trace-service.js';
import { otelProtoSpanJson, traceInfoV3Json } from './trace-wire.js';

/** MLflow 3's trace RPCs under `/api/3.0/mlflow/traces…`, plus link-to-run under 2.0. */
export function registerTraceRoutesV3(
  app: FastifyInstance,
  service: TraceService,
  assessments: AssessmentStore,
  storage: Storage,
): void {
  const infoJson = async (requestIds: string[]) => {
    const traces = await service.store.getMany(requestIds);
    const byTrace = await assessments.forTraces(requestIds);
    return traces.map((trace) => {
      const info = traceInfoV3Json(trace);
      const list = byTrace.get(trace.requestId);
      if (list) info.assessments = list;
      return info;
    });
  };
  const fullTrace = async (requestId: string) => {
    const trace = await service.getTrace(requestId);
    const [info] = await infoJson([trace.requestId]);
    const spans = await service.reader.allSpans(requestId);
    return { trace_info: info, spans: spans.map(otelProtoSpanJson) };
  };

  mlflowRoute(
    app,
    'POST',
    '/traces',
    async (input) => {
      const trace = new RequestFields(input).optionalObject('trace');
      const info = trace?.optionalObject('trace_info');
      if (!info) throw missingParameter('trace');
      const raw = (input.trace as Record<string, Record<string, unknown>>).trace_info!;
      const location = info.optionalObject('trace_location');
      const experimentId = location
        ?.optionalObject('mlflow_experiment')
        ?.requiredString('experiment_id');
      if (!experimentId)
        throw missingParameter('trace.trace_info.trace_location.mlflow_experiment.experiment_id');
      const requestId = info.optionalString('trace_id');
      if (requestId !== undefined && !/^[A-Za-z0-9_.:-]{1,128}$/.test(requestId)) {
        throw invalidParameter(`Invalid trace_id '${requestId}'.`);
      }
      const started = await service.startTrace(
        {
          requestId: requestId || undefined,
          experimentId: Number(experimentId),
          clientRequestId: info.optionalString('client_request_id') ?? null,
          timestampMs:
            raw.request_time === undefined
              ? Date.now()
              : parseTimestampMs(raw.request_time, 'request_time'),
          executionTimeMs:
            raw.execution_duration === undefined
              ? null
              : parseDurationMs(raw.execution_duration, 'execution_duration'),
          status: raw.state === undefined ? 'OK' : parseTraceState(raw.state, 'state'),
          requestPreview:
            (info.optionalString('request_preview') ?? info.optionalString('request'))?.slice(
              0,
              1000,
            ) ?? null,
          responsePreview:
            (info.optionalString('response_preview') ?? info.optionalString('response'))?.slice(
              0,
              1000,
            ) ?? null,
          metadata: stringMap(raw.trace_metadata, 'trace_metadata'),
          tags: stringMap(raw.tags, 'tags'),
        },
        { spansInTrackingStore: true },
      );
      return { trace: { trace_info: (await infoJson([started.requestId]))[0] } };
    },
    '3.0',
  );

  mlflowRoute(
    app,
    'GET',
    '/traces/get',
    async (input) => {
      const fields = new RequestFields(input);
      return { trace: await fullTrace(fields.requiredString('trace_id')) };
    },
    '3.0',
  );

  mlflowRoute(
    app,
    'GET',
    '/traces/batchGet',
    async (input) => {
      const ids = new RequestFields(input).stringList('trace_ids');
      if (ids.length === 0) throw missingParameter('trace_ids');
      const traces = [];
      for (const id of ids) traces.push(await fullTrace(id));
      return { traces };
    },
    '3.0',
  );

  mlflowRoute(
    app,
    ['GET', 'POST'],
    '/traces/batchGetInfos',
    async (input) => {
      const ids = new RequestFields(input).stringList('trace_ids');
      return { trace_infos: await infoJson(ids) };
    },
    '3.0',
  );

  mlflowRoute(
    app,
    ['POST', 'GET'],
    '/traces/search',
    async (input) => {
      const fields = new RequestFields(input);
      const experimentIds = [
        ...fields.objectList('locations').flatMap((location) => {
          const id = location.optionalObject('mlflow_experiment')?.optionalString('experiment_id');
          return id === undefined ? [] : [id];
        }),
        ...fields.stringList('experiment_ids'),
      ];
      if (experimentIds.length === 0) throw missingParameter('locations');
      const page = await searchTraceIds(storage, {
        experimentIds: experimentIds.map(Number).filter(Number.isSafeInteger),
        filter: fields.optionalString('filter'),
        orderBy: fields.stringList('order_by'),
        maxResults: traceMaxResults(fields),
        pageToken: fields.optionalString('page_token'),
      });
      const traces = await infoJson(page.requestIds);
      return {
        ...(traces.length > 0 ? { traces } : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      };
    },
    '3.0',
  );

  mlflowRoute(
    app,
    'POST',
    '/traces/metrics',
    async (input) => queryTraceMetrics(storage, parseTraceMetricsRequest(input)),
    '3.0',
  );

  mlflowRoute(
    app,
    'GET',
    '/traces/:trace_id',
    async (_input, request) => {
      const { trace_id: traceId } = request.params as { trace_id: string };
      const trace = await service.getTrace(traceId);
      return { trace: { trace_info: (await infoJson([trace.requestId]))[0] } };
    },
    '3.0',
  );

  for (const version of ['2.0', '3.0'] as const) {
    mlflowRoute(
      app,
      'POST',
      '/traces/link-to-run',
      async (input) => {
        const fields = new RequestFields(input);
        const ids = fields.stringList('trace_ids');
        const runId = fields.requiredString('run_id');
        if (ids.length === 0) throw missingParameter('trace_ids');
        if (ids.length > 100)
          throw invalidParameter('At most 100 traces can be linked to a run at once.');
        for (const id of ids) {
          await service.store.get(id);
          await service.store.addMetadataIfAbsent(id, { 'mlflow.sourceRun': runId });
        }
        return {};
      },
      version,
    );
  }

  registerAssessmentRoutes(app, service, assessments);
}

function registerAssessmentRoutes(
  app: FastifyInstance,
  service: TraceService,
  assessments: AssessmentStore,
): void {
  const assessmentOf = (input: Record<string, unknown>) => {
    const assessment = input.assessment;
    if (!assessment || typeof assessment !== 'object' || Array.isArray(assessment)) {
      throw missingParameter('assessment');
    }
    return assessment as Record<string, unknown>;
  };
  mlflowRoute(
    app,
    'POST',
    '/traces/:trace_id/assessments',
    async (input, request) => {
      const { trace_id: traceId } = request.params as { trace_id: string };
      await service.store.get(traceId);
      return { assessment: await assessments.create(traceId, assessmentOf(input)) };
    },
    '3.0',
  );
  mlflowRoute(
    app,
    'GET',
    '/traces/:trace_id/assessments/:assessment_id',
    async (_input, request) => {
      const params = request.params as { trace_id: string; assessment_id: string };
      return { assessment: await assessments.get(params.trace_id, params.assessment_id) };
    },
    '3.0',
  );
  mlflowRoute(
    app,
    'PATCH',
    '/traces/:trace_id/assessments/:assessment_id',
    async (input, request) => {
      const params = request.params as { trace_id: string; assessment_id: string };
      const mask = input.update_mask;
      const paths =
        typeof mask === 'string'
          ? mask.split(',')
          : Array.isArray((mask as { paths?: unknown })?.paths)
            ? (mask as { paths: unknown[] }).paths.map(String)
            : typeof (mask as { paths?: unknown })?.paths === 'string'
              ? String((mask as { paths: string }).paths).split(',')
              : [];
      const assessment = await assessments.update(
        params.trace_id,
        params.assessment_id,
        assessmentOf(input),
        paths.map((path) => path.trim()).filter((path) => path !== ''),
      );
      return { assessment };
    },
    '3.0',
  );
  mlflowRoute(
    app,
    'DELETE',
    '/traces/:trace_id/assessments/:assessment_id',
    async (_input, request) => {
      const params = request.params as { trace_id: string; assessment_id: string };
      await assessments.delete(params.trace_id, params.assessment_id);
      return {};
    },
    '3.0',
  );
}
