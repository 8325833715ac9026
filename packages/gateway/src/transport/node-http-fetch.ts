import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BodyChunks } from './body-chunks.js';
import { type BufferedAnswer, type BufferedPost, bufferedPost } from './buffered-post.js';
import { acceptsCancelSignal, type CancelSignal } from './cancel-signal.js';
import { headerValue } from './header-value.js';

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
 * Calls that want the whole answer skip the Response shape through its `bufferedPost`.
 */
export function createNodeHttpFetch(options: NodeHttpFetchOptions = {}): typeof fetch {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 256,
    timeout: options.keepAliveMs ?? 30_000,
  };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);
  /**
   * Sends one request and hands its response to `onMessage`; transport failures and an abort by
   * `signal` go to `reject`. Listeners are added with `on`, not `once`: these emitters live for
   * one exchange, settling a promise twice is harmless, and `once` wraps each listener per call.
   */
  const startRequest = (
    target: RequestTarget,
    method: string,
    headers: Record<string, string | number>,
    body: string | Uint8Array | undefined,
    signal: CancelSignal | undefined,
    onMessage: (message: IncomingMessage) => void,
    reject: (error: Error) => void,
  ): void => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const secure = target.secure;
    const { protocol, hostname, port, path, auth } = target.options;
    // A literal, not a spread plus fields: V8 defines fields after a spread one by one at run time.
    const request = (secure ? httpsRequest : httpRequest)(
      {
        protocol,
        hostname,
        port,
        path,
        auth,
        method,
        headers,
        agent: secure ? httpsAgent : httpAgent,
      },
      onMessage,
    );
    request.on('error', reject);
    if (signal) {
      // One abort listener for the whole exchange: destroying the request ends the response too,
      // and the request closes once its response has.
      const onAbort = () => request.destroy(abortError(signal));
      signal.addEventListener('abort', onAbort);
      request.on('close', () => signal.removeEventListener('abort', onAbort));
    }
    request.end(body);
  };
  const nodeFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const target =
      typeof input === 'string'
        ? targetOf(input)
        : targetOf(String(input instanceof URL ? input : input.url));
    const body = (init.body ?? undefined) as string | Uint8Array | undefined;
    const headers: Record<string, string> = {};
    if (init.headers) {
      const given =
        init.headers instanceof Headers
          ? Object.fromEntries(init.headers)
          : (init.headers as Record<string, string>);
      for (const name in given) headers[name.toLowerCase()] = String(given[name]);
    }
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const signal = (init.signal ?? undefined) as CancelSignal | undefined;
    return new Promise<Response>((resolve, reject) =>
      startRequest(
        target,
        init.method ?? 'GET',
        headers,
        body,
        signal,
        (message) => resolve(new NodeResponse(message) as unknown as Response),
        reject,
      ),
    );
  };
  const post: BufferedPost = (url, headers, body, signal) => {
    const sent: Record<string, string | number> = { ...headers };
    sent['content-length'] = Buffer.byteLength(body);
    return new Promise<BufferedAnswer>((resolve, reject) =>
      startRequest(
        targetOf(url),
        'POST',
        sent,
        body,
        signal,
        (message) =>
          readWhole(
            message,
            (chunks) =>
              resolve({
                status: message.statusCode ?? 0,
                statusText: message.statusMessage ?? '',
                headers: message.headers,
                text: chunks.text(),
              }),
            reject,
          ),
        reject,
      ),
    );
  };
  Object.defineProperty(nodeFetch, acceptsCancelSignal, { value: true });
  Object.defineProperty(nodeFetch, bufferedPost, { value: post });
  return nodeFetch as typeof fetch;
}

/**
 * Reads a whole body with events (cheaper per response than a stream iterator) and calls `done`
 * at its end, or `reject` when it fails or is cut off (closed before its end).
 */
function readWhole(
  message: IncomingMessage,
  done: (chunks: BodyChunks) => void,
  reject: (error: Error) => void,
): void {
  const chunks = new BodyChunks();
  let ended = false;
  message.on('data', (chunk: Buffer) => chunks.add(chunk));
  message.on('end', () => {
    ended = true;
    done(chunks);
  });
  message.on('error', reject);
  // An Error costs µs, so one is made only for a cut-off.
  message.on('close', () => {
    if (!ended) reject(new Error('The upstream response was cut off.'));
  });
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

/** Response headers over the message's (lower-cased) header object. */
class NodeResponseHeaders {
  constructor(private readonly raw: IncomingMessage['headers']) {}

  get(name: string): string | null {
    return headerValue(this.raw, name);
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of Object.entries(this.raw)) {
      if (value !== undefined) callback(Array.isArray(value) ? value.join(', ') : value, name);
    }
  }
}

/**
 * The Response subset providers read, over a node IncomingMessage (no web-stream copies). A
 * class rather than an object literal of closures: one shape for every response, nothing
 * allocated per method.
 */
class NodeResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: NodeResponseHeaders;
  readonly url = '';
  readonly redirected = false;
  bodyUsed = false;
  readonly body: NodeResponseBody;

  constructor(private readonly message: IncomingMessage) {
    this.status = message.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status < 300;
    this.statusText = message.statusMessage ?? '';
    this.headers = new NodeResponseHeaders(message.headers);
    this.body = new NodeResponseBody(this, message);
  }

  text(): Promise<string> {
    return this.readAll().then(utf8);
  }

  json(): Promise<unknown> {
    return this.readAll().then((buffer) => JSON.parse(utf8(buffer)) as unknown);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.readAll().then(
      (buffer) =>
        buffer.buffer.slice(
          buffer.byteOffset,
          buffer.byteOffset + buffer.byteLength,
        ) as ArrayBuffer,
    );
  }

  private readAll(): Promise<Buffer> {
    this.bodyUsed = true;
    return new Promise((resolve, reject) =>
      readWhole(this.message, (chunks) => resolve(chunks.bytes()), reject),
    );
  }
}

class NodeResponseBody {
  constructor(
    private readonly response: NodeResponse,
    private readonly message: IncomingMessage,
  ) {}

  /** Discards the rest; reading it to the end keeps the keep-alive socket reusable. */
  async cancel(): Promise<void> {
    this.response.bodyUsed = true;
    this.message.resume();
  }

  getReader() {
    this.response.bodyUsed = true;
    const message = this.message;
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
  }
}

function utf8(buffer: Buffer): string {
  return buffer.toString('utf8');
}
