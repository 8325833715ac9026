import type {
  BudgetConfig,
  GatewayApp,
  SharedState,
  VirtualKeyRecord,
  VirtualKeys,
} from '@cairn/gateway';
import type { GatewayLogRecord } from '@cairn/spec';

/** Live call counters of the mounted gateway, fed by its in-process log sink. */
export class GatewayCallCounters {
  calls = 0;
  errors = 0;
  /** Calls on routes with a response cache, and how many the cache answered. */
  cacheLookups = 0;
  cacheHits = 0;
  readonly byRoute = new Map<string, { calls: number; errors: number; cacheHits: number }>();

  /** Counts one logged call. */
  note(record: GatewayLogRecord, cached: boolean): void {
    this.calls++;
    const failed = record.status >= 400;
    if (failed) this.errors++;
    if (cached) this.cacheLookups++;
    if (record.cache_hit) this.cacheHits++;
    let route = this.byRoute.get(record.route);
    if (!route) {
      route = { calls: 0, errors: 0, cacheHits: 0 };
      this.byRoute.set(record.route, route);
    }
    route.calls++;
    if (failed) route.errors++;
    if (record.cache_hit) route.cacheHits++;
  }
}

/** What the status endpoint needs from a mounted gateway. */
export interface StatusSources {
  app: GatewayApp;
  state: SharedState;
  keys: VirtualKeys;
  counters: GatewayCallCounters;
  startedAt: number;
  now: number;
}

/**
 * The body of `GET /api/2.0/cairn/gateway/status` for a mounted gateway: routes and targets with
 * circuit-breaker state and latency, call and cache counters since start, budget use read from
 * the shared state, and virtual keys by id, name and prefix (never a secret or hash).
 */
export async function gatewayStatus(sources: StatusSources): Promise<Record<string, unknown>> {
  const { app, state, counters, now } = sources;
  const gateway = app.gateway;
  const config = gateway.config;
  const routes = await Promise.all(
    gateway.listRoutes().map(async (route) => {
      const stats = counters.byRoute.get(route.config.name);
      return {
        name: route.config.name,
        route_type: route.config.type,
        strategy: route.config.strategy,
        targets: route.targets.map((target) => ({
          name: target.name,
          provider: target.config.model.provider,
          model: target.config.model.name,
          weight: target.config.weight,
          circuit: target.breaker
            ? { state: target.breaker.state, retry_after_ms: target.breaker.retryAfterMs() }
            : { state: 'closed' as const, retry_after_ms: 0 },
          ...(target.latencyMs !== undefined ? { latency_ms: round(target.latencyMs) } : {}),
        })),
        ...(route.config.rateLimit ? { rate_limit: rateLimitJson(route.config.rateLimit) } : {}),
        ...(route.config.budget
          ? { budget: await budgetUse(state, 'route', route.config.name, route.config.budget, now) }
          : {}),
        cache: route.config.cache
          ? { enabled: true, ttl_ms: route.config.cache.ttlMs, hits: stats?.cacheHits ?? 0 }
          : { enabled: false },
        calls: stats?.calls ?? 0,
        errors: stats?.errors ?? 0,
      };
    }),
  );
  const budgets = await Promise.all(
    config.budgets.map(async (budget) => ({
      scope: budget.scope,
      ...(budget.match !== undefined
        ? await budgetUse(state, budget.scope, budget.match, budget, now)
        : { usd: budget.usd, period: budget.period, per: `each ${budget.scope}` }),
      ...(budget.match !== undefined ? { subject: budget.match } : {}),
    })),
  );
  const keys = await sources.keys.list();
  return {
    mounted: true,
    started_at: new Date(sources.startedAt).toISOString(),
    routes,
    calls: { total: counters.calls, errors: counters.errors },
    cache: {
      lookups: counters.cacheLookups,
      hits: counters.cacheHits,
      hit_rate: counters.cacheLookups === 0 ? 0 : round(counters.cacheHits / counters.cacheLookups),
    },
    budgets,
    virtual_keys: {
      required: config.virtualKeys,
      keys: await Promise.all(keys.map((key) => keyJson(state, key, now))),
    },
    logging: {
      queued: gateway.logQueue?.size ?? 0,
      dropped: gateway.logQueue?.dropped ?? 0,
    },
  };
}

async function keyJson(state: SharedState, key: VirtualKeyRecord, now: number) {
  return {
    id: key.id,
    ...(key.name ? { name: key.name } : {}),
    prefixes: key.secrets
      .filter((secret) => secret.expiresAt === undefined || secret.expiresAt > now)
      .map((secret) => secret.prefix),
    ...(key.routes ? { routes: key.routes } : {}),
    ...(key.rpm ? { rpm: key.rpm } : {}),
    ...(key.tpm ? { tpm: key.tpm } : {}),
    ...(key.budget ? { budget: await budgetUse(state, 'key', key.id, key.budget, now) } : {}),
    status: key.revokedAt !== undefined ? 'revoked' : 'active',
  };
}

function rateLimitJson(limit: { requests?: number; tokens?: number; windowMs: number }) {
  return {
    window_ms: limit.windowMs,
    ...(limit.requests ? { requests: limit.requests } : {}),
    ...(limit.tokens ? { tokens: limit.tokens } : {}),
  };
}

/**
 * Spend so far in the current period, read from the counter the gateway's usage plan charges
 * (`budget:<scope>:<id>:<period>:<period id>`, UTC calendar periods).
 */
async function budgetUse(
  state: SharedState,
  scope: string,
  id: string,
  budget: BudgetConfig,
  now: number,
) {
  const spent = await state.read(
    `budget:${scope}:${id}:${budget.period}:${periodId(budget.period, now)}`,
  );
  return {
    usd: budget.usd,
    period: budget.period,
    spent_usd: round(spent),
    used: budget.usd > 0 ? round(spent / budget.usd) : 0,
  };
}

/** The id the gateway gives the current UTC day, ISO week (from Monday) or month. */
export function periodId(period: BudgetConfig['period'], now: number): string {
  const date = new Date(now);
  const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()];
  if (period === 'day') return isoDate(Date.UTC(year, month, day));
  if (period === 'week')
    return `w${isoDate(Date.UTC(year, month, day - ((date.getUTCDay() + 6) % 7)))}`;
  return isoDate(Date.UTC(year, month, 1)).slice(0, 7);
}

function isoDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
