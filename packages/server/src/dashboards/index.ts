import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { requestInput } from '../http/mlflow-route.js';
import { costDashboard } from './cost-dashboard.js';
import { type DashboardRequest, parseDashboardRequest } from './dashboard-request.js';
import { performanceDashboard } from './performance-dashboard.js';
import { qualityDashboard } from './quality-dashboard.js';
import { usageDashboard } from './usage-dashboard.js';

type Dashboard = (context: AppContext['storage'], request: DashboardRequest) => Promise<unknown>;

const dashboards: Record<string, { compute: Dashboard; groupBy: boolean }> = {
  performance: { compute: performanceDashboard, groupBy: false },
  cost: { compute: costDashboard, groupBy: true },
  usage: { compute: usageDashboard, groupBy: true },
  quality: { compute: qualityDashboard, groupBy: false },
};

/**
 * Registers the dashboard aggregations, `GET /api/2.0/cairn/dashboards/{performance,cost,usage,
 * quality}` (and under `/ajax-api`); shapes and parameters are `@cairn/spec`'s dashboard types.
 */
export function registerDashboardRoutes(app: FastifyInstance, context: AppContext): void {
  for (const [name, dashboard] of Object.entries(dashboards)) {
    for (const prefix of ['/api/2.0/cairn', '/ajax-api/2.0/cairn']) {
      app.get(`${prefix}/dashboards/${name}`, async (request) => {
        const parsed = parseDashboardRequest(requestInput(request), context.clock(), {
          groupBy: dashboard.groupBy,
        });
        return dashboard.compute(context.storage, parsed);
      });
    }
  }
}
