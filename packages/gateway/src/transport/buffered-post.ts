import type { IncomingHttpHeaders } from 'node:http';
import type { CancelSignal } from './cancel-signal.js';

/** An upstream answer read to its end. */
export interface BufferedAnswer {
  status: number;
  statusText: string;
  /** Lower-cased names. */
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * POSTs `body` and resolves with the whole answer, whatever its status; rejects only when the
 * exchange fails (refused, reset, cut off, aborted by `signal`).
 */
export type BufferedPost = (
  url: string,
  headers: Record<string, string>,
  body: string,
  signal?: CancelSignal,
) => Promise<BufferedAnswer>;

/**
 * Where a fetch made by createUpstreamFetch keeps its BufferedPost. A provider call that wants the
 * whole JSON answer uses it and skips building a Response (a third of the transport's cost).
 */
export const bufferedPost = Symbol.for('cairn.gateway.bufferedPost');

/** The fetch's BufferedPost, when it has one. */
export function bufferedPostOf(fetchFunction: typeof fetch): BufferedPost | undefined {
  return (fetchFunction as unknown as { [bufferedPost]?: BufferedPost })[bufferedPost];
}
