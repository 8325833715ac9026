import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { AssessmentStore } from './assessment-store.js';
import { registerCairnTraceRoutes } from './cairn-trace-routes.js';
import { registerOtlpRoutes } from './otlp-routes.js';
import { TraceRetention } from './trace-retention.js';
import { registerTraceRoutesV2 } from './trace-routes-v2.js';
import { registerTraceRoutesV3 } from './trace-routes-v3.js';
import { TraceService } from './trace-service.js';

export { type AssessmentJson, AssessmentStore } from './assessment-store.js';
export { decodeOtlpJson } from './otlp-json.js';
export { decodeOtlpProtobuf } from './otlp-protobuf.js';
export type { OtlpSpan } from './otlp-span.js';
export { spanSemantics, spanTypes } from './semantic-conventions.js';
export {
  type Moments,
  type TraceOutcome,
  type TraceOutcomeQuery,
  traceOutcomesByTag,
} from './trace-outcomes.js';
export { TraceRetention } from './trace-retention.js';
export { searchTraceIds } from './trace-search.js';
export { TraceService } from './trace-service.js';

/** How often the retention sweeper looks for expired traces. */
const retentionIntervalMs = 10 * 60 * 1000;

/**
 * Registers tracing: MLflow's v2 and v3 trace RPCs, assessments, OTLP/HTTP `POST /v1/traces`,
 * Cairn's trace reads under `/api/2.0/cairn/traces`, and the background retention sweeper
 * (stopped when the app closes).
 */
export function registerTracingRoutes(app: FastifyInstance, context: AppContext): void {
  const { storage } = context;
  // RLIKE on SQLite: a deterministic regexp function on the shared connection.
  const patterns = new Map<string, RegExp>();
  storage.sqlite?.function('cairn_regexp', { deterministic: true }, (pattern, value) => {
    if (typeof pattern !== 'string' || typeof value !== 'string') return 0;
    let regexp = patterns.get(pattern);
    if (!regexp) {
      regexp = new RegExp(pattern);
      if (patterns.size > 100) patterns.clear();
      patterns.set(pattern, regexp);
    }
    return regexp.test(value) ? 1 : 0;
  });
  const service = new TraceService(storage, context.artifacts, undefined, (message, error) =>
    app.log.warn({ err: error }, message),
  );
  const assessments = new AssessmentStore(storage, context.clock);
  const retention = new TraceRetention(storage, context.clock);

  registerTraceRoutesV3(app, service, assessments, storage);
  registerTraceRoutesV2(app, service, storage, context.clock);
  registerCairnTraceRoutes(app, service, retention, storage);
  registerOtlpRoutes(app, service);

  let sweeping: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    sweeping = retention
      .sweep()
      .catch((error) => app.log.warn({ err: error }, 'trace retention sweep failed'));
  }, retentionIntervalMs);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await sweeping;
    await service.close();
    await service.store.statistics.settled();
  });
}
export { scoreSql } from './assessment-score-sql.js';
