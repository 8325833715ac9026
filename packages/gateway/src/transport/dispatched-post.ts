import type { IncomingHttpHeaders } from 'node:http';
import type { Agent, Dispatcher } from 'undici';
import { BodyChunks } from './body-chunks.js';
import type { BufferedAnswer, BufferedPost } from './buffered-post.js';
import type { CancelSignal } from './cancel-signal.js';

/**
 * A BufferedPost over undici's dispatcher API: the request goes out and the answer comes back
 * through one handler object, without node:http's ClientRequest and IncomingMessage streams.
 * On the gateway bench a JSON proxy spent ~12 µs less CPU per call this way than with
 * http.request and a keep-alive agent (less than the bare node:http proxy itself).
 */
export function dispatchedPost(agent: Agent): BufferedPost {
  return (url, headers, body, signal) =>
    new Promise<BufferedAnswer>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const target = targetOf(url);
      agent.dispatch(
        {
          origin: target.origin,
          path: target.path,
          method: 'POST',
          headers: withCredentials(headers, target),
          body,
        },
        new BufferingHandler(resolve, reject, signal),
      );
    });
}

/** Collects one answer; settles the promise once, on its end, a failure or an abort. */
class BufferingHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private statusText = '';
  private headers: IncomingHttpHeaders = {};
  private readonly chunks = new BodyChunks();
  private controller: Dispatcher.DispatchController | undefined;
  private readonly onAbort: (() => void) | undefined;
  private settled = false;

  constructor(
    private readonly resolve: (answer: BufferedAnswer) => void,
    private readonly reject: (error: Error) => void,
    private readonly signal: CancelSignal | undefined,
  ) {
    if (signal) {
      // The request may still wait for a connection: reject at once and stop it when it starts.
      this.onAbort = () => {
        const error = abortError(signal);
        this.controller?.abort(error);
        this.fail(error);
      };
      signal.addEventListener('abort', this.onAbort);
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.settled) controller.abort(new Error('The request was aborted.'));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.status = statusCode;
    this.headers = headers;
    this.statusText = statusMessage ?? '';
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.add(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settle();
    this.resolve({
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
      text: this.chunks.text(),
    });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settle();
    this.reject(error);
  }

  private settle(): void {
    this.settled = true;
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
  }
}

export function abortError(signal: CancelSignal): Error {
  const reason = signal.reason;
  const error = new Error(reason instanceof Error ? reason.message : 'The operation was aborted.', {
    cause: reason,
  });
  error.name = 'AbortError';
  return error;
}

/** Where undici sends a request to. */
export interface DispatchTarget {
  origin: string;
  path: string;
  authorization?: string;
}

/**
 * `headers` plus the Basic auth of credentials in the URL (http://user:pass@host), as
 * http.request sends them, unless the caller set an authorization header itself.
 */
export function withCredentials(
  headers: Record<string, string>,
  target: DispatchTarget,
): Record<string, string> {
  return target.authorization && headers.authorization === undefined
    ? { ...headers, authorization: target.authorization }
    : headers;
}

const targets = new Map<string, DispatchTarget>();

/** The origin, path and any Basic auth of a URL; provider URLs repeat, so each is parsed once. */
export function targetOf(text: string): DispatchTarget {
  let target = targets.get(text);
  if (!target) {
    const url = new URL(text);
    target = { origin: url.origin, path: url.pathname + url.search };
    if (url.username || url.password) {
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      target.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    if (targets.size > 1000) targets.clear();
    targets.set(text, target);
  }
  return target;
}
