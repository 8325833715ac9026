/**
 * The usage/trace record the gateway writes for every call, and the batch it POSTs to a tracking
 * server at `/api/2.0/cairn/gateway/logs`. Plain types: the gateway builds them on the hot path.
 */

/** One gateway call: what was asked, where it went, what it cost. */
export interface GatewayLogRecord {
  /** Unique id of the call (also returned to the client as `x-cairn-request-id`). */
  request_id: string;
  /** Start of the call, epoch milliseconds. */
  timestamp_ms: number;
  route: string;
  route_type: 'llm/v1/chat' | 'llm/v1/completions' | 'llm/v1/embeddings';
  /** The target that answered (or was tried last), by its configured name. */
  target?: string;
  provider?: string;
  model?: string;
  /** HTTP status returned to the client. */
  status: number;
  /** Error message when the call failed (secrets redacted). */
  error?: string;
  stream: boolean;
  /** Request body and response, when payload logging is on (PII-redacted when configured). */
  inputs?: unknown;
  outputs?: unknown;
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  /** USD, from the price catalogue; absent for models it does not list. */
  cost_usd?: number;
  latency_ms: number;
  /** Time to first token (streaming) or to the full response. */
  ttft_ms?: number;
  /** Gateway's own time: latency minus time spent waiting on providers. */
  overhead_ms?: number;
  retries: number;
  /** Targets given up on before the one that answered. */
  fallbacks: number;
  cache_hit: boolean;
  user?: string;
  session?: string;
  tags?: Record<string, string>;
  /** Virtual key id (never the secret). */
  key_id?: string;
}

/** Body of `POST /api/2.0/cairn/gateway/logs`. */
export interface GatewayLogBatch {
  records: GatewayLogRecord[];
  /** Records dropped by the gateway since its previous batch because its queue was full. */
  dropped?: number;
}
