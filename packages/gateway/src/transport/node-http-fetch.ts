import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { acceptsCancelSignal, type CancelSignal } from './cancel-signal.js';

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
 * It covers what providers use: POST/GET with string or byte bodies, `signal` (an AbortSignal or
 * the gateway's cheaper CallSignal), and a response with `ok`, `status`, `statusText`,
 * `headers.get`, `text()`, `json()`, `arrayBuffer()` and `body.getReader()` for streaming.
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
    const target =
      typeof input === 'string'
        ? targetOf(input)
        : targetOf(String(input instanceof URL ? input : input.url));
    const secure = target.secure;
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
    const signal = (init.signal ?? undefined) as CancelSignal | undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const request = (secure ? httpsRequest : httpRequest)(
        {
          ...target.options,
          method: init.method ?? 'GET',
          headers,
          agent: secure ? httpsAgent : httpAgent,
        },
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
  Object.defineProperty(nodeFetch, acceptsCancelSignal, { value: true });
  return nodeFetch as typeof fetch;
}

interface RequestTarget {
  secure: boolean;
  /** node:http request options for the URL (what http.request would derive from a URL each call). */
  options: { protocol: string; hostname: string; port: string; path: string; auth?: string };
}

// Provider URLs repeat (one per target and operation), so parse each once.
const targets = new Map<string, RequestTarget>();
function targetOf(text: string): RequestTarget {
  let target = targets.get(text);
  if (!target) {
    const url = new URL(text);
    const options: RequestTarget['options'] = {
      protocol: url.protocol,
      // node:http wants a bare IPv6 address, without the URL's brackets.
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port,
      path: url.pathname + url.search,
    };
    if (url.username || url.password)
      options.auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    target = { secure: url.protocol === 'https:', options };
    if (targets.size > 1000) targets.clear();
    targets.set(text, target);
  }
  return target;
}

function abortError(signal: CancelSignal): Error {
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
      let ended = false;
      message.once('end', () => {
        ended = true;
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      });
      message.once('error', reject);
      // After a cut-off (close without end) report it; an Error costs µs, so only then.
      message.once('close', () => {
        if (!ended) reject(new Error('The upstream response was cut off.'));
      });
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
      // Discards the rest; reading it to the end keeps the keep-alive socket reusable.
      cancel: async () => {
        used = true;
        message.resume();
      },
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
