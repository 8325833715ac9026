import { randomUUID } from 'node:crypto';
import type { WebhookTestResult } from '@cairn/spec';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidParameter } from '../../errors.js';
import { cairnRoute } from '../../http/cairn-route.js';
import { mlflowRoute } from '../../http/mlflow-route.js';
import { RequestFields } from '../../http/request-fields.js';
import { maxResultsField } from '../registry-fields.js';
import { checkWebhookUrl } from './address-guard.js';
import { deliveryBody, examplePayload, parseWebhookEvent } from './webhook-events.js';
import { sendWebhook } from './webhook-sender.js';
import type { NewWebhook, WebhookStore } from './webhook-store.js';

/** Settings the webhook routes need. */
export interface WebhookRouteOptions {
  allowPrivate: boolean;
  clock: () => number;
  timeoutMs?: number;
}

/**
 * MLflow's webhook API (`/api/2.0/mlflow/webhooks`, CRUD and `/test`) and Cairn's delivery log
 * (`GET /api/2.0/cairn/webhooks/{webhook_id}/deliveries`).
 */
export function registerWebhookRoutes(
  app: FastifyInstance,
  store: WebhookStore,
  options: WebhookRouteOptions,
): void {
  const webhookId = (request: FastifyRequest) =>
    (request.params as { webhook_id: string }).webhook_id;

  mlflowRoute(app, 'POST', '/webhooks', async (input) => {
    const fields = new RequestFields(input);
    const webhook = readWebhook(fields, options.allowPrivate, true) as NewWebhook;
    return { webhook: await store.create(webhook) };
  });

  mlflowRoute(app, 'GET', '/webhooks', async (input) => {
    const fields = new RequestFields(input);
    const page = await store.list(
      maxResultsField(fields, 100, 1000),
      fields.optionalString('page_token'),
    );
    return {
      ...(page.items.length > 0 && { webhooks: page.items }),
      ...(page.next && { next_page_token: page.next }),
    };
  });

  mlflowRoute(app, 'GET', '/webhooks/:webhook_id', async (_input, request) => ({
    webhook: await store.get(webhookId(request)),
  }));

  mlflowRoute(app, 'PATCH', '/webhooks/:webhook_id', async (input, request) => {
    const changes = readWebhook(new RequestFields(input), options.allowPrivate, false);
    return { webhook: await store.update(webhookId(request), changes) };
  });

  mlflowRoute(app, 'DELETE', '/webhooks/:webhook_id', async (_input, request) => {
    await store.delete(webhookId(request));
    return {};
  });

  mlflowRoute(app, 'POST', '/webhooks/:webhook_id/test', async (input, request) => {
    const row = await store.row(webhookId(request));
    const eventFields = new RequestFields(input).optionalObject('event');
    const event = eventFields
      ? parseWebhookEvent(
          eventFields.requiredString('entity'),
          eventFields.requiredString('action'),
        )
      : (JSON.parse(row.events) as string[])[0]!;
    const now = options.clock();
    const result = await sendWebhook({
      url: row.url,
      secret: row.secret,
      deliveryId: randomUUID(),
      body: deliveryBody(event, examplePayload(event), now),
      allowPrivate: options.allowPrivate,
      timeoutMs: options.timeoutMs ?? 10_000,
      nowSeconds: Math.floor(now / 1000),
    });
    const answer: WebhookTestResult =
      result.status !== undefined
        ? {
            success: result.status < 400,
            response_status: result.status,
            response_body: result.body ?? '',
          }
        : { success: false, error_message: `Failed to test webhook: ${result.error}` };
    return { result: answer };
  });

  cairnRoute(app, 'GET', '/webhooks/:webhook_id/deliveries', async (input, request) => {
    const fields = new RequestFields(input);
    const page = await store.deliveries(
      webhookId(request),
      maxResultsField(fields, 100, 1000),
      fields.optionalString('page_token'),
    );
    return {
      deliveries: page.items,
      ...(page.next && { next_page_token: page.next }),
    };
  });
}

/** Reads a webhook's fields: all required ones on create, only those present on update. */
function readWebhook(
  fields: RequestFields,
  allowPrivate: boolean,
  creating: boolean,
): Partial<NewWebhook> {
  const name = creating ? fields.requiredString('name') : fields.optionalString('name');
  if (name !== undefined && (name.trim() === '' || name.length > 256))
    throw invalidParameter('Webhook name must be 1 to 256 characters.');
  const url = creating ? fields.requiredString('url') : fields.optionalString('url');
  if (url !== undefined) checkWebhookUrl(url, allowPrivate);
  let events: string[] | undefined;
  if (creating || fields.has('events')) {
    events = [
      ...new Set(
        fields
          .objectList('events')
          .map((event) =>
            parseWebhookEvent(event.requiredString('entity'), event.requiredString('action')),
          ),
      ),
    ];
    if (events.length === 0) throw invalidParameter('Webhook events cannot be empty');
  }
  const statusText = fields.optionalString('status');
  let status: NewWebhook['status'] | undefined;
  if (statusText !== undefined) {
    const normalized = { '1': 'ACTIVE', '2': 'DISABLED' }[statusText] ?? statusText.toUpperCase();
    if (normalized !== 'ACTIVE' && normalized !== 'DISABLED')
      throw invalidParameter(`Invalid webhook status '${statusText}': use ACTIVE or DISABLED.`);
    status = normalized;
  } else if (creating) status = 'ACTIVE';
  const secret = fields.optionalString('secret');
  const description = fields.optionalString('description');
  return {
    ...(name !== undefined && { name }),
    ...(description !== undefined && { description }),
    ...(url !== undefined && { url }),
    ...(events !== undefined && { events }),
    ...(secret !== undefined && { secret }),
    ...(status !== undefined && { status }),
  };
}
