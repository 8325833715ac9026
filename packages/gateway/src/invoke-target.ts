import type { Usage } from '@cairn/spec';
import type { CallState } from './call-state.js';
import { finishRecord } from './finish-record.js';
import { jsonText } from './json-text.js';
import { checkOutput } from './policies/guardrails.js';
import { ProviderError } from './providers/provider.js';
import { relayStream, replayStream } from './relay-stream.js';
import type { AttemptDeadline } from './routing/attempt-deadline.js';
import { callWithRouting } from './routing/call-with-routing.js';
import type { RouteTarget } from './routing/route-target.js';
import { toClientError } from './upstream-error.js';

/** What the HTTP layer needs to answer. */
export interface InvokeMeta {
  requestId: string;
  /** Time spent on providers before the response (or first chunk) was ready. */
  upstreamMs: number;
  cache?: 'hit' | 'miss' | 'bypass';
}

/** A full JSON response, or a stream of chunks to send as SSE. */
export type InvokeResult =
  | { kind: 'json'; body: unknown; meta: InvokeMeta }
  | { kind: 'stream'; chunks: AsyncIterable<unknown>; meta: InvokeMeta };

/** A cached entry: a full response or a stream's chunks. */
export type CachedResponse = { body: unknown } | { chunks: unknown[] };

interface StreamStart {
  iterator: AsyncIterator<unknown>;
  first: IteratorResult<unknown>;
  deadline: AttemptDeadline;
}

/** Calls the route's targets in `order` and returns the answer, logging it either way. */
export async function invokeTarget(state: CallState, order: RouteTarget[]): Promise<InvokeResult> {
  const { call, route, outcome } = state;
  const signal = call.signal;
  try {
    if (state.stream) {
      const start = await callWithRouting<StreamStart>(
        order,
        route.config.retry,
        async (target, deadline) => {
          const provider = target.provider;
          const options = { signal: deadline.signal };
          let iterable: AsyncIterable<unknown>;
          if (call.kind === 'chat' && provider.chatStream)
            iterable = provider.chatStream(state.body as never, options);
          else if (call.kind === 'completions' && provider.completeStream)
            iterable = provider.completeStream(state.body as never, options);
          else throw unsupported(target, call.kind);
          const iterator = iterable[Symbol.asyncIterator]();
          const first = await iterator.next();
          deadline.detach();
          return { iterator, first, deadline };
        },
        outcome,
        signal,
      );
      describeTarget(state);
      return {
        kind: 'stream',
        chunks: relayStream(state, start.iterator, start.first, start.deadline),
        meta: meta(state),
      };
    }
    const response = await callWithRouting<unknown>(
      order,
      route.config.retry,
      (target, deadline) => {
        const provider = target.provider;
        const options = { signal: deadline.signal };
        if (call.kind === 'chat' && provider.chat)
          return provider.chat(state.body as never, options);
        if (call.kind === 'completions' && provider.complete)
          return provider.complete(state.body as never, options);
        if (call.kind === 'embeddings' && provider.embed)
          return provider.embed(state.body as never, options);
        throw unsupported(target, call.kind);
      },
      outcome,
      signal,
    );
    describeTarget(state);
    const guardrails = route.config.guardrails;
    const body = guardrails ? checkOutput(guardrails, response) : response;
    if (state.cacheKey)
      void state.sharedState
        .cacheSet(state.cacheKey, `{"body":${jsonText(body)}}`, route.config.cache!.ttlMs)
        .catch(() => undefined);
    return completeCall(state, { body }, false);
  } catch (error) {
    describeTarget(state);
    const clientError = toClientError(error, state.gateway.secrets);
    finishRecord(state, undefined, undefined, clientError);
    throw clientError;
  }
}

/** Answers from a full response or cached entry: settles usage, logs, returns. */
export function completeCall(
  state: CallState,
  entry: CachedResponse,
  cacheHit: boolean,
): InvokeResult {
  if (cacheHit) state.cacheStatus = 'hit';
  if ('chunks' in entry) {
    // Only streams are cached as chunks, and a cached stream is only looked up by a streaming request.
    const text = { value: '' };
    return { kind: 'stream', chunks: replayStream(state, entry.chunks, text), meta: meta(state) };
  }
  const usage = (entry.body as { usage?: Usage } | undefined)?.usage;
  finishRecord(state, usage, entry.body);
  return { kind: 'json', body: entry.body, meta: meta(state) };
}

function meta(state: CallState): InvokeMeta {
  const result: InvokeMeta = {
    requestId: state.record.request_id,
    upstreamMs: state.outcome.upstreamMs,
  };
  if (state.cacheStatus) result.cache = state.cacheStatus;
  return result;
}

function describeTarget(state: CallState): void {
  const target = state.outcome.target;
  if (!target) return;
  state.record.target = target.name;
  state.record.provider = target.config.model.provider;
  state.record.model = target.config.model.name;
}

function unsupported(target: RouteTarget, kind: string): ProviderError {
  return new ProviderError(target.provider.id, `${target.name} cannot serve ${kind} requests`, {
    status: 501,
    isRetryable: false,
  });
}
