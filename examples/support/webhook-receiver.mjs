// A deployment system's webhook endpoint, on a free loopback port: it checks each delivery's
// MLflow-style signature (`v1,` + base64 HMAC-SHA256 over `<delivery id>.<timestamp>.<body>`),
// refuses stale or forged ones, and keeps what it received.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

/** Deliveries older than this are refused, so a captured request cannot be replayed later. */
const maxAgeSeconds = 300;

function verified(secret, headers, body) {
  const deliveryId = headers['x-mlflow-delivery-id'];
  const timestamp = headers['x-mlflow-timestamp'];
  const signature = String(headers['x-mlflow-signature'] ?? '');
  if (!deliveryId || !timestamp || !signature.startsWith('v1,')) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > maxAgeSeconds) return false;
  const expected = createHmac('sha256', secret)
    .update(`${deliveryId}.${timestamp}.${body}`)
    .digest();
  const given = Buffer.from(signature.slice(3), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function summary(data) {
  if (!data || typeof data !== 'object') return '';
  const parts = [data.name, data.version && `v${data.version}`, data.alias && `@${data.alias}`];
  if (data.to_stage) parts.push(`${data.from_stage ?? '?'} → ${data.to_stage}`);
  return parts.filter(Boolean).join(' ');
}

/** Starts the receiver; `events` fills as deliveries arrive. */
export async function startWebhookReceiver(secret) {
  const events = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const ok = verified(secret, request.headers, body);
      let parsed = {};
      try {
        parsed = JSON.parse(body);
      } catch {
        // Recorded as unparsable below; a real receiver would answer 400.
      }
      events.push({
        verified: ok,
        type: `${parsed.entity ?? '?'}.${parsed.action ?? '?'}`,
        summary: summary(parsed.data),
        data: parsed.data,
      });
      response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks/cairn`,
    events,
    /** Waits until no event arrived for `quietMs` (after at least one), or `timeoutMs` passed. */
    async settle(quietMs, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let seen = -1;
      while (Date.now() < deadline && (events.length === 0 || events.length !== seen)) {
        seen = events.length;
        await new Promise((resolve) => setTimeout(resolve, quietMs));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
