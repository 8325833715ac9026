import { randomUUID } from 'node:crypto';
import type { Webhook, WebhookDelivery } from '@cairn/spec';
import type { Kysely } from 'kysely';
import { resourceDoesNotExist } from '../../errors.js';
import { decodePageToken, encodePageToken } from '../../search/index.js';
import type { DatabaseSchema, Storage } from '../../storage/index.js';
import type { WebhookDeliveriesTable, WebhooksTable } from '../../storage/schema.js';
import type { RegistryEvent } from '../registry-events.js';
import { deliveryBody, webhookEventToJson } from './webhook-events.js';

/** Fields of a new webhook, validated. */
export interface NewWebhook {
  name: string;
  description?: string;
  url: string;
  events: string[];
  secret?: string;
  status: 'ACTIVE' | 'DISABLED';
}

/** A due delivery, claimed by this process until `lease_until`. */
export interface ClaimedDelivery {
  row: WebhookDeliveriesTable;
  webhook: WebhooksTable;
}

/** Webhooks, and their delivery outbox and log. */
export class WebhookStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /** Creates a webhook; its secret is stored but never returned. */
  async create(webhook: NewWebhook): Promise<Webhook> {
    const now = this.clock();
    const row: WebhooksTable = {
      webhook_id: randomUUID().replaceAll('-', ''),
      name: webhook.name,
      description: webhook.description ?? null,
      url: webhook.url,
      secret: webhook.secret || null,
      status: webhook.status,
      events: JSON.stringify(webhook.events),
      creation_timestamp: now,
      last_updated_timestamp: now,
    };
    await this.storage.writes.run((trx) => trx.insertInto('webhooks').values(row).execute());
    return webhookToJson(row);
  }

  /** The stored row (secret included, for delivery); 404 when unknown. */
  async row(webhookId: string): Promise<WebhooksTable> {
    const row = await this.storage.db
      .selectFrom('webhooks')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .executeTakeFirst();
    if (!row) throw resourceDoesNotExist(`Webhook with ID ${webhookId} not found.`);
    return row;
  }

  /** A webhook as the API shows it. */
  async get(webhookId: string): Promise<Webhook> {
    return webhookToJson(await this.row(webhookId));
  }

  /** A page of webhooks, newest first. */
  async list(maxResults: number, pageToken?: string): Promise<{ items: Webhook[]; next?: string }> {
    const offset = decodePageToken(pageToken);
    const rows = await this.storage.db
      .selectFrom('webhooks')
      .selectAll()
      .orderBy('creation_timestamp', 'desc')
      .orderBy('webhook_id')
      .limit(maxResults + 1)
      .offset(offset)
      .execute();
    return {
      items: rows.slice(0, maxResults).map(webhookToJson),
      ...(rows.length > maxResults && { next: encodePageToken(offset + maxResults) }),
    };
  }

  /** Changes the given fields. */
  async update(webhookId: string, changes: Partial<NewWebhook>): Promise<Webhook> {
    const now = this.clock();
    await this.storage.writes.run(async (trx) => {
      const found = await trx
        .selectFrom('webhooks')
        .select('webhook_id')
        .where('webhook_id', '=', webhookId)
        .executeTakeFirst();
      if (!found) throw resourceDoesNotExist(`Webhook with ID ${webhookId} not found.`);
      await trx
        .updateTable('webhooks')
        .set({
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.description !== undefined && { description: changes.description }),
          ...(changes.url !== undefined && { url: changes.url }),
          ...(changes.events !== undefined && { events: JSON.stringify(changes.events) }),
          ...(changes.secret !== undefined && { secret: changes.secret || null }),
          ...(changes.status !== undefined && { status: changes.status }),
          last_updated_timestamp: now,
        })
        .where('webhook_id', '=', webhookId)
        .execute();
    });
    return this.get(webhookId);
  }

  /** Deletes a webhook and its pending deliveries (the log of past ones goes too). */
  async delete(webhookId: string): Promise<void> {
    await this.storage.writes.run(async (trx) => {
      const result = await trx
        .deleteFrom('webhooks')
        .where('webhook_id', '=', webhookId)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0)
        throw resourceDoesNotExist(`Webhook with ID ${webhookId} not found.`);
      await trx.deleteFrom('webhook_deliveries').where('webhook_id', '=', webhookId).execute();
    });
  }

  /**
   * The registry's event sink: one outbox row per active webhook subscribed to the event,
   * written in the transaction of the change itself. Returns how many were queued.
   */
  async enqueue(db: Kysely<DatabaseSchema>, event: RegistryEvent, now: number): Promise<number> {
    const name = `${event.entity}.${event.action}`;
    const hooks = await db
      .selectFrom('webhooks')
      .select(['webhook_id', 'events'])
      .where('status', '=', 'ACTIVE')
      .execute();
    const subscribed = hooks.filter((hook) => (JSON.parse(hook.events) as string[]).includes(name));
    if (subscribed.length === 0) return 0;
    const payload = deliveryBody(name, event.data, now);
    await db
      .insertInto('webhook_deliveries')
      .values(
        subscribed.map((hook) => ({
          delivery_id: randomUUID(),
          webhook_id: hook.webhook_id,
          event: name,
          payload,
          status: 'PENDING',
          attempts: 0,
          next_attempt_time: now,
          lease_until: null,
          response_status: null,
          error_message: null,
          creation_time: now,
          last_attempt_time: null,
        })),
      )
      .execute();
    return subscribed.length;
  }

  /**
   * Claims up to `limit` due deliveries for `leaseMs`. A conditional update per row makes the
   * claim safe across replicas: only one process's update matches.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const now = this.clock();
    const due = await this.storage.db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhooks', 'webhooks.webhook_id', 'webhook_deliveries.webhook_id')
      .selectAll('webhook_deliveries')
      .where('webhook_deliveries.status', '=', 'PENDING')
      .where('webhook_deliveries.next_attempt_time', '<=', now)
      .where((eb) =>
        eb.or([
          eb('webhook_deliveries.lease_until', 'is', null),
          eb('webhook_deliveries.lease_until', '<', now),
        ]),
      )
      .orderBy('webhook_deliveries.next_attempt_time')
      .limit(limit)
      .execute();
    const claimed: ClaimedDelivery[] = [];
    for (const row of due) {
      const won = await this.storage.writes.run(async (trx) => {
        const result = await trx
          .updateTable('webhook_deliveries')
          .set({ lease_until: now + leaseMs })
          .where('delivery_id', '=', row.delivery_id)
          .where('status', '=', 'PENDING')
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      });
      if (!won) continue;
      const webhook = await this.storage.db
        .selectFrom('webhooks')
        .selectAll()
        .where('webhook_id', '=', row.webhook_id)
        .executeTakeFirst();
      if (webhook) claimed.push({ row, webhook });
    }
    return claimed;
  }

  /** Records an attempt: delivered, failed for good, or pending again at `nextAttemptTime`. */
  async recordAttempt(
    deliveryId: string,
    outcome: {
      status: 'DELIVERED' | 'FAILED' | 'PENDING';
      responseStatus?: number;
      error?: string;
      nextAttemptTime?: number;
    },
  ): Promise<void> {
    const now = this.clock();
    await this.storage.writes.run((trx) =>
      trx
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          status: outcome.status,
          attempts: eb('attempts', '+', 1),
          response_status: outcome.responseStatus ?? null,
          error_message: outcome.error?.slice(0, 1000) ?? null,
          last_attempt_time: now,
          lease_until: null,
          ...(outcome.nextAttemptTime !== undefined && {
            next_attempt_time: outcome.nextAttemptTime,
          }),
        }))
        .where('delivery_id', '=', deliveryId)
        .execute(),
    );
  }

  /** The delivery log of a webhook, newest first. */
  async deliveries(
    webhookId: string,
    maxResults: number,
    pageToken?: string,
  ): Promise<{ items: WebhookDelivery[]; next?: string }> {
    await this.row(webhookId);
    const offset = decodePageToken(pageToken);
    const rows = await this.storage.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .orderBy('creation_time', 'desc')
      .orderBy('delivery_id')
      .limit(maxResults + 1)
      .offset(offset)
      .execute();
    return {
      items: rows.slice(0, maxResults).map(deliveryToJson),
      ...(rows.length > maxResults && { next: encodePageToken(offset + maxResults) }),
    };
  }
}

/** A webhook row as the API shows it: events as proto enum names, never the secret. */
export function webhookToJson(row: WebhooksTable): Webhook {
  return {
    webhook_id: row.webhook_id,
    name: row.name,
    ...(row.description && { description: row.description }),
    url: row.url,
    events: (JSON.parse(row.events) as string[]).map(webhookEventToJson),
    status: row.status as Webhook['status'],
    creation_timestamp: Number(row.creation_timestamp),
    last_updated_timestamp: Number(row.last_updated_timestamp),
  };
}

function deliveryToJson(row: WebhookDeliveriesTable): WebhookDelivery {
  return {
    delivery_id: row.delivery_id,
    webhook_id: row.webhook_id,
    event: row.event,
    status: row.status as WebhookDelivery['status'],
    attempts: Number(row.attempts),
    ...(row.response_status !== null && { response_status: Number(row.response_status) }),
    ...(row.error_message !== null && { error_message: row.error_message }),
    creation_timestamp: Number(row.creation_time),
    ...(row.last_attempt_time !== null && {
      last_attempt_timestamp: Number(row.last_attempt_time),
    }),
    ...(row.status === 'PENDING' && { next_attempt_timestamp: Number(row.next_attempt_time) }),
  };
}
