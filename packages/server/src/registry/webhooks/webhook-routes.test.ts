import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../test-kit/test-backends.js';
import { openRegistryTestApp, type RegistryTestApp } from '../test-kit/registry-test-app.js';
import { isInternalAddress } from './address-guard.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local receiver that answers the scripted statuses in turn, then 200. */
function receiver() {
  const received: Received[] = [];
  const script: number[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = script.shift() ?? 200;
      response.end('ok');
    });
  });
  return {
    received,
    script,
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`),
        ),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Awaits an asynchronous outcome (the delivery loop runs in the background), failing after 5 s. */
async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const events = [
  { entity: 'REGISTERED_MODEL', action: 'CREATED' },
  { entity: 'model_version_alias', action: 'created' },
  { entity: 'PROMPT', action: 'CREATED' },
  { entity: 'PROMPT_VERSION', action: 'CREATED' },
];

describe('webhook address guard', () => {
  it('classifies internal addresses, IPv4-mapped IPv6 included', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      'not-an-ip',
    ])
      expect(isInternalAddress(address), address).toBe(true);
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      expect(isInternalAddress(address), address).toBe(false);
  });
});

describe.each(testBackends())('webhooks on $name', (backend) => {
  const hook = receiver();
  let url: string;
  let t: RegistryTestApp;
  beforeAll(async () => {
    url = await hook.start();
  });
  afterAll(async () => hook.stop());
  afterEach(async () => {
    await t?.close();
    hook.received.length = 0;
    hook.script.length = 0;
  });

  it('refuses private, loopback and link-local targets by default', async () => {
    t = await openRegistryTestApp(backend);
    for (const target of [
      url,
      'http://localhost:9/x',
      'http://169.254.169.254/latest',
      'http://[::1]:80/',
      'http://10.0.0.8/',
      'ftp://example.com/',
      'http://user:pw@example.com/',
    ]) {
      const reply = await t.call('POST', 'webhooks', { name: 'w', url: target, events });
      expect(reply.status, target).toBe(400);
      expect(reply.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const noEvents = await t.call('POST', 'webhooks', {
      name: 'w',
      url: 'https://example.com/',
      events: [],
    });
    expect(noEvents.body.message).toBe('Webhook events cannot be empty');
    const badEvent = await t.call('POST', 'webhooks', {
      name: 'w',
      url: 'https://example.com/',
      events: [{ entity: 'RUN', action: 'CREATED' }],
    });
    expect(badEvent.status).toBe(400);
  });

  it('delivers signed events through the outbox, retrying 5xx, and logs each delivery', async () => {
    t = await openRegistryTestApp(backend, {
      registry: { webhooksAllowPrivate: true, webhookRetryBaseMs: 20, webhookPollIntervalMs: 25 },
    });
    const created = await t.call('POST', 'webhooks', {
      name: 'ci',
      url,
      events,
      secret: 'shh-secret',
      description: 'notify CI',
    });
    expect(created.status).toBe(200);
    const webhook = created.body.webhook;
    expect(webhook).toMatchObject({ name: 'ci', url, status: 'ACTIVE', description: 'notify CI' });
    expect(webhook.events).toContainEqual({ entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' });
    expect(JSON.stringify(created.body)).not.toContain('shh-secret');

    hook.script.push(503, 500);
    await t.call('POST', 'registered-models/create', {
      name: 'fraud',
      tags: [{ key: 't', value: '1' }],
    });
    const delivered = await eventually(() =>
      hook.received.length >= 3 ? hook.received : undefined,
    );
    const bodies = delivered.map((entry) => entry.body);
    expect(new Set(bodies).size).toBe(1);
    const ids = delivered.map((entry) => entry.headers['x-mlflow-delivery-id']);
    expect(new Set(ids).size).toBe(1);
    const last = delivered[2]!;
    const payload = JSON.parse(last.body);
    expect(payload).toMatchObject({
      entity: 'registered_model',
      action: 'created',
      data: { name: 'fraud', tags: { t: '1' }, description: null },
    });
    expect(payload.timestamp).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    const expected = createHmac('sha256', 'shh-secret')
      .update(
        `${last.headers['x-mlflow-delivery-id']}.${last.headers['x-mlflow-timestamp']}.${last.body}`,
      )
      .digest('base64');
    expect(last.headers['x-mlflow-signature']).toBe(`v1,${expected}`);
    expect(last.headers['content-type']).toBe('application/json');

    const log = await eventually(async () => {
      const reply = await t.call('GET', `/api/2.0/cairn/webhooks/${webhook.webhook_id}/deliveries`);
      const entry = reply.body.deliveries[0];
      return entry?.status === 'DELIVERED' ? reply.body.deliveries : undefined;
    });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      event: 'registered_model.created',
      attempts: 3,
      response_status: 200,
    });

    // Prompt events replace model events for prompts; a 400 is not retried.
    hook.script.push(400);
    await t.call('POST', '/api/2.0/cairn/prompts/create', {
      name: 'greeting',
      template: 'Hi {{name}}',
    });
    const promptEvents = await eventually(() =>
      hook.received.length >= 5
        ? hook.received.slice(3).map((entry) => JSON.parse(entry.body))
        : undefined,
    );
    expect(promptEvents.map((event) => `${event.entity}.${event.action}`).sort()).toEqual([
      'prompt.created',
      'prompt_version.created',
    ]);
    const statuses = await eventually(async () => {
      const reply = await t.call('GET', `/api/2.0/cairn/webhooks/${webhook.webhook_id}/deliveries`);
      const list = reply.body.deliveries as { status: string; attempts: number }[];
      return list.every((entry) => entry.status !== 'PENDING') ? list : undefined;
    });
    expect(statuses.filter((entry) => entry.status === 'FAILED')).toEqual([
      expect.objectContaining({ attempts: 1, response_status: 400 }),
    ]);
  });

  it('tests, lists, updates, disables and deletes webhooks', async () => {
    t = await openRegistryTestApp(backend, { registry: { webhooksAllowPrivate: true } });
    const { webhook } = (await t.call('POST', 'webhooks', { name: 'w', url, events, secret: 's' }))
      .body;
    const test = await t.call('POST', `webhooks/${webhook.webhook_id}/test`, {
      event: { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
    });
    expect(test.body.result).toEqual({ success: true, response_status: 200, response_body: 'ok' });
    const sent = JSON.parse(hook.received.at(-1)!.body);
    expect(sent).toMatchObject({
      entity: 'model_version_alias',
      action: 'created',
      data: { name: 'example_model', alias: 'example_alias', version: '1' },
    });

    const list = await t.call('GET', 'webhooks', {});
    expect(list.body.webhooks.map((w: { webhook_id: string }) => w.webhook_id)).toEqual([
      webhook.webhook_id,
    ]);
    const patched = await t.call('PATCH', `webhooks/${webhook.webhook_id}`, { status: 'DISABLED' });
    expect(patched.body.webhook.status).toBe('DISABLED');
    await t.call('POST', 'registered-models/create', { name: 'quiet' });
    const deliveries = await t.call(
      'GET',
      `/api/2.0/cairn/webhooks/${webhook.webhook_id}/deliveries`,
    );
    expect(deliveries.body.deliveries).toEqual([]);
    expect((await t.call('DELETE', `webhooks/${webhook.webhook_id}`)).status).toBe(200);
    expect((await t.call('GET', `webhooks/${webhook.webhook_id}`)).status).toBe(404);
    const unreachable = await t.call('POST', 'webhooks', {
      name: 'x',
      url: 'http://127.0.0.1:1/',
      events,
    });
    const failed = await t.call('POST', `webhooks/${unreachable.body.webhook.webhook_id}/test`, {});
    expect(failed.body.result.success).toBe(false);
    expect(failed.body.result.error_message).toMatch(/^Failed to test webhook/);
  });
});
