/**
 * The attribute keys the SDK sends, and the server maps. Values of `mlflow.*` keys are JSON text
 * (MLflow's convention: `mlflow.spanType` is `"\"CHAT_MODEL\""`); other keys carry typed
 * OpenTelemetry values, objects (`cairn.trace.tags`) as JSON text.
 */
export const TraceAttribute = {
  /** The MLflow trace id (`tr-…`); the SDK leaves it out, the server derives it from the trace id. */
  traceRequestId: 'mlflow.traceRequestId',
  spanType: 'mlflow.spanType',
  spanInputs: 'mlflow.spanInputs',
  spanOutputs: 'mlflow.spanOutputs',
  /** `{input_tokens, output_tokens, total_tokens}` of an LLM call. */
  tokenUsage: 'mlflow.chat.tokenUsage',
  model: 'mlflow.llm.model',
  provider: 'mlflow.llm.provider',
  /** Milliseconds from request to first streamed token (Cairn's addition). */
  timeToFirstTokenMs: 'cairn.llm.timeToFirstTokenMs',
  // Trace-level data, sent on the root span.
  traceUser: 'mlflow.trace.user',
  traceSession: 'mlflow.trace.session',
  /** JSON object of trace tags (e.g. `mlflow.traceName` when the trace is renamed). */
  traceTags: 'cairn.trace.tags',
  /** JSON object of trace metadata (e.g. `mlflow.sourceRun`). */
  traceMetadata: 'cairn.trace.metadata',
  otelUserId: 'user.id',
  otelSessionId: 'session.id',
} as const;

/** Trace metadata key linking a trace to the run that was active when it started. */
export const sourceRunKey = 'mlflow.sourceRun';
/** Trace tag key of a trace's display name. */
export const traceNameKey = 'mlflow.traceName';
