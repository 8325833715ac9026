import type { GatewayConfig, RouteConfig, RouteType } from './config/gateway-config.js';
import type { ModelConfig, Provider } from './providers/provider.js';
import { RouteTarget } from './routing/route-target.js';

/** A route ready to serve: its config and its targets with their providers. */
export interface CompiledRoute {
  config: RouteConfig;
  targets: RouteTarget[];
}

/** Which Provider method serves each route type. */
export const callKinds: Record<RouteType, 'chat' | 'completions' | 'embeddings'> = {
  'llm/v1/chat': 'chat',
  'llm/v1/completions': 'completions',
  'llm/v1/embeddings': 'embeddings',
};

/**
 * One config's routes with their providers built. A reload builds a new one and swaps it in;
 * requests hold the one they started with, so they finish on the old routes. Circuit breakers
 * and latency averages carry over for targets whose definition did not change.
 */
export class GatewayRoutes {
  readonly byName = new Map<string, CompiledRoute>();

  constructor(
    readonly config: GatewayConfig,
    createProvider: (model: ModelConfig) => Provider,
    previous?: GatewayRoutes,
  ) {
    for (const route of config.routes) {
      const old = previous?.byName.get(route.name);
      const targets = route.targets.map((target) => {
        const reused = old?.targets.find(
          (candidate) =>
            JSON.stringify(candidate.config) === JSON.stringify(target) &&
            sameRetryShape(old.config, route),
        );
        return reused ?? new RouteTarget(target, createProvider(target.model), route);
      });
      this.byName.set(route.name, { config: route, targets });
    }
  }
}

function sameRetryShape(before: RouteConfig, after: RouteConfig): boolean {
  return JSON.stringify(before.circuitBreaker) === JSON.stringify(after.circuitBreaker);
}
