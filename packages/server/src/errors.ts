import { type ErrorCode, errorCodeHttpStatus } from '@cairn/spec';

/** A domain error: carries MLflow's error code, which decides the HTTP status it renders with. */
export class CairnError extends Error {
  readonly errorCode: ErrorCode;

  constructor(errorCode: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CairnError';
    this.errorCode = errorCode;
  }

  /** The HTTP status MLflow answers with for this error code. */
  get httpStatus(): number {
    return errorCodeHttpStatus[this.errorCode];
  }
}

/** 400 INVALID_PARAMETER_VALUE: the request named something malformed or out of range. */
export function invalidParameter(message: string): CairnError {
  return new CairnError('INVALID_PARAMETER_VALUE', message);
}

/** 404 RESOURCE_DOES_NOT_EXIST: the request named something that is not there. */
export function resourceDoesNotExist(message: string): CairnError {
  return new CairnError('RESOURCE_DOES_NOT_EXIST', message);
}

/** 400 RESOURCE_ALREADY_EXISTS (MLflow answers 400, not 409). */
export function resourceAlreadyExists(message: string): CairnError {
  return new CairnError('RESOURCE_ALREADY_EXISTS', message);
}
