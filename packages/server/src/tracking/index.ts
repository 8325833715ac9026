import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { registerExperimentRoutes } from './experiment-routes.js';
import { registerMetricRoutes } from './metric-routes.js';
import { registerRunRoutes } from './run-routes.js';
import { registerSearchRoutes } from './search-routes.js';
import { createTrackingStore } from './tracking-store.js';

export type { TrackingStore } from './tracking-store.js';
export { createTrackingStore } from './tracking-store.js';

/** Registers MLflow's tracking RPCs: experiments, runs, metrics, params, tags, inputs. */
export function registerTrackingRoutes(app: FastifyInstance, context: AppContext): void {
  const store = createTrackingStore(context.storage, context.clock);
  registerExperimentRoutes(app, store);
  registerRunRoutes(app, store, context);
  registerMetricRoutes(app, store);
  registerSearchRoutes(app, store, context);
}
