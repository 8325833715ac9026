import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkWebhookUrl, resolveWebhookTarget } from './address-guard.js';

/** The answer of a receiver, or why there was none. */
export interface SendResult {
  status?: number;
  body?: string;
  error?: string;
}

/** MLflow's signature: `v1,` + base64 HMAC-SHA256(secret, `${deliveryId}.${timestamp}.${body}`). */
export function webhookSignature(
  secret: string,
  deliveryId: string,
  timestamp: string,
  body: string,
): string {
  const digest = createHmac('sha256', secret)
    .update(`${deliveryId}.${timestamp}.${body}`)
    .digest('base64');
  return `v1,${digest}`;
}

/** One delivery attempt's inputs. */
export interface WebhookRequest {
  url: string;
  secret: string | null;
  deliveryId: string;
  body: string;
  allowPrivate: boolean;
  timeoutMs: number;
  /** Unix seconds; the clock is injectable for tests. */
  nowSeconds: number;
}

const maxResponseBytes = 64 * 1024;

/**
 * POSTs one signed delivery. The host is resolved and checked here, and the socket connects to
 * exactly the checked address (a custom `lookup`), so a DNS answer that changes between check
 * and connect cannot reach an internal address. Never throws: failures come back as `error`.
 */
export async function sendWebhook(request: WebhookRequest): Promise<SendResult> {
  let resolved: { address: string; family: 4 | 6 };
  let url: URL;
  try {
    const target = checkWebhookUrl(request.url, request.allowPrivate);
    url = target.url;
    resolved = await resolveWebhookTarget(target, request.allowPrivate);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const timestamp = String(request.nowSeconds);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(request.body)),
    'User-Agent': 'Cairn-Webhooks/1',
    'X-MLflow-Delivery-Id': request.deliveryId,
    'X-MLflow-Timestamp': timestamp,
  };
  if (request.secret)
    headers['X-MLflow-Signature'] = webhookSignature(
      request.secret,
      request.deliveryId,
      timestamp,
      request.body,
    );
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as (error: null, addresses: { address: string; family: number }[]) => void)(null, [
        { address: resolved.address, family: resolved.family },
      ]);
    else callback(null, resolved.address, resolved.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve) => {
    const outgoing = send(
      url,
      { method: 'POST', headers, lookup: pinned, timeout: request.timeoutMs },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= maxResponseBytes) chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8').slice(0, maxResponseBytes),
          }),
        );
        response.on('error', (error) => resolve({ error: error.message }));
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(new Error(`no answer within ${request.timeoutMs} ms`)),
    );
    outgoing.on('error', (error) => resolve({ error: error.message }));
    outgoing.end(request.body);
  });
}

/** Whether a failed attempt is worth retrying: no answer, 408, 429 or 5xx. */
export function isRetryable(result: SendResult): boolean {
  if (result.status === undefined) return !result.error?.includes('CAIRN_WEBHOOKS_ALLOW_PRIVATE');
  return result.status === 408 || result.status === 429 || result.status >= 500;
}
