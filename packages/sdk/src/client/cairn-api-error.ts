/** An error answered by the tracking server (or the failure to reach it), in MLflow's terms. */
export class CairnApiError extends Error {
  override readonly name = 'CairnApiError';
  /** MLflow error code, e.g. `RESOURCE_DOES_NOT_EXIST`; `TEMPORARILY_UNAVAILABLE` when unreachable. */
  readonly errorCode: string;
  /** HTTP status of the answer; 0 when no answer arrived (network error, timeout). */
  readonly httpStatus: number;
  /** Whether trying again later may succeed (network errors, 408, 429, 5xx but 501). */
  readonly isRetryable: boolean;

  constructor(options: {
    errorCode: string;
    httpStatus: number;
    message: string;
    isRetryable: boolean;
    cause?: unknown;
  }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.errorCode = options.errorCode;
    this.httpStatus = options.httpStatus;
    this.isRetryable = options.isRetryable;
  }
}

/** Whether `error` is a CairnApiError with the given MLflow error code. */
export function hasErrorCode(error: unknown, errorCode: string): error is CairnApiError {
  return error instanceof CairnApiError && error.errorCode === errorCode;
}
