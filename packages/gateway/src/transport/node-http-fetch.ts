import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Connection-pool options of createNodeHttpFetch. */
export interface NodeHttpFetchOptions {
  /** Sockets per upstream host (default 256). */
  maxSockets?: number;
  /** How long an idle upstream socket is kept (default 30 s). */
  keepAliveMs?: number;
}

/**
 * A `fetch` for provider calls built on node:http(s) with keep-alive agents. Node 20's global
 * fetch (undici) spends several times the CPU per request of node:http, which is most of a
 * gateway's cost; providers take this through `createProvider(model, { fetch })`.
 *
 * It covers what providers use: POST/GET with string or byte bodies, `signal`, and a response
 * with `ok`, `status`, `statusText`, `headers.get`, `text()`, `json()`, `arrayBuffer()` and
 * `body.getReader()` for streaming.
 */
export function createNodeHttpFetch(options: NodeHttpFetchOptions = {}): typeof fetch {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 256,
    timeout: options.keepAliveMs ?? 30_000,
  };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);
  const nodeFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url =
      typeof input === 'string'
        ? parseUrl(input)
        : input instanceof URL
          ? input
          : new URL(input.url);
    const secure = url.protocol === 'https:';
    const body = init.body as string | Uint8Array | undefined | null;
    const headers: Record<string, string> = {};
    if (init.headers) {
      const given =
        init.headers instanceof Headers
          ? Object.fromEntries(init.headers)
          : (init.headers as Record<string, string>);
      for (const name in given) headers[name.toLowerCase()] = String(given[name]);
    }
    if (body !== undefined && body !== null)
      headers['content-length'] = String(Buffer.byteLength(body));
    const signal = init.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const request = (secure ? httpsRequest : httpRequest)(
        url,
        { method: init.method ?? 'GET', headers, agent: secure ? httpsAgent : httpAgent },
        (message) => {
          // One abort listener for the whole exchange: destroying the request ends the response too.
          if (signal) message.once('close', () => signal.removeEventListener('abort', onAbort));
          resolve(wrapResponse(message) as unknown as Response);
        },
      );
      const onAbort = () => request.destroy(abortError(signal!));
      signal?.addEventListener('abort', onAbort, { once: true });
      request.once('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      });
      request.end(body ?? undefined);
    });
  };
  return nodeFetch as typeof fetch;
}

// Provider URLs repeat (one per target and operation), so parse each once.
const parsedUrls = new Map<string, URL>();
function parseUrl(text: string): URL {
  let url = parsedUrls.get(text);
  if (!url) {
    url = new URL(text);
    if (parsedUrls.size > 1000) parsedUrls.clear();
    parsedUrls.set(text, url);
  }
  return url;
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  const error = new Error(reason instanceof Error ? reason.message : 'The operation was aborted.', {
    cause: reason,
  });
  error.name = 'AbortError';
  return error;
}

/** The Response subset providers read, over a node IncomingMessage (no web-stream copies). */
function wrapResponse(message: IncomingMessage) {
  const status = message.statusCode ?? 0;
  let used = false;
  // Events rather than `for await`: async iteration over a stream costs more per response.
  const readAll = (): Promise<Buffer> => {
    used = true;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      message.on('data', (chunk: Buffer) => chunks.push(chunk));
      message.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      message.once('error', reject);
      // A promise settles once: after 'end' this is a no-op; after a cut-off it reports it.
      message.once('close', () => reject(new Error('The upstream response was cut off.')));
    });
  };
  const headers = {
    get: (name: string): string | null => {
      const value = message.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
    has: (name: string) => message.headers[name.toLowerCase()] !== undefined,
    forEach: (callback: (value: string, name: string) => void) => {
      for (const [name, value] of Object.entries(message.headers)) {
        if (value !== undefined) callback(Array.isArray(value) ? value.join(', ') : value, name);
      }
    },
  };
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: message.statusMessage ?? '',
    headers,
    url: '',
    redirected: false,
    get bodyUsed() {
      return used;
    },
    text: async () => (await readAll()).toString('utf8'),
    json: async () => JSON.parse((await readAll()).toString('utf8')) as unknown,
    arrayBuffer: async () => {
      const buffer = await readAll();
      return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
    },
    body: {
      getReader: () => {
        used = true;
        const iterator = message[Symbol.asyncIterator]();
        return {
          read: async () => {
            const next = await iterator.next();
            return next.done
              ? { done: true as const, value: undefined }
              : { done: false as const, value: next.value as Uint8Array };
          },
          cancel: async () => {
            message.destroy();
          },
          releaseLock: () => undefined,
        };
      },
    },
  };
}
