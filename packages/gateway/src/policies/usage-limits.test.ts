import { describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../config/parse-config.js';
import { GatewayError } from '../gateway-error.js';
import type { VirtualKeyRecord } from '../keys/virtual-key.js';
import { MemoryState } from '../state/memory-state.js';
import type { BudgetAlert } from './budget-alerts.js';
import { currentPeriod } from './budget-period.js';
import { planUsage, type UsagePlan } from './usage-limits.js';

/** A plan's admission as a promise, whether the state answers at once (memory) or later (Redis). */
async function admitted(plan: UsagePlan, state: MemoryState): Promise<void> {
  await plan.admit(state);
}

const config = parseGatewayConfig(`routes:
  - name: chat
    route_type: llm/v1/chat
    model: { provider: openai, name: gpt-4o }
    rate_limit: { rpm: 2, tpm: 100 }
budgets:
  - { scope: user, usd: 1, period: month, alert_at: 0.5 }
  - { scope: tag, match: team=search, usd: 2, period: day }
`);
const route = config.routes[0]!;
const context = { tags: { team: 'search' }, headers: {}, metadata: {}, user: 'alice' };
const now = Date.UTC(2026, 10, 27, 12, 0, 30);

describe('planUsage', () => {
  it('limits requests per minute with a 429 and Retry-After to the window end', async () => {
    const state = new MemoryState({ now: () => now });
    await admitted(planUsage(route, undefined, context, [], now), state);
    await admitted(planUsage(route, undefined, context, [], now), state);
    const error = await admitted(planUsage(route, undefined, context, [], now), state).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({
      status: 429,
      code: 'rate_limit_exceeded',
      retryAfterMs: 29_500 + 500,
    });
    expect((error as Error).message).toBe(
      "Rate limit exceeded for route 'chat': 2 requests per minute. Retry after 30 s.",
    );
    // The next window starts afresh.
    await admitted(planUsage(route, undefined, context, [], now + 30_000), state);
  });

  it("charges a counter once when two budgets share it (the route's own and a global one)", () => {
    const shared = parseGatewayConfig(`routes:
  - name: chat
    route_type: llm/v1/chat
    model: { provider: openai, name: gpt-4o }
    budget: { usd: 10, period: day }
budgets:
  - { scope: route, usd: 10, period: day }
  - { scope: user, usd: 10, period: day }
`);
    const state = new MemoryState({ now: () => now });
    const plan = planUsage(shared.routes[0]!, undefined, context, shared.budgets, now);
    plan.settle(state, 10, 0.25);
    plan.settle(state, 10, 0.25);
    const day = currentPeriod('day', now).id;
    expect(state.addNow(`budget:route:chat:day:${day}`, 0, 1000)).toBe(0.5);
    expect(state.addNow(`budget:user:alice:day:${day}`, 0, 1000)).toBe(0.5);
  });

  it('limits tokens per minute from what earlier calls used', async () => {
    const state = new MemoryState({ now: () => now });
    const plan = planUsage(route, undefined, context, [], now);
    await admitted(plan, state);
    await plan.settle(state, 100, 0);
    await expect(
      admitted(planUsage(route, undefined, context, [], now), state),
    ).rejects.toMatchObject({
      code: 'token_rate_limit_exceeded',
    });
  });

  it("applies a key's own rpm and budget", async () => {
    const state = new MemoryState({ now: () => now });
    const key: VirtualKeyRecord = {
      id: 'key_1',
      secrets: [],
      createdAt: 0,
      rpm: 1,
      budget: { usd: 0.5, period: 'week', alertAt: 0.8 },
    };
    const free = { ...route, rateLimit: undefined } as typeof route;
    const plan = planUsage(free, key, context, [], now);
    await admitted(plan, state);
    await plan.settle(state, 10, 0.6);
    const error = await admitted(planUsage(free, key, context, [], now + 61_000), state).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ status: 429, code: 'budget_exceeded' });
    expect((error as Error).message).toBe(
      'Budget exceeded for key key_1: $0.5 per week is spent. It resets at 2026-11-30T00:00:00.000Z.',
    );
  });

  it('blocks a user over budget and alerts once at the threshold and once when exhausted', async () => {
    const state = new MemoryState({ now: () => now });
    const alerts: BudgetAlert[] = [];
    const sink = { notify: (alert: BudgetAlert) => alerts.push(alert) };
    const free = { ...route, rateLimit: undefined } as typeof route;
    for (const cost of [0.3, 0.3, 0.3]) {
      const plan = planUsage(free, undefined, context, config.budgets, now);
      await admitted(plan, state);
      await plan.settle(state, 0, cost, sink);
    }
    expect(alerts.map((alert) => [alert.kind, alert.subject])).toEqual([
      ['threshold', "user 'alice'"],
    ]);
    const plan = planUsage(free, undefined, context, config.budgets, now);
    await admitted(plan, state);
    await plan.settle(state, 0, 0.2, sink);
    expect(alerts.map((alert) => alert.kind)).toEqual(['threshold', 'exhausted']);
    expect(alerts[1]).toMatchObject({
      scope: 'user',
      limitUsd: 1,
      period: 'month',
      resetsAt: '2026-12-01T00:00:00.000Z',
    });
    await expect(
      admitted(planUsage(free, undefined, context, config.budgets, now), state),
    ).rejects.toMatchObject({ code: 'budget_exceeded' });
    // Another user is unaffected; the tag budget (2 USD/day) is still open.
    await admitted(
      planUsage(free, undefined, { ...context, user: 'bob' }, config.budgets, now),
      state,
    );
  });
});

describe('currentPeriod', () => {
  it('computes UTC day, ISO week and month boundaries', () => {
    const friday = Date.UTC(2026, 10, 27, 23, 59);
    expect(currentPeriod('day', friday)).toEqual({
      id: '2026-11-27',
      endsAt: Date.UTC(2026, 10, 28),
    });
    expect(currentPeriod('week', friday)).toEqual({
      id: 'w2026-11-23',
      endsAt: Date.UTC(2026, 10, 30),
    });
    expect(currentPeriod('month', friday)).toEqual({
      id: '2026-11',
      endsAt: Date.UTC(2026, 11, 1),
    });
    expect(currentPeriod('week', Date.UTC(2026, 10, 29, 12))).toMatchObject({ id: 'w2026-11-23' });
  });
});
