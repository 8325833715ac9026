import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake provider received, kept for asserting what a provider sent. */
export interface RecordedRequest {
  method: string;
  /** Path and query as sent, e.g. `/v1/chat/completions?api-version=2024-10-21`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON. */
  json: () => Record<string, unknown>;
}

/** How the fake provider answers one request. */
export type Reply = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

/** A local HTTP server on 127.0.0.1 that answers with queued replies and records requests. */
export interface FakeProviderServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  requests: RecordedRequest[];
  /** Queues the answer to the next request (requests without a queued reply get a 599). */
  reply: (...replies: Reply[]) => void;
  close: () => Promise<void>;
}

/** Starts a fake provider on a free loopback port. */
export async function startFakeProvider(): Promise<FakeProviderServer> {
  const requests: RecordedRequest[] = [];
  const queue: Reply[] = [];
  const server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8');
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
        json: () => JSON.parse(body) as Record<string, unknown>,
      };
      requests.push(recorded);
      const next = queue.shift();
      if (!next) {
        response.writeHead(599).end('no reply queued');
        return;
      }
      Promise.resolve(next(recorded, response)).catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply: (...replies) => queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with a JSON body. */
export function jsonReply(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Reply {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

/** Answers with a raw body (an HTML error page, garbage, a truncated JSON document). */
export function textReply(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): Reply {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'text/plain', ...headers });
    response.end(body);
  };
}

/** Options of streamReply. */
export interface StreamOptions {
  contentType?: string;
  /** Chunks written before waiting for `gate`; the rest follow once it resolves. */
  gateAfter?: number;
  gate?: Promise<void>;
  /** Destroy the socket instead of ending the response (a connection reset mid-stream). */
  reset?: boolean;
}

/** Streams the chunks one write each, optionally pausing on a gate to prove chunk-by-chunk reads. */
export function streamReply(chunks: (string | Uint8Array)[], options: StreamOptions = {}): Reply {
  return async (_request, response) => {
    response.writeHead(200, {
      'content-type': options.contentType ?? 'text/event-stream',
      'cache-control': 'no-cache',
    });
    response.flushHeaders();
    for (const [index, chunk] of chunks.entries()) {
      if (index === options.gateAfter && options.gate) await options.gate;
      response.write(chunk);
    }
    if (options.reset) response.destroy();
    else response.end();
  };
}

/** Never answers: the connection hangs until the client gives up. */
export function hangReply(afterHeaders = false): Reply {
  return (_request, response) => {
    if (afterHeaders) {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.flushHeaders();
    }
  };
}

/** Splits SSE text into its events (each keeps its blank-line terminator), one write each. */
export function sseEvents(text: string): string[] {
  return text.split(/(?<=\n\n)/).filter((event) => event.trim() !== '');
}

/** Reads a fixture file from the `fixtures/` folder beside the test (`import.meta.url`). */
export function readFixture(testUrl: string, name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, testUrl), 'utf8');
}

/** A promise and its resolver, for gating a stream until the test has seen a chunk. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Resolves with the promise's value, or rejects if it takes longer than `ms` (a stuck stream). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Collects a whole stream (for assertions after the fact). */
export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}
