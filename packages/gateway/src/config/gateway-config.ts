import type { ModelConfig } from '../providers/provider.js';

/** The three kinds of route MLflow's gateway knows. */
export type RouteType = 'llm/v1/chat' | 'llm/v1/completions' | 'llm/v1/embeddings';

/** How a route picks among its targets. */
export type RoutingStrategy =
  | 'fallback'
  | 'loadbalance'
  | 'least-latency'
  | 'cost'
  | 'conditional'
  | 'ab';

/** Budget and rate-limit periods. */
export type BudgetPeriod = 'day' | 'week' | 'month';

/**
 * A condition over the request context, Mongo-style: `{ "metadata.tier": "gold" }`,
 * `{ "params.max_tokens": { $gt: 1000 } }`, `{ $or: [...] }`. Paths start with `metadata`,
 * `params`, `headers`, `user`, `session` or `tags`.
 */
export type Condition = Record<string, unknown>;

/** One model a route may send a request to. */
export interface TargetConfig {
  /** Name used in logs, conditions and `default:`; defaults to `<provider>:<model>`. */
  name: string;
  model: ModelConfig;
  /** Share of traffic under `loadbalance` and `ab` (default 1). */
  weight: number;
  /** Per-attempt deadline in milliseconds (default: the route's). */
  timeoutMs: number;
  /** `cost`: the target is eligible only when this matches. */
  when?: Condition;
  /** Price override in USD per million tokens, for models the catalogue lacks. */
  price?: { promptPer1M: number; completionPer1M: number };
}

/** Retries on one target before moving to the next. */
export interface RetryConfig {
  /** Extra attempts after the first (0 = no retry). */
  attempts: number;
  /** First backoff; doubles each attempt. */
  backoffMs: number;
  maxBackoffMs: number;
  /** A `Retry-After` longer than this moves on to the next target instead of waiting. */
  maxRetryAfterMs: number;
}

/** Take a target out after `failures` consecutive failures, for `cooldownMs`. */
export interface CircuitBreakerConfig {
  failures: number;
  cooldownMs: number;
}

/** Requests and tokens per window. */
export interface RateLimitConfig {
  requests?: number;
  tokens?: number;
  windowMs: number;
}

/** A spending cap in USD per period. */
export interface BudgetConfig {
  usd: number;
  period: BudgetPeriod;
  /** Fraction of `usd` at which to send an alert (default 0.8). */
  alertAt: number;
}

/** A global budget applied to each user, tag, route or key (or one specific value). */
export interface ScopedBudgetConfig extends BudgetConfig {
  scope: 'user' | 'tag' | 'route' | 'key';
  /** Only this user/route/key, or for tags `name=value` or `name`; absent = each one separately. */
  match?: string;
}

/** Exact-match response cache. */
export interface CacheConfig {
  ttlMs: number;
}

/** Input/output checks. */
export interface GuardrailsConfig {
  /** Patterns that block a request (400) when they match its input. */
  denyInput: RegExp[];
  /** Patterns that block a response (400) when they match its output. */
  denyOutput: RegExp[];
  /** Redact e-mail addresses, phone, card and social-security numbers in inputs and outputs. */
  redactPii: boolean;
  /** Largest `max_tokens` a request may ask for. */
  maxTokens?: number;
  /** Largest estimated input size in tokens (characters / 4). */
  maxInputTokens?: number;
}

/** One route: a name clients use as `model`, its type, its targets and its policies. */
export interface RouteConfig {
  name: string;
  type: RouteType;
  strategy: RoutingStrategy;
  targets: TargetConfig[];
  retry: RetryConfig;
  circuitBreaker?: CircuitBreakerConfig;
  /** MLflow's `limit:` as written, for the listing API. */
  mlflowLimit?: { renewal_period: string; calls: number };
  rateLimit?: RateLimitConfig;
  budget?: BudgetConfig;
  cache?: CacheConfig;
  guardrails?: GuardrailsConfig;
  /** `conditional`: first matching rule wins; otherwise `defaultTarget`. */
  conditions: { when: Condition; target: string }[];
  defaultTarget?: string;
  /** `ab`: which id makes the split sticky. */
  abBy: 'user' | 'session';
}

/** What gets logged per call. */
export interface LoggingConfig {
  /** Include request and response bodies in log records. */
  payloads: boolean;
  /** Redact PII in logged payloads. */
  redactPii: boolean;
  queueSize: number;
  batchSize: number;
  flushMs: number;
}

/** The whole gateway configuration, validated, with `$ENV` references resolved. */
export interface GatewayConfig {
  routes: RouteConfig[];
  /** Require a Cairn virtual key on every call except `/health`. */
  virtualKeys: boolean;
  redisUrl?: string;
  /** Prefix of every shared-state key (Redis), so gateways can share one Redis. */
  statePrefix: string;
  budgets: ScopedBudgetConfig[];
  alertWebhookUrl?: string;
  logging: LoggingConfig;
  maxBodyBytes: number;
  /** Every secret value in the file, so errors and logs can scrub them. */
  secrets: string[];
}
