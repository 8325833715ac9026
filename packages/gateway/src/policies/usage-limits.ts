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

interface Check {
  describe(): GatewayError;
}

interface BudgetCheck {
  key: string;
  ttlMs: number;
  budget: BudgetConfig;
  scope: ScopedBudgetConfig['scope'];
  subject: string;
  endsAt: number;
}

/**
 * The rate limits and budgets one request is subject to: checked together in one atomic state
 * call before the provider is called (`admit`), then charged with the tokens and cost the call
 * actually used (`settle`, off the request path).
 */
export class UsagePlan {
  private readonly charges: CounterCharge[] = [];
  private readonly ceilings: CeilingCheck[] = [];
  private readonly chargeChecks: Check[] = [];
  private readonly ceilingChecks: Check[] = [];
  private readonly tokenCounters: { key: string; ttlMs: number }[] = [];
  private readonly budgets: BudgetCheck[] = [];

  constructor(private readonly now: number) {}

  /** Whether there is anything to check (so unlimited routes skip the state round trip). */
  get isEmpty(): boolean {
    return this.charges.length === 0 && this.ceilings.length === 0;
  }

  /** Requests and tokens per window for `subject` (e.g. `route 'chat'`). */
  addRateLimit(
    scopeKey: string,
    subject: string,
    windowMs: number,
    requests?: number,
    tokens?: number,
  ): void {
    const window = Math.floor(this.now / windowMs);
    const retryAfterMs = (window + 1) * windowMs - this.now;
    const per = windowMs === minute ? 'minute' : `${windowMs / 1000} s`;
    if (requests) {
      this.charges.push({
        key: `rl:req:${scopeKey}:${window}`,
        limit: requests,
        cost: 1,
        ttlMs: windowMs,
      });
      this.chargeChecks.push({
        describe: () =>
          new GatewayError(
            429,
            `Rate limit exceeded for ${subject}: ${requests} requests per ${per}. Retry after ${Math.ceil(retryAfterMs / 1000)} s.`,
            'rate_limit_error',
            'rate_limit_exceeded',
            retryAfterMs,
          ),
      });
    }
    if (tokens) {
      const key = `rl:tok:${scopeKey}:${window}`;
      this.ceilings.push({ key, limit: tokens });
      this.tokenCounters.push({ key, ttlMs: windowMs });
      this.ceilingChecks.push({
        describe: () =>
          new GatewayError(
            429,
            `Token rate limit exceeded for ${subject}: ${tokens} tokens per ${per}. Retry after ${Math.ceil(retryAfterMs / 1000)} s.`,
            'rate_limit_error',
            'token_rate_limit_exceeded',
            retryAfterMs,
          ),
      });
    }
  }

  /** A USD cap per period for `subject`. */
  addBudget(scope: BudgetCheck['scope'], id: string, subject: string, budget: BudgetConfig): void {
    const period = currentPeriod(budget.period, this.now);
    const key = `budget:${scope}:${id}:${budget.period}:${period.id}`;
    this.ceilings.push({ key, limit: budget.usd });
    this.budgets.push({
      key,
      ttlMs: period.endsAt - this.now + spendGraceMs,
      budget,
      scope,
      subject,
      endsAt: period.endsAt,
    });
    const retryAfterMs = period.endsAt - this.now;
    this.ceilingChecks.push({
      describe: () =>
        new GatewayError(
          429,
          `Budget exceeded for ${subject}: $${budget.usd} per ${budget.period} is spent. It resets at ${new Date(period.endsAt).toISOString()}.`,
          'budget_exceeded',
          'budget_exceeded',
          retryAfterMs,
        ),
    });
  }

  /**
   * Checks every limit and budget at once; throws a 429 GatewayError naming the first one hit.
   * Returns a promise only when the state is remote (in-process state answers at once).
   */
  admit(state: SharedState): Promise<void> | undefined {
    if (this.isEmpty) return undefined;
    if (state.admitNow) {
      this.refuseIfFailed(state.admitNow(this.charges, this.ceilings));
      return undefined;
    }
    return state.admit(this.charges, this.ceilings).then((failed) => this.refuseIfFailed(failed));
  }

  private refuseIfFailed(failed: number): void {
    if (failed < 0) return;
    const check =
      failed < this.charges.length
        ? this.chargeChecks[failed]
        : this.ceilingChecks[failed - this.charges.length];
    throw check!.describe();
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
    if (tokens > 0)
      for (const counter of this.tokenCounters) state.addNow(counter.key, tokens, counter.ttlMs);
    if (costUsd <= 0) return undefined;
    const budgets = this.budgets;
    const spent: number[] = [];
    for (let index = 0; index < budgets.length; index++) {
      const budget = budgets[index]!;
      // Two budgets on one counter (a route's own and a global one) charge it once. Plans have a
      // handful of budgets: a scan beats a Map made per call.
      const same = budgets.findIndex((other) => other.key === budget.key);
      spent[index] = same < index ? spent[same]! : state.addNow(budget.key, costUsd, budget.ttlMs);
      this.alertIfCrossed(budget, spent[index]!, costUsd, alerts);
    }
    return undefined;
  }

  private async settleRemote(
    state: SharedState,
    tokens: number,
    costUsd: number,
    alerts?: BudgetAlertSink,
  ): Promise<void> {
    if (tokens > 0)
      for (const counter of this.tokenCounters) await state.add(counter.key, tokens, counter.ttlMs);
    if (costUsd <= 0) return;
    const totals = new Map<string, number>();
    for (const budget of this.budgets) {
      // Two budgets on one counter (a route's own and a global one) charge it once.
      const spent = totals.get(budget.key) ?? (await state.add(budget.key, costUsd, budget.ttlMs));
      totals.set(budget.key, spent);
      this.alertIfCrossed(budget, spent, costUsd, alerts);
    }
  }

  private alertIfCrossed(
    budget: BudgetCheck,
    spent: number,
    costUsd: number,
    alerts: BudgetAlertSink | undefined,
  ): void {
    const before = spent - costUsd;
    const threshold = budget.budget.usd * budget.budget.alertAt;
    const crossed =
      before < budget.budget.usd && spent >= budget.budget.usd
        ? 'exhausted'
        : before < threshold && spent >= threshold
          ? 'threshold'
          : undefined;
    if (crossed && alerts) {
      alerts.notify({
        kind: crossed,
        subject: budget.subject,
        scope: budget.scope,
        period: budget.budget.period,
        limitUsd: budget.budget.usd,
        spentUsd: Math.round(spent * 1e6) / 1e6,
        resetsAt: new Date(budget.endsAt).toISOString(),
      });
    }
  }
}

/** Builds the plan for one request: its route's and key's limits, and every budget that applies. */
export function planUsage(
  route: RouteConfig,
  key: VirtualKeyRecord | undefined,
  context: RequestContext,
  globalBudgets: ScopedBudgetConfig[],
  now: number,
): UsagePlan {
  const plan = new UsagePlan(now);
  const limit = route.rateLimit;
  if (limit)
    plan.addRateLimit(
      `route:${route.name}`,
      `route '${route.name}'`,
      limit.windowMs,
      limit.requests,
      limit.tokens,
    );
  if (key && (key.rpm || key.tpm))
    plan.addRateLimit(`key:${key.id}`, `key ${key.id}`, minute, key.rpm, key.tpm);
  if (route.budget) plan.addBudget('route', route.name, `route '${route.name}'`, route.budget);
  if (key?.budget) plan.addBudget('key', key.id, `key ${key.id}`, key.budget);
  for (const budget of globalBudgets) {
    switch (budget.scope) {
      case 'user':
        if (
          context.user !== undefined &&
          (budget.match === undefined || budget.match === context.user)
        ) {
          plan.addBudget('user', context.user, `user '${context.user}'`, budget);
        }
        break;
      case 'route':
        if (budget.match === undefined || budget.match === route.name) {
          plan.addBudget('route', route.name, `route '${route.name}'`, budget);
        }
        break;
      case 'key':
        if (key && (budget.match === undefined || budget.match === key.id))
          plan.addBudget('key', key.id, `key ${key.id}`, budget);
        break;
      case 'tag':
        for (const [name, value] of Object.entries(context.tags)) {
          const tag = value === '' ? name : `${name}=${value}`;
          if (budget.match === undefined || budget.match === tag || budget.match === name) {
            plan.addBudget('tag', tag, `tag '${tag}'`, budget);
          }
        }
        break;
    }
  }
  return plan;
}
