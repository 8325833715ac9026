import type { FastifyInstance } from 'fastify';
import { mlflowRoute } from '../http/mlflow-route.js';
import { RequestFields } from '../http/request-fields.js';
import { readExperimentTag } from './request-parsing.js';
import type { TrackingStore } from './tracking-store.js';
import { validateArtifactLocation, validateExperimentName } from './validation.js';

/** Experiment RPCs: create, get, get-by-name, update (rename), delete, restore and tags. */
export function registerExperimentRoutes(app: FastifyInstance, store: TrackingStore): void {
  const { experiments } = store;

  mlflowRoute(app, 'POST', '/experiments/create', async (input) => {
    const fields = new RequestFields(input);
    const name = fields.requiredString('name');
    validateExperimentName(name);
    const artifactLocation = fields.optionalString('artifact_location') || undefined;
    if (artifactLocation !== undefined) validateArtifactLocation(artifactLocation);
    const tags = fields.objectList('tags').map(readExperimentTag);
    const experimentId = await experiments.create({ name, artifactLocation, tags });
    return { experiment_id: experimentId };
  });

  mlflowRoute(app, 'GET', '/experiments/get', async (input) => {
    const experimentId = new RequestFields(input).requiredString('experiment_id');
    return { experiment: await experiments.get(experimentId) };
  });

  mlflowRoute(app, 'GET', '/experiments/get-by-name', async (input) => {
    const name = new RequestFields(input).requiredString('experiment_name');
    return { experiment: await experiments.getByName(name) };
  });

  mlflowRoute(app, 'POST', '/experiments/update', async (input) => {
    const fields = new RequestFields(input);
    const experimentId = fields.requiredString('experiment_id');
    const newName = fields.optionalString('new_name');
    // MLflow treats an update without a new name as a no-op once the experiment is known.
    if (newName === undefined || newName === '') {
      await experiments.get(experimentId);
      return {};
    }
    validateExperimentName(newName);
    await experiments.rename(experimentId, newName);
    return {};
  });

  mlflowRoute(app, 'POST', '/experiments/delete', async (input) => {
    await experiments.delete(new RequestFields(input).requiredString('experiment_id'));
    return {};
  });

  mlflowRoute(app, 'POST', '/experiments/restore', async (input) => {
    await experiments.restore(new RequestFields(input).requiredString('experiment_id'));
    return {};
  });

  mlflowRoute(app, 'POST', '/experiments/set-experiment-tag', async (input) => {
    const fields = new RequestFields(input);
    const experimentId = fields.requiredString('experiment_id');
    await experiments.setTag(experimentId, readExperimentTag(fields));
    return {};
  });

  mlflowRoute(app, 'POST', '/experiments/delete-experiment-tag', async (input) => {
    const fields = new RequestFields(input);
    const experimentId = fields.requiredString('experiment_id');
    await experiments.deleteTag(experimentId, fields.requiredString('key'));
    return {};
  });
}
