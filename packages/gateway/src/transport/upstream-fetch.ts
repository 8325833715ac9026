import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { BodyChunks } from './body-chunks.js';
import { bufferedPost } from './buffered-post.js';
import { acceptsCancelSignal, type CancelSignal } from './cancel-signal.js';
import { abortError, dispatchedPost, targetOf, withCredentials } from './dispatched-post.js';
import { headerValue } from './header-value.js';

/** Connection-pool options of createUpstreamFetch. */
export interface UpstreamFetchOptions {
  /** Connections per upstream origin (default 256). */
  maxSockets?: number;
  /** How long an idle upstream connection is kept (default 30 s). */
  keepAliveMs?: number;
}

/**
 * A `fetch` for provider calls on undici's dispatcher API, with a keep-alive pool per upstream
 * origin. Node's global fetch (undici behind WHATWG streams and Headers) spends several times the
 * CPU per request, which is most of a gateway's cost; providers take this through
 * `createProvider(model, { fetch })`.
 *
 * It covers what providers use: POST/GET with string or byte bodies, `signal` (an AbortSignal or
 * the gateway's cheaper CallSignal), and a response with `ok`, `status`, `statusText`,
 * `headers.get`, `text()`, `json()`, `arrayBuffer()` and `body.getReader()` for streaming.
 * Calls that want the whole answer skip the Response shape through its `bufferedPost`.
 */
export function createUpstreamFetch(options: UpstreamFetchOptions = {}): typeof fetch {
  const agent = new Agent({
    connections: options.maxSockets ?? 256,
    keepAliveTimeout: options.keepAliveMs ?? 30_000,
    pipelining: 1,
    // The gateway bounds each attempt with its own deadline.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const upstreamFetch = async (
    input: string | URL | Request,
    init: RequestInit = {},
  ): Promise<Response> => {
    const target = targetOf(
      typeof input === 'string' ? input : String(input instanceof URL ? input : input.url),
    );
    const headers: Record<string, string> = {};
    if (init.headers) {
      const given =
        init.headers instanceof Headers
          ? Object.fromEntries(init.headers)
          : (init.headers as Record<string, string>);
      for (const name in given) headers[name.toLowerCase()] = String(given[name]);
    }
    const signal = (init.signal ?? undefined) as CancelSignal | undefined;
    if (signal?.aborted) throw abortError(signal);
    try {
      const answer = await agent.request({
        origin: target.origin,
        path: target.path,
        method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: withCredentials(headers, target),
        body: (init.body ?? undefined) as string | Uint8Array | undefined,
        signal: signal as AbortSignal | undefined,
      });
      return new UpstreamResponse(answer) as unknown as Response;
    } catch (error) {
      throw signal?.aborted ? abortError(signal) : error;
    }
  };
  Object.defineProperty(upstreamFetch, acceptsCancelSignal, { value: true });
  Object.defineProperty(upstreamFetch, bufferedPost, { value: dispatchedPost(agent) });
  return upstreamFetch as typeof fetch;
}

/**
 * Reads a whole body with events (cheaper per response than a stream iterator) and calls `done`
 * at its end, or `reject` when it fails or is cut off (closed before its end).
 */
function readWhole(
  body: Readable,
  done: (chunks: BodyChunks) => void,
  reject: (error: Error) => void,
): void {
  const chunks = new BodyChunks();
  let ended = false;
  body.on('data', (chunk: Buffer) => chunks.add(chunk));
  body.on('end', () => {
    ended = true;
    done(chunks);
  });
  body.on('error', reject);
  // An Error costs µs, so one is made only for a cut-off.
  body.on('close', () => {
    if (!ended) reject(new Error('The upstream response was cut off.'));
  });
}

type UpstreamHeaders = Dispatcher.ResponseData['headers'];

/** Response headers over the answer's (lower-cased) header object. */
class UpstreamResponseHeaders {
  constructor(private readonly raw: UpstreamHeaders) {}

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
 * The Response subset providers read, over undici's answer (no web-stream copies). A class
 * rather than an object literal of closures: one shape for every response, nothing allocated per
 * method.
 */
class UpstreamResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: UpstreamResponseHeaders;
  readonly url = '';
  readonly redirected = false;
  bodyUsed = false;
  readonly body: UpstreamResponseBody;

  constructor(private readonly answer: Dispatcher.ResponseData) {
    this.status = answer.statusCode;
    this.ok = this.status >= 200 && this.status < 300;
    this.statusText = STATUS_CODES[this.status] ?? '';
    this.headers = new UpstreamResponseHeaders(answer.headers);
    this.body = new UpstreamResponseBody(this, answer.body);
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
      readWhole(this.answer.body, (chunks) => resolve(chunks.bytes()), reject),
    );
  }
}

class UpstreamResponseBody {
  constructor(
    private readonly response: UpstreamResponse,
    private readonly body: Readable,
  ) {}

  /** Discards the rest; reading it to the end keeps the keep-alive connection reusable. */
  async cancel(): Promise<void> {
    this.response.bodyUsed = true;
    this.body.resume();
  }

  getReader() {
    this.response.bodyUsed = true;
    const body = this.body;
    const iterator = body[Symbol.asyncIterator]();
    return {
      read: async () => {
        const next = await iterator.next();
        return next.done
          ? { done: true as const, value: undefined }
          : { done: false as const, value: next.value as Uint8Array };
      },
      cancel: async () => {
        body.destroy();
      },
      releaseLock: () => undefined,
    };
  }
}

function utf8(buffer: Buffer): string {
  return buffer.toString('utf8');
}
