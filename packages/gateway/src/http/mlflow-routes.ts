import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.js';
import { GatewayError } from '../gateway-error.js';
import { type CompiledRoute, callKinds } from '../gateway-routes.js';
import { fastifyExchange } from './caller.js';
import { invokeAndSend, requireBody } from './openai-routes.js';

/** MLflow's deployments server API (`/endpoints`, `/api/2.0/endpoints/`) and its legacy gateway names. */
export function registerMlflowRoutes(app: FastifyInstance, gateway: Gateway): void {
  const lookup = (name: string): CompiledRoute => {
    const route = gateway.route(name);
    if (!route)
      throw new GatewayError(
        404,
        `The endpoint '${name}' does not exist.`,
        'not_found_error',
        'endpoint_not_found',
      );
    return route;
  };
  for (const prefix of ['/endpoints', '/gateway']) {
    app.post<{ Params: { name: string } }>(
      `${prefix}/:name/invocations`,
      async (request, reply) => {
        const body = requireBody(request.body);
        const route = lookup(request.params.name);
        // MLflow's unified schema has no model field; the path names the endpoint.
        await invokeAndSend(
          gateway,
          fastifyExchange(request, reply),
          callKinds[route.config.type],
          route.config.name,
          body,
        );
      },
    );
  }
  app.get('/api/2.0/endpoints/', async (request) => {
    await gateway.authenticate(request.headers.authorization);
    return { endpoints: gateway.listRoutes().map(endpointEntry) };
  });
  app.get<{ Params: { name: string } }>('/api/2.0/endpoints/:name', async (request) => {
    await gateway.authenticate(request.headers.authorization);
    return endpointEntry(lookup(request.params.name));
  });
  app.get('/api/2.0/gateway/routes/', async (request) => {
    await gateway.authenticate(request.headers.authorization);
    return { routes: gateway.listRoutes().map(routeEntry) };
  });
  app.get<{ Params: { name: string } }>('/api/2.0/gateway/routes/:name', async (request) => {
    await gateway.authenticate(request.headers.authorization);
    return routeEntry(lookup(request.params.name));
  });
  const notYet = async () => {
    throw new GatewayError(
      501,
      'The limits API is not available yet; set limits in the config file.',
      'api_error',
      'not_implemented',
    );
  };
  for (const path of ['/api/2.0/endpoints/limits/*', '/api/2.0/gateway/limits/*']) {
    app.get(path, notYet);
    app.post(path, notYet);
  }
}

function model(route: CompiledRoute) {
  const first = route.config.targets[0]!.model;
  return { name: first.name, provider: first.provider };
}

function endpointEntry(route: CompiledRoute) {
  const { config } = route;
  return {
    name: config.name,
    endpoint_type: config.type,
    model: model(route),
    endpoint_url: `/endpoints/${config.name}/invocations`,
    limit: config.mlflowLimit ?? null,
  };
}

function routeEntry(route: CompiledRoute) {
  const { config } = route;
  return {
    name: config.name,
    route_type: config.type,
    model: model(route),
    route_url: `/gateway/${config.name}/invocations`,
    limit: config.mlflowLimit ?? null,
  };
}
