import type { FastifyInstance } from 'fastify';
import { type RpcHandler, requestInput } from './mlflow-route.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Registers a Cairn RPC under `/api/2.0/cairn<path>` and the UI's `/ajax-api/2.0/cairn<path>`. */
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
      handler: async (request) => (await handler(requestInput(request), request)) ?? {},
    });
  }
}
