import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { createTrackingStore } from '../tracking/index.js';
import { registerLineageRoutes } from './lineage-routes.js';
import { ModelCardService } from './model-card-service.js';
import { registerModelVersionRoutes } from './model-version-routes.js';
import { ModelVersionStore } from './model-version-store.js';
import { registerAbTestRoutes } from './prompts/ab-test-routes.js';
import { registerPromptRoutes } from './prompts/prompt-routes.js';
import { registerRegisteredModelRoutes } from './registered-model-routes.js';
import { RegisteredModelStore } from './registered-model-store.js';
import type { RegistryDeps } from './registry-deps.js';
import type { RegistryEventSink } from './registry-events.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { registerWebhookRoutes } from './webhooks/webhook-routes.js';
import { WebhookStore } from './webhooks/webhook-store.js';

export { modelCardPath } from './model-card-service.js';
export { webhookSignature } from './webhooks/webhook-sender.js';

/** Settings of the registry domain; the server reads them from its config. */
export interface RegistryOptions {
  /** Let webhooks reach private, loopback and link-local addresses (CAIRN_WEBHOOKS_ALLOW_PRIVATE). */
  webhooksAllowPrivate?: boolean;
  /** First retry delay of a failed delivery (doubles per attempt, capped at 60 s). */
  webhookRetryBaseMs?: number;
  /** How often the outbox is polled for due retries. */
  webhookPollIntervalMs?: number;
  /** Attempts per delivery, the first included. */
  webhookMaxAttempts?: number;
}

/**
 * Registers the model registry (MLflow's registered-models and model-versions RPCs), webhooks,
 * Cairn's lineage, model-card, prompt and prompt A/B test endpoints, and runs the webhook
 * delivery loop for the app's lifetime (started when ready, stopped on close).
 */
export function registerRegistryRoutes(
  app: FastifyInstance,
  context: AppContext,
  options: RegistryOptions = {},
): void {
  const allowPrivate = options.webhooksAllowPrivate ?? false;
  const webhooks = new WebhookStore(context.storage, context.clock);
  const dispatcher = new WebhookDispatcher(webhooks, app.log, {
    allowPrivate,
    retryBaseMs: options.webhookRetryBaseMs,
    pollIntervalMs: options.webhookPollIntervalMs,
    maxAttempts: options.webhookMaxAttempts,
    clock: context.clock,
  });
  const emit: RegistryEventSink = async (db, event, now) => {
    if ((await webhooks.enqueue(db, event, now)) > 0) dispatcher.nudge(50);
  };
  const models = new RegisteredModelStore(context.storage, context.clock, emit);
  const versions = new ModelVersionStore(context.storage, context.clock, emit);
  const tracking = createTrackingStore(context.storage, context.clock);
  const cards = new ModelCardService(
    context.storage,
    tracking,
    models,
    versions,
    context.artifacts,
  );
  const deps: RegistryDeps = {
    context,
    models,
    versions,
    async versionChanged(request, name, version) {
      dispatcher.nudge(0);
      await cards.refreshQuietly(request.log, name, version);
    },
    async modelChanged(request, name) {
      dispatcher.nudge(0);
      for (const version of await cards.prominentVersions(name))
        await cards.refreshQuietly(request.log, name, version);
    },
  };
  registerRegisteredModelRoutes(app, deps);
  registerModelVersionRoutes(app, deps);
  registerLineageRoutes(app, deps, tracking, cards);
  registerWebhookRoutes(app, webhooks, { allowPrivate, clock: context.clock });
  registerPromptRoutes(app, deps);
  registerAbTestRoutes(app, deps, tracking);

  app.addHook('onReady', async () => dispatcher.start());
  app.addHook('onClose', async () => dispatcher.stop());
}
