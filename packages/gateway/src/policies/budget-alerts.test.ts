import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { type BudgetAlert, WebhookAlertSink } from './budget-alerts.js';

describe('WebhookAlertSink', () => {
  it('POSTs each alert as JSON and counts failures instead of throwing', async () => {
    const received: unknown[] = [];
    let status = 200;
    const server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk) => {
        raw += chunk;
      });
      request.on('end', () => {
        received.push(JSON.parse(raw));
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sink = new WebhookAlertSink(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    );
    const alert: BudgetAlert = {
      kind: 'threshold',
      subject: "user 'alice'",
      scope: 'user',
      period: 'month',
      limitUsd: 10,
      spentUsd: 8.5,
      resetsAt: '2026-12-01T00:00:00.000Z',
    };
    sink.notify(alert);
    await expect.poll(() => received).toEqual([{ type: 'cairn.gateway.budget_alert', alert }]);
    status = 500;
    sink.notify({ ...alert, kind: 'exhausted' });
    await expect.poll(() => sink.failures).toBe(1);
    server.close();
    sink.notify(alert);
    await expect.poll(() => sink.failures, { timeout: 3000 }).toBe(2);
  });
});
