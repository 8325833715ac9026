import type { BudgetConfig, RouteConfig, ScopedBudgetConfig } from '../config/gateway-config.js';
import { GatewayError } from '../gateway-error.js';
import type { VirtualKeyRecord } from '../keys/virtual-key.js';
import type { RequestContext } from '../routing/request-context.js';
import type { CeilingCheck, CounterCharge, SharedState } from '../state/shared-state.js';
import type { BudgetAlertSink } from './budget-alerts.js';
import { currentPeriod } from './budget-period.js';

const minute = 60_000;
/** Spend counters outlive their period by a day so a late reader still sees the total. */
const spendGraceMs = 86_400_000;
/**
 * How long a route's rules are reused. Counter TTLs are computed when rules are built, so this
 * also bounds how much longer than needed a counter may live.
 */
const rulesReuseMs = 60_000;

/** A request-count limit, charged one per call on admission. */
interface RequestLimit extends CounterCharge {
  subject: string;
  per: string;
  windowEndsAt: number;
}

/** A cap checked on admission and charged once the call is done: tokens per window or USD. */
type Ceiling = TokenCeiling | BudgetCeiling;

interface TokenCeiling extends CeilingCheck {
  kind: 'tokens';
  ttlMs: number;
  subject: string;
  per: string;
  windowEndsAt: number;
}

interface BudgetCeiling extends CeilingCheck {
  kind: 'budget';
  ttlMs: number;
  subject: string;
  scope: ScopedBudgetConfig['scope'];
  budget: BudgetConfig;
  endsAt: number;
}

/**
 * The counters a set of rate limits and budgets uses in the current window, with their keys:
 * built once per route and reused by its calls until a window or period ends (a route's calls
 * would otherwise build the same key strings and objects every time).
 */
class UsageRules {
  readonly requests: RequestLimit[] = [];
  readonly ceilings: Ceiling[] = [];
  /** Until when the keys hold: the first window or period end, at most rulesReuseMs. */
  validUntil: number;

  constructor(
    readonly builtAt: number,
    readonly globalBudgets?: ScopedBudgetConfig[],
  ) {
    this.validUntil = builtAt + rulesReuseMs;
  }

  /** A copy for one call at `now`, to add the caller's own limits and budgets to. */
  extended(now: number): UsageRules {
    const rules = new UsageRules(now);
    rules.requests.push(...this.requests);
    rules.ceilings.push(...this.ceilings);
    return rules;
  }

  /** Requests and tokens per window for `subject` (e.g. `route 'chat'`). */
  addRateLimit(
    scopeKey: string,
    subject: string,
    windowMs: number,
    requests?: number,
    tokens?: number,
  ): void {
    const window = Math.floor(this.builtAt / windowMs);
    const windowEndsAt = (window + 1) * windowMs;
    this.validUntil = Math.min(this.validUntil, windowEndsAt);
    const per = windowMs === minute ? 'minute' : `${windowMs / 1000} s`;
    if (requests) {
      const key = `rl:req:${scopeKey}:${window}`;
      this.requests.push({
        key,
        limit: requests,
        cost: 1,
        ttlMs: windowMs,
        subject,
        per,
        windowEndsAt,
      });
    }
    if (tokens) {
      const key = `rl:tok:${scopeKey}:${window}`;
      this.ceilings.push({
        kind: 'tokens',
        key,
        limit: tokens,
        ttlMs: windowMs,
        subject,
        per,
        windowEndsAt,
      });
    }
  }

  /** A USD cap per period for `subject`. */
  addBudget(
    scope: BudgetCeiling['scope'],
    id: string,
    subject: string,
    budget: BudgetConfig,
  ): void {
    const period = currentPeriod(budget.period, this.builtAt);
    this.validUntil = Math.min(this.validUntil, period.endsAt);
    this.ceilings.push({
      kind: 'budget',
      key: `budget:${scope}:${id}:${budget.period}:${period.id}`,
      limit: budget.usd,
      ttlMs: period.endsAt - this.builtAt + spendGraceMs,
      subject,
      scope,
      budget,
      endsAt: period.endsAt,
    });
  }
}

/**
 * The rate limits and budgets one request is subject to: checked together in one atomic state
 * call before the provider is called (`admit`), then charged with the tokens and cost the call
 * actually used (`settle`, off the request path).
 */
export class UsagePlan {
  constructor(
    private readonly rules: UsageRules,
    /** When the call was planned: 429s say how long until their window or period ends. */
    private readonly now: number,
  ) {}

  /** Whether there is anything to check (so unlimited routes skip the state round trip). */
  get isEmpty(): boolean {
    return this.rules.requests.length === 0 && this.rules.ceilings.length === 0;
  }

  /**
   * Checks every limit and budget at once; throws a 429 GatewayError naming the first one hit.
   * Returns a promise only when the state is remote (in-process state answers at once).
   */
  admit(state: SharedState): Promise<void> | undefined {
    if (this.isEmpty) return undefined;
    const { requests, ceilings } = this.rules;
    if (state.admitNow) {
      this.refuseIfFailed(state.admitNow(requests, ceilings));
      return undefined;
    }
    return state.admit(requests, ceilings).then((failed) => this.refuseIfFailed(failed));
  }

  private refuseIfFailed(failed: number): void {
    if (failed < 0) return;
    const { requests, ceilings } = this.rules;
    if (failed < requests.length) {
      const limit = requests[failed]!;
      throw this.rateLimited(limit, `${limit.limit} requests`, 'rate_limit_exceeded', 'Rate limit');
    }
    const ceiling = ceilings[failed - requests.length]!;
    if (ceiling.kind === 'tokens') {
      throw this.rateLimited(
        ceiling,
        `${ceiling.limit} tokens`,
        'token_rate_limit_exceeded',
        'Token rate limit',
      );
    }
    throw new GatewayError(
      429,
      `Budget exceeded for ${ceiling.subject}: $${ceiling.budget.usd} per ${ceiling.budget.period} is spent. It resets at ${new Date(ceiling.endsAt).toISOString()}.`,
      'budget_exceeded',
      'budget_exceeded',
      ceiling.endsAt - this.now,
    );
  }

  private rateLimited(
    limit: RequestLimit | TokenCeiling,
    allowance: string,
    code: string,
    what: string,
  ): GatewayError {
    const retryAfterMs = limit.windowEndsAt - this.now;
    return new GatewayError(
      429,
      `${what} exceeded for ${limit.subject}: ${allowance} per ${limit.per}. Retry after ${Math.ceil(retryAfterMs / 1000)} s.`,
      'rate_limit_error',
      code,
      retryAfterMs,
    );
  }

  /**
   * Charges tokens and cost after the call; sends alerts for budgets that crossed a line.
   * Returns a promise only when the state is remote.
   */
  settle(
    state: SharedState,
    tokens: number,
    costUsd: number,
    alerts?: BudgetAlertSink,
  ): Promise<void> | undefined {
    if (!state.addNow) return this.settleRemote(state, tokens, costUsd, alerts);
    const ceilings = this.rules.ceilings;
    for (let index = 0; index < ceilings.length; index++) {
      const ceiling = ceilings[index]!;
      if (ceiling.kind === 'tokens') {
        if (tokens > 0) state.addNow(ceiling.key, tokens, ceiling.ttlMs);
      } else if (costUsd > 0 && !this.chargedBefore(index)) {
        const spent = state.addNow(ceiling.key, costUsd, ceiling.ttlMs);
        this.alertIfCrossed(ceiling, spent, costUsd, alerts);
        // Another budget on the same counter (a route's own and a global one) crossed with it.
        for (let other = index + 1; other < ceilings.length; other++) {
          const same = ceilings[other]!;
          if (same.kind === 'budget' && same.key === ceiling.key)
            this.alertIfCrossed(same, spent, costUsd, alerts);
        }
      }
    }
    return undefined;
  }

  private async settleRemote(
    state: SharedState,
    tokens: number,
    costUsd: number,
    alerts?: BudgetAlertSink,
  ): Promise<void> {
    const totals = new Map<string, number>();
    for (const ceiling of this.rules.ceilings) {
      if (ceiling.kind === 'tokens') {
        if (tokens > 0) await state.add(ceiling.key, tokens, ceiling.ttlMs);
      } else if (costUsd > 0) {
        // Two budgets on one counter (a route's own and a global one) charge it once.
        const spent =
          totals.get(ceiling.key) ?? (await state.add(ceiling.key, costUsd, ceiling.ttlMs));
        totals.set(ceiling.key, spent);
        this.alertIfCrossed(ceiling, spent, costUsd, alerts);
      }
    }
  }

  /** Whether a budget before `index` counts on the same counter (plans have a handful). */
  private chargedBefore(index: number): boolean {
    const ceilings = this.rules.ceilings;
    const key = ceilings[index]!.key;
    for (let other = 0; other < index; other++) if (ceilings[other]!.key === key) return true;
    return false;
  }

  private alertIfCrossed(
    ceiling: BudgetCeiling,
    spent: number,
    costUsd: number,
    alerts: BudgetAlertSink | undefined,
  ): void {
    const { budget } = ceiling;
    const before = spent - costUsd;
    const threshold = budget.usd * budget.alertAt;
    const crossed =
      before < budget.usd && spent >= budget.usd
        ? 'exhausted'
        : before < threshold && spent >= threshold
          ? 'threshold'
          : undefined;
    if (crossed && alerts) {
      alerts.notify({
        kind: crossed,
        subject: ceiling.subject,
        scope: ceiling.scope,
        period: budget.period,
        limitUsd: budget.usd,
        spentUsd: Math.round(spent * 1e6) / 1e6,
        resetsAt: new Date(ceiling.endsAt).toISOString(),
      });
    }
  }
}

/** Each route's own rules (its limits and budgets, and global route budgets), while they hold. */
const routeRulesCache = new WeakMap<RouteConfig, UsageRules>();

function routeRules(
  route: RouteConfig,
  globalBudgets: ScopedBudgetConfig[],
  now: number,
): UsageRules {
  const cached = routeRulesCache.get(route);
  if (
    cached &&
    cached.globalBudgets === globalBudgets &&
    now >= cached.builtAt &&
    now < cached.validUntil
  )
    return cached;
  const rules = new UsageRules(now, globalBudgets);
  const limit = route.rateLimit;
  if (limit) {
    const subject = `route '${route.name}'`;
    rules.addRateLimit(
      `route:${route.name}`,
      subject,
      limit.windowMs,
      limit.requests,
      limit.tokens,
    );
  }
  if (route.budget) rules.addBudget('route', route.name, `route '${route.name}'`, route.budget);
  for (const budget of globalBudgets) {
    if (budget.scope === 'route' && (budget.match === undefined || budget.match === route.name))
      rules.addBudget('route', route.name, `route '${route.name}'`, budget);
  }
  routeRulesCache.set(route, rules);
  return rules;
}

/** Whether the caller brings rules of its own: a key's limits or budgets, or a caller budget. */
function callerHasRules(
  key: VirtualKeyRecord | undefined,
  context: RequestContext,
  globalBudgets: ScopedBudgetConfig[],
): boolean {
  if (key && (key.rpm || key.tpm || key.budget)) return true;
  for (const budget of globalBudgets) {
    if (budget.scope === 'user' && context.user !== undefined) return true;
    if (budget.scope === 'key' && key) return true;
    if (budget.scope === 'tag') for (const _name in context.tags) return true;
  }
  return false;
}

/** Builds the plan for one request: its route's and key's limits, and every budget that applies. */
export function planUsage(
  route: RouteConfig,
  key: VirtualKeyRecord | undefined,
  context: RequestContext,
  globalBudgets: ScopedBudgetConfig[],
  now: number,
): UsagePlan {
  const shared = routeRules(route, globalBudgets, now);
  if (!callerHasRules(key, context, globalBudgets)) return new UsagePlan(shared, now);
  const rules = shared.extended(now);
  if (key && (key.rpm || key.tpm))
    rules.addRateLimit(`key:${key.id}`, `key ${key.id}`, minute, key.rpm, key.tpm);
  if (key?.budget) rules.addBudget('key', key.id, `key ${key.id}`, key.budget);
  for (const budget of globalBudgets) {
    switch (budget.scope) {
      case 'user':
        if (
          context.user !== undefined &&
          (budget.match === undefined || budget.match === context.user)
        ) {
          rules.addBudget('user', context.user, `user '${context.user}'`, budget);
        }
        break;
      case 'key':
        if (key && (budget.match === undefined || budget.match === key.id))
          rules.addBudget('key', key.id, `key ${key.id}`, budget);
        break;
      case 'tag':
        for (const [name, value] of Object.entries(context.tags)) {
          const tag = value === '' ? name : `${name}=${value}`;
          if (budget.match === undefined || budget.match === tag || budget.match === name) {
            rules.addBudget('tag', tag, `tag '${tag}'`, budget);
          }
        }
        break;
    }
  }
  return new UsagePlan(rules, now);
}
