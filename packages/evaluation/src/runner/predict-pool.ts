/**
 * Calls `predict` once per row with at most `concurrency` calls in flight, starting the next row
 * the moment one settles (a worker pool, never batches, so one slow row never idles the rest).
 * Transient failures are retried with jittered exponential backoff; a row whose calls all fail
 * carries its error and the others go on.
 */
import type { EvalRow } from '../metric.js';
import { type PredictionOutput, readPredictionOutput } from './prediction-output.js';

/** The user's model: called with a row, returns a prediction (see `readPredictionOutput`). */
export type PredictFn = (
  row: EvalRow,
  context: { index: number; attempt: number; signal?: AbortSignal },
) => unknown;

/** How failed calls are retried. */
export interface PredictRetryOptions {
  /** Retries after the first attempt (default 2). */
  maxRetries?: number;
  /** First backoff in ms (default 200), doubled per retry with ±50% jitter, capped by maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Which errors are worth another attempt (default: `isTransientError`). */
  isRetryable?: (error: unknown) => boolean;
}

/** One row's prediction, or why there is none. */
export interface PredictedRow extends Partial<PredictionOutput> {
  /** Wall time of the successful attempt in ms (absent when every attempt failed). */
  latencyMs?: number;
  attempts: number;
  error?: string;
}

/** Options of `predictRows`. */
export interface PredictRowsOptions {
  rows: readonly EvalRow[];
  predict: PredictFn;
  concurrency?: number;
  retry?: PredictRetryOptions;
  signal?: AbortSignal;
  /** Wraps each row's call (the SDK opens a trace span here). */
  wrap?: <T>(row: EvalRow, index: number, call: () => Promise<T>) => Promise<T>;
  /** Called as each row settles. */
  onRowDone?: (index: number, result: PredictedRow) => void;
}

const transientCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * True for errors another attempt may cure: ones that say so (`isRetryable`), HTTP 408/409/429/5xx
 * (`status` or `statusCode`), timeouts and connection resets.
 */
export function isTransientError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const fields = error as Record<string, unknown>;
  if (typeof fields.isRetryable === 'boolean') return fields.isRetryable;
  const status = fields.status ?? fields.statusCode;
  if (typeof status === 'number')
    return status === 408 || status === 409 || status === 429 || status >= 500;
  if (typeof fields.code === 'string' && transientCodes.has(fields.code)) return true;
  if (fields.name === 'TimeoutError') return true;
  return fields.cause !== undefined && fields.cause !== error
    ? isTransientError(fields.cause)
    : false;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Predicts every row and returns the results in row order.
 *
 * @example await predictRows({ rows, predict: async (row) => model(row.inputs), concurrency: 16 })
 */
export async function predictRows(options: PredictRowsOptions): Promise<PredictedRow[]> {
  const { rows, predict, signal } = options;
  const maxRetries = options.retry?.maxRetries ?? 2;
  const initialDelayMs = options.retry?.initialDelayMs ?? 200;
  const maxDelayMs = options.retry?.maxDelayMs ?? 5_000;
  const isRetryable = options.retry?.isRetryable ?? isTransientError;
  const results = new Array<PredictedRow>(rows.length);

  const callRow = async (row: EvalRow, index: number): Promise<PredictedRow> => {
    let lastError: unknown;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      if (signal?.aborted) return { attempts: attempt, error: 'evaluation aborted' };
      const started = performance.now();
      try {
        const value = await predict(row, { index, attempt, ...(signal ? { signal } : {}) });
        return {
          ...readPredictionOutput(value),
          latencyMs: performance.now() - started,
          attempts: attempt + 1,
        };
      } catch (error) {
        lastError = error;
        if (attempt === maxRetries || !isRetryable(error)) {
          return { attempts: attempt + 1, error: describe(error) };
        }
        const base = Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
        await sleep(base * (0.5 + Math.random()), signal);
      }
    }
    return { attempts: maxRetries + 1, error: describe(lastError) };
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rows.length) {
      const index = next++;
      const row = rows[index]!;
      let result: PredictedRow;
      try {
        result = options.wrap
          ? await options.wrap(row, index, () => callRow(row, index))
          : await callRow(row, index);
      } catch (error) {
        // A throwing wrapper (tracing) must not cost the row its prediction twice; record it.
        result = { attempts: 0, error: describe(error) };
      }
      results[index] = result;
      options.onRowDone?.(index, result);
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(options.concurrency ?? 8) || 1, rows.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
