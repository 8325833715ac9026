import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { createTrackingStore } from '../tracking/index.js';
import { registerLineageRoutes } from './lineage-routes.js';
import { ModelCardRefresher, markCardStale, prominentVersions } from './model-card-refresher.js';
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

export type { ModelCardRefresher } from './model-card-refresher.js';
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
  /** How long the model-card loop lets changes coalesce before rendering (default 200 ms). */
  modelCardDelayMs?: number;
}

const refreshers = new WeakMap<FastifyInstance, ModelCardRefresher>();

/** The app's background model-card loop (tests await its `settled()`). */
export function modelCardRefresherOf(app: FastifyInstance): ModelCardRefresher | undefined {
  return refreshers.get(app);
}

/** Registry events whose version's card they change (prompts have no stored cards). */
const cardEntities = new Set([
  'model_version',
  'model_version_tag',
  'model_version_alias',
  'model_version_stage',
]);

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
  // Versions whose card was marked stale inside the write's own transaction (by `emit`), so
  // the hooks below need no second write. A write that rolled back leaves its entry behind;
  // the set is dropped when it grows large, which at worst costs one redundant mark.
  const markedInWrite = new Set<string>();
  const emit: RegistryEventSink = async (db, event, now) => {
    if ((await webhooks.enqueue(db, event, now)) > 0) dispatcher.nudge(50);
    const { name, version } = event.data;
    if (cardEntities.has(event.entity) && typeof name === 'string' && version !== undefined) {
      await markCardStale(db, name, Number(version), now);
      if (markedInWrite.size > 10_000) markedInWrite.clear();
      markedInWrite.add(`${Number(version)}/${name}`);
    }
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
  const refresher = new ModelCardRefresher(context.storage, cards, app.log, context.clock, {
    delayMs: options.modelCardDelayMs,
  });
  refreshers.set(app, refresher);
  const stale = async (name: string, version: number) => {
    if (markedInWrite.delete(`${version}/${name}`)) refresher.nudge();
    else await refresher.markLater(name, version);
  };
  const deps: RegistryDeps = {
    context,
    models,
    versions,
    async versionChanged(request, name, version) {
      dispatcher.nudge(0);
      await stale(name, version).catch((error: unknown) =>
        request.log.warn({ err: error, name, version }, 'could not mark the model card stale'),
      );
    },
    async modelChanged(request, name) {
      dispatcher.nudge(0);
      await stale(name, prominentVersions).catch((error: unknown) =>
        request.log.warn({ err: error, name }, 'could not mark the model cards stale'),
      );
    },
  };
  registerRegisteredModelRoutes(app, deps);
  registerModelVersionRoutes(app, deps);
  registerLineageRoutes(app, deps, tracking, cards);
  registerWebhookRoutes(app, webhooks, { allowPrivate, clock: context.clock });
  registerPromptRoutes(app, deps);
  registerAbTestRoutes(app, deps, tracking);

  app.addHook('onReady', async () => {
    dispatcher.start();
    refresher.start();
  });
  app.addHook('onClose', async () => {
    await refresher.stop();
    await dispatcher.stop();
  });
}
