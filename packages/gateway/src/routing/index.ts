export type { AttemptDeadline, RoutingOutcome } from './call-with-routing.js';
export { callWithRouting } from './call-with-routing.js';
export { CircuitBreaker } from './circuit-breaker.js';
export { matchCondition } from './match-condition.js';
export { estimatePromptTokens, orderTargets } from './order-targets.js';
export type { RequestContext } from './request-context.js';
export { parseTags } from './request-context.js';
export { RouteTarget } from './route-target.js';
export { stableHash } from './stable-hash.js';
