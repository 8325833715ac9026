import type { Usage } from '@cairn/spec';
import type { CallState } from './call-state.js';
import { finishRecord, round } from './finish-record.js';
import { GatewayError } from './gateway-error.js';
import { mapTexts, matchesOnce, redactPii } from './policies/guardrails.js';
import type { AttemptDeadline } from './routing/attempt-deadline.js';
import { toClientError } from './upstream-error.js';

interface StreamChunk {
  choices?: { delta?: { content?: string | null }; text?: string }[];
  usage?: Usage | null;
}

/**
 * Passes a provider's stream to the client chunk by chunk, while keeping what the log, the
 * cache and the budgets need: time to first token, usage (from the usage chunk the provider is
 * asked for, hidden unless the client asked too) and the text for output guardrails. The
 * target's timeout becomes an idle timeout between chunks. Finishes the call's record however
 * the stream ends, client disconnect included.
 */
export async function* relayStream(
  state: CallState,
  iterator: AsyncIterator<unknown>,
  first: IteratorResult<unknown>,
  deadline: AttemptDeadline,
): AsyncGenerator<unknown> {
  const clientWantsUsage =
    (state.body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  const guardrails = state.route.config.guardrails;
  const cached: unknown[] | undefined = state.cacheKey ? [] : undefined;
  const text = { value: '' };
  let usage: Usage | undefined;
  let failure: GatewayError | undefined;
  let complete = false;
  try {
    let next = first;
    while (!next.done) {
      deadline.refresh();
      let chunk = next.value as StreamChunk;
      if (chunk.usage) usage = chunk.usage;
      const usageOnly = chunk.usage && (!chunk.choices || chunk.choices.length === 0);
      if (!clientWantsUsage && chunk.usage !== undefined) {
        const { usage: _hidden, ...rest } = chunk;
        chunk = rest;
      }
      if (!usageOnly || clientWantsUsage) {
        collectText(chunk, text);
        if (guardrails) chunk = checkChunk(guardrails, chunk, text.value);
        cached?.push(chunk);
        if (state.record.ttft_ms === undefined)
          state.record.ttft_ms = round(performance.now() - state.call.startedAt);
        yield chunk;
      }
      next = await iterator.next();
    }
    complete = true;
  } catch (error) {
    failure = toClientError(
      error instanceof GatewayError ? error : asStreamError(error, state, deadline),
      state.gateway.secrets,
    );
    throw failure;
  } finally {
    deadline.clear();
    if (!complete) await iterator.return?.().catch(() => undefined);
    if (complete && cached && state.cacheKey) {
      void state.sharedState
        .cacheSet(
          state.cacheKey,
          JSON.stringify({ chunks: cached }),
          state.route.config.cache!.ttlMs,
        )
        .catch(() => undefined);
    }
    const closed =
      !complete && !failure
        ? new GatewayError(499, 'Client closed the stream.', 'api_error', 'client_closed')
        : failure;
    finishRecord(state, usage, { text: text.value }, closed, text.value);
  }
}

/** Replays a cached stream. */
export async function* replayStream(
  state: CallState,
  chunks: unknown[],
  text: { value: string },
): AsyncGenerator<unknown> {
  try {
    for (const chunk of chunks) {
      collectText(chunk as StreamChunk, text);
      if (state.record.ttft_ms === undefined)
        state.record.ttft_ms = round(performance.now() - state.call.startedAt);
      yield chunk;
    }
  } finally {
    finishRecord(state, undefined, { text: text.value }, undefined, text.value);
  }
}

function collectText(chunk: StreamChunk, text: { value: string }): void {
  for (const choice of chunk.choices ?? []) {
    const piece = choice.delta?.content ?? choice.text;
    if (typeof piece === 'string') text.value += piece;
  }
}

function checkChunk(
  guardrails: NonNullable<CallState['route']['config']['guardrails']>,
  chunk: StreamChunk,
  soFar: string,
): StreamChunk {
  const hit = guardrails.denyOutput.find((pattern) => matchesOnce(pattern, soFar));
  if (hit) {
    throw new GatewayError(
      400,
      `Response blocked by a guardrail: the output matches ${hit}.`,
      'guardrail_violation',
      'guardrail_output_denied',
    );
  }
  // Redaction is per chunk: a value split across two chunks is not caught (documented).
  return guardrails.redactPii ? mapTexts(chunk, redactPii) : chunk;
}

function asStreamError(error: unknown, state: CallState, deadline: AttemptDeadline): unknown {
  if (state.call.signal?.aborted)
    return new GatewayError(499, 'Client closed the stream.', 'api_error', 'client_closed');
  if (deadline.timedOut) {
    return new GatewayError(
      504,
      'The upstream stream stalled past the timeout.',
      'timeout_error',
      'upstream_timeout',
    );
  }
  return error;
}
