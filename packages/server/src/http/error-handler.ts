import type { FastifyError, FastifyInstance } from 'fastify';
import { CairnError } from '../errors.js';

/**
 * Renders every failure as MLflow's `{"error_code", "message"}`. Domain errors keep their code;
 * framework errors (malformed JSON, oversized bodies) map to the closest MLflow code; anything
 * unexpected is logged and answered 500 without leaking internals.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | CairnError, request, reply) => {
    if (error instanceof CairnError) {
      return reply
        .status(error.httpStatus)
        .send({ error_code: error.errorCode, message: error.message });
    }
    if (isDataException(error)) {
      // PostgreSQL refuses some values SQLite stores (a NUL character in text): a client mistake.
      return reply.status(400).send({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: `Invalid value: ${error.message}`,
      });
    }
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      // Another process held the write lock past busy_timeout: transient, so clients retry.
      return reply.status(503).send({
        error_code: 'TEMPORARILY_UNAVAILABLE',
        message: 'The database is busy; retry the request.',
      });
    }
    const status = error.statusCode ?? 500;
    if (status === 413) {
      return reply
        .status(413)
        .send({ error_code: 'RESOURCE_EXHAUSTED', message: 'Request body is too large.' });
    }
    if (status >= 400 && status < 500) {
      const errorCode =
        error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'BAD_REQUEST' : 'INVALID_PARAMETER_VALUE';
      return reply.status(400).send({ error_code: errorCode, message: describeClientError(error) });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(500)
      .send({ error_code: 'INTERNAL_ERROR', message: 'Internal server error.' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      error_code: 'ENDPOINT_NOT_FOUND',
      message: `No endpoint ${request.method} ${request.url.split('?')[0]}.`,
    });
  });
}

function describeClientError(error: FastifyError): string {
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'Request body is empty.';
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return 'Bad Request. Content-Type must be one of [application/json].';
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return `Malformed JSON in request body: ${error.message}`;
  }
  return error.message;
}

/** PostgreSQL's SQLSTATE class 22, "data exception": the value itself is unacceptable. */
function isDataException(error: { code?: unknown }): boolean {
  return typeof error.code === 'string' && /^22[0-9A-Z]{3}$/.test(error.code);
}
