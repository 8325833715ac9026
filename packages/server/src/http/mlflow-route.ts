import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidParameter } from '../errors.js';

/** A request's fields: the query string for GET, the JSON body otherwise. */
export type RequestInput = Record<string, unknown>;

/** Handles one MLflow RPC: takes the request's fields, returns the JSON response body. */
export type RpcHandler = (
  input: RequestInput,
  request: FastifyRequest,
) => Promise<unknown> | unknown;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

/**
 * Registers an MLflow RPC under both of MLflow's prefixes, `/api/<v>/mlflow<path>` and
 * `/ajax-api/<v>/mlflow<path>`, for each method given.
 */
export function mlflowRoute(
  app: FastifyInstance,
  methods: Method | Method[],
  path: string,
  handler: RpcHandler,
  apiVersion: '2.0' | '3.0' = '2.0',
): void {
  for (const prefix of [`/api/${apiVersion}/mlflow`, `/ajax-api/${apiVersion}/mlflow`]) {
    app.route({
      method: methods,
      url: `${prefix}${path}`,
      handler: async (request) => (await handler(requestInput(request), request)) ?? {},
    });
  }
}

/** GET reads the query string (repeated keys become lists); other verbs read the JSON body. */
export function requestInput(request: FastifyRequest): RequestInput {
  if (request.method === 'GET') return (request.query ?? {}) as RequestInput;
  let body: unknown = request.body;
  // MLflow accepts a JSON body that was encoded twice.
  if (typeof body === 'string') {
    try {
      body = body === '' ? {} : JSON.parse(body);
    } catch {
      throw invalidParameter('Request body is not valid JSON.');
    }
  }
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw invalidParameter('Request body must be a JSON object.');
  }
  return body as RequestInput;
}
