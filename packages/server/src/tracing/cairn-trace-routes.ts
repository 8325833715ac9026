import type { FastifyInstance } from 'fastify';
import { invalidParameter } from '../errors.js';
import { requestInput } from '../http/mlflow-route.js';
import { missingParameter, RequestFields } from '../http/request-fields.js';
import type { Storage } from '../storage/index.js';
import { decodeOffsetToken, encodeOffsetToken } from './page-token.js';
import { traceMaxResults } from './trace-request-parsing.js';
import type { TraceRetention } from './trace-retention.js';
import { searchTraceIds } from './trace-search.js';
import type { TraceService } from './trace-service.js';
import { cairnSpanJson, cairnTraceJson } from './trace-wire.js';

const prefixes = ['/api/2.0/cairn/traces', '/ajax-api/2.0/cairn/traces'];

/**
 * Cairn's own trace reads: search with roll-ups, one trace with usage by model, a trace's spans
 * page by page, sessions, and the retention setting.
 */
export function registerCairnTraceRoutes(
  app: FastifyInstance,
  service: TraceService,
  retention: TraceRetention,
  storage: Storage,
): void {
  for (const prefix of prefixes) {
    app.route({
      method: ['GET', 'POST'],
      url: `${prefix}/search`,
      handler: async (request) => {
        const fields = new RequestFields(requestInput(request));
        const experimentIds = fields.stringList('experiment_ids');
        if (experimentIds.length === 0) throw missingParameter('experiment_ids');
        const page = await searchTraceIds(storage, {
          experimentIds: experimentIds.map(Number).filter(Number.isSafeInteger),
          filter: fields.optionalString('filter'),
          orderBy: fields.stringList('order_by'),
          maxResults: traceMaxResults(fields, 1000),
          pageToken: fields.optionalString('page_token'),
        });
        const traces = await service.store.getMany(page.requestIds);
        return {
          traces: traces.map((trace) => cairnTraceJson(trace)),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        };
      },
    });

    app.get(`${prefix}/sessions`, async (request) => {
      const fields = new RequestFields(requestInput(request));
      const experimentIds = fields.stringList('experiment_ids');
      if (experimentIds.length === 0) throw missingParameter('experiment_ids');
      const maxResults = traceMaxResults(fields, 1000);
      const offset = decodeOffsetToken(fields.optionalString('page_token'));
      const sessions = await service.reader.sessions(
        experimentIds.map(Number).filter(Number.isSafeInteger),
        maxResults + 1,
        offset,
      );
      return {
        sessions: sessions.slice(0, maxResults).map((session) => ({
          session_id: session.sessionId,
          trace_count: session.traceCount,
          total_tokens: session.totalTokens,
          cost: session.cost,
          first_timestamp_ms: session.firstTimestampMs,
          last_timestamp_ms: session.lastTimestampMs,
        })),
        ...(sessions.length > maxResults
          ? { next_page_token: encodeOffsetToken(offset + maxResults) }
          : {}),
      };
    });

    app.route({
      method: ['GET', 'POST'],
      url: `${prefix}/retention`,
      handler: async (request) => {
        const fields = new RequestFields(requestInput(request));
        const experiment = await service.store.experiment(fields.requiredString('experiment_id'));
        if (request.method === 'POST') {
          const input = requestInput(request);
          if (!('retention_days' in input)) throw missingParameter('retention_days');
          // null clears the period: traces are then kept forever.
          const days =
            input.retention_days === null ? null : fields.requiredInteger('retention_days');
          await retention.set(experiment.id, days);
        }
        const days = await retention.get(experiment.id);
        return {
          experiment_id: String(experiment.id),
          ...(days === null ? {} : { retention_days: days }),
        };
      },
    });

    app.get(`${prefix}/:trace_id`, async (request) => {
      const { trace_id: traceId } = request.params as { trace_id: string };
      const trace = await service.getTrace(traceId);
      const usage = await service.reader.usageByModel(traceId);
      return { trace: cairnTraceJson(trace, usage) };
    });

    app.get(`${prefix}/:trace_id/spans`, async (request) => {
      const { trace_id: traceId } = request.params as { trace_id: string };
      const fields = new RequestFields(requestInput(request));
      const maxResults = fields.optionalInteger('max_results') ?? 500;
      if (maxResults < 1 || maxResults > 10000) {
        throw invalidParameter('max_results must be between 1 and 10000.');
      }
      const pageToken = fields.optionalString('page_token');
      let page = await service.reader.spanPage(traceId, maxResults, pageToken);
      if (page.spans.length === 0) {
        // No spans: 404 for an unknown trace, and MLflow 2 traces get their artifact's spans.
        const trace = await service.getTrace(traceId);
        if (trace.spanCount > 0)
          page = await service.reader.spanPage(traceId, maxResults, pageToken);
      }
      return {
        spans: page.spans.map(cairnSpanJson),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      };
    });
  }
}
