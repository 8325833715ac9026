import type { RouteConfig } from '../config/gateway-config.js';
import { matchCondition } from './match-condition.js';
import type { RequestContext } from './request-context.js';
import type { RouteTarget } from './route-target.js';
import { stableHash } from './stable-hash.js';

/** Output tokens assumed for cost routing when the request sets no max_tokens. */
const assumedCompletionTokens = 256;

/**
 * The order in which a request tries a route's targets under its strategy; the first is the
 * choice, the rest are fallbacks taken on retryable failures.
 */
export function orderTargets(
  route: RouteConfig,
  targets: RouteTarget[],
  body: Record<string, unknown>,
  context: RequestContext,
  random: () => number = Math.random,
): RouteTarget[] {
  if (targets.length <= 1) return targets;
  switch (route.strategy) {
    case 'fallback':
      return targets;
    case 'loadbalance':
      return first(targets, weightedPick(targets, random()));
    case 'ab': {
      const id = route.abBy === 'session' ? context.session : context.user;
      // Sticky per id and per route, so one user sees one arm of each experiment.
      const point =
        id === undefined ? random() : stableHash(`${route.name}\u0000${id}`) / 0x1_0000_0000;
      return first(targets, weightedPick(targets, point));
    }
    case 'least-latency':
      // Targets without a sample yet sort first, so each gets measured.
      return [...targets].sort((a, b) => (a.latencyMs ?? -1) - (b.latencyMs ?? -1));
    case 'cost':
      return byCost(targets, body, context);
    case 'conditional':
      return conditional(route, targets, body, context);
  }
}

function weightedPick(targets: RouteTarget[], point: number): RouteTarget {
  const total = targets.reduce((sum, target) => sum + target.config.weight, 0);
  let remaining = point * total;
  for (const target of targets) {
    remaining -= target.config.weight;
    if (remaining < 0) return target;
  }
  return targets[targets.length - 1]!;
}

function first(targets: RouteTarget[], chosen: RouteTarget): RouteTarget[] {
  return [chosen, ...targets.filter((target) => target !== chosen)];
}

function byCost(
  targets: RouteTarget[],
  body: Record<string, unknown>,
  context: RequestContext,
): RouteTarget[] {
  const eligible = targets.filter(
    (target) => !target.config.when || matchCondition(target.config.when, context, body),
  );
  const promptTokens = estimatePromptTokens(body);
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  const completionTokens = typeof maxTokens === 'number' ? maxTokens : assumedCompletionTokens;
  return (eligible.length > 0 ? eligible : targets)
    .map((target, index) => ({
      target,
      index,
      cost: target.estimateCost(promptTokens, completionTokens),
    }))
    .sort((a, b) => a.cost - b.cost || a.index - b.index)
    .map((entry) => entry.target);
}

function conditional(
  route: RouteConfig,
  targets: RouteTarget[],
  body: Record<string, unknown>,
  context: RequestContext,
): RouteTarget[] {
  const byName = (name: string | undefined) => targets.find((target) => target.name === name);
  const rule = route.conditions.find((candidate) => matchCondition(candidate.when, context, body));
  const chosen = byName(rule?.target) ?? byName(route.defaultTarget) ?? targets[0]!;
  const fallback = byName(route.defaultTarget);
  return fallback && fallback !== chosen ? [chosen, fallback] : [chosen];
}

/** Characters / 4 over the request's text: a cheap size estimate for routing and guardrails. */
export function estimatePromptTokens(body: Record<string, unknown>): number {
  let characters = 0;
  const count = (value: unknown): void => {
    if (typeof value === 'string') characters += value.length;
    else if (Array.isArray(value)) for (const item of value) count(item);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      count(record.content ?? record.text);
    }
  };
  count(body.messages ?? body.prompt ?? body.input);
  return Math.ceil(characters / 4);
}
