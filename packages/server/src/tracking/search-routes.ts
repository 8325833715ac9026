import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { mlflowRoute } from '../http/mlflow-route.js';
import { RequestFields } from '../http/request-fields.js';
import { searchExperimentIds, searchRunIds } from '../search/index.js';
import { readSearchMaxResults, readViewType } from './request-parsing.js';
import type { TrackingStore } from './tracking-store.js';

const defaultMaxResults = 1000;

/** `runs/search` and `experiments/search`: read the request, find ids, load whole entities. */
export function registerSearchRoutes(
  app: FastifyInstance,
  store: TrackingStore,
  context: AppContext,
): void {
  mlflowRoute(app, ['POST', 'GET'], '/runs/search', async (input) => {
    const fields = new RequestFields(input);
    const page = await searchRunIds(context.storage, {
      experimentIds: fields.stringList('experiment_ids'),
      filter: fields.optionalString('filter') || undefined,
      runViewType: readViewType(fields, 'run_view_type'),
      maxResults: readSearchMaxResults(fields, defaultMaxResults),
      orderBy: fields.stringList('order_by'),
      pageToken: fields.optionalString('page_token') || undefined,
    });
    const runs = await store.runs.loadMany(page.runIds);
    return {
      ...(runs.length > 0 && { runs }),
      ...(page.nextPageToken && { next_page_token: page.nextPageToken }),
    };
  });

  mlflowRoute(app, ['POST', 'GET'], '/experiments/search', async (input) => {
    const fields = new RequestFields(input);
    const page = await searchExperimentIds(context.storage, {
      filter: fields.optionalString('filter') || undefined,
      viewType: readViewType(fields, 'view_type'),
      maxResults: readSearchMaxResults(fields, defaultMaxResults),
      orderBy: fields.stringList('order_by'),
      pageToken: fields.optionalString('page_token') || undefined,
    });
    const experiments = await store.experiments.loadMany(page.experimentIds);
    return {
      ...(experiments.length > 0 && { experiments }),
      ...(page.nextPageToken && { next_page_token: page.nextPageToken }),
    };
  });
}
