import type { FastifyInstance } from 'fastify';
import { type RequestInput, type RpcHandler, requestInput } from '../http/mlflow-route.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Registers one of Cairn's own JSON endpoints under `/api/2.0/cairn` and `/ajax-api/2.0/cairn`. */
export function cairnRoute(
  app: FastifyInstance,
  methods: Method | Method[],
  path: string,
  handler: RpcHandler,
): void {
  for (const prefix of ['/api/2.0/cairn', '/ajax-api/2.0/cairn']) {
    app.route({
      method: methods,
      url: `${prefix}${path}`,
      handler: async (request) =>
        (await handler(requestInput(request) as RequestInput, request)) ?? {},
    });
  }
}
