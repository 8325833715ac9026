import type { Usage } from '@cairn/spec';
import { costAtPrice } from '@cairn/spec';
import type { CallState } from './call-state.js';
import type { GatewayError } from './gateway-error.js';
import { mapTexts, redactPii } from './policies/guardrails.js';
import { estimatePromptTokens } from './routing/order-targets.js';

/**
 * Completes the log record, charges tokens and spend to limits and budgets (off the request
 * path), and hands the record to the log queue.
 */
export function finishRecord(
  state: CallState,
  usage: Usage | undefined,
  outputs: unknown,
  error?: GatewayError,
  outputText?: string,
): void {
  const { record, outcome, call } = state;
  const now = performance.now();
  record.latency_ms = round(now - call.startedAt);
  record.ttft_ms ??= record.latency_ms;
  record.overhead_ms = round(Math.max(0, now - call.startedAt - outcome.upstreamMs));
  record.retries = outcome.retries;
  record.fallbacks = outcome.fallbacks;
  record.cache_hit = state.cacheStatus === 'hit';
  if (error) {
    record.status = error.status;
    record.error = error.message;
  }
  const promptTokens = usage?.prompt_tokens ?? (error ? 0 : estimatePromptTokens(state.body));
  const completionTokens =
    usage?.completion_tokens ?? (outputText ? Math.ceil(outputText.length / 4) : 0);
  record.prompt_tokens = promptTokens;
  record.completion_tokens = completionTokens;
  record.total_tokens = promptTokens + completionTokens;
  const cost = record.cache_hit || error ? 0 : costFor(state, promptTokens, completionTokens);
  if (cost !== undefined) record.cost_usd = cost;
  if (state.plan && !record.cache_hit && !error) {
    const charging = state.plan.settle(
      state.sharedState,
      record.total_tokens,
      cost ?? 0,
      state.alerts,
    );
    if (charging) state.track(charging);
  }
  const logging = state.gateway.logging;
  if (logging.payloads) {
    record.inputs = logging.redactPii ? mapTexts(state.body, redactPii) : state.body;
    if (outputs !== undefined)
      record.outputs = logging.redactPii ? mapTexts(outputs, redactPii) : outputs;
  }
  state.finish(record);
}

function costFor(
  state: CallState,
  promptTokens: number,
  completionTokens: number,
): number | undefined {
  const target = state.outcome.target;
  if (!target) return undefined;
  const price = target.config.price;
  if (price)
    return (promptTokens * price.promptPer1M + completionTokens * price.completionPer1M) / 1e6;
  const catalogued = target.cataloguePrice;
  return catalogued ? costAtPrice(catalogued, { promptTokens, completionTokens }) : undefined;
}

/** Milliseconds to the microsecond. */
export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
