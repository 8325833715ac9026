import { describe, expect, it } from 'vitest';
import type { RouteConfig } from '../config/gateway-config.js';
import { parseGatewayConfig } from '../config/parse-config.js';
import { scriptedProvider } from '../test-kit/scripted-provider.js';
import { orderTargets } from './order-targets.js';
import type { RequestContext } from './request-context.js';
import { RouteTarget } from './route-target.js';

function route(yaml: string): { config: RouteConfig; targets: RouteTarget[] } {
  const config = parseGatewayConfig(`routes:\n  - name: chat\n    route_type: llm/v1/chat\n${yaml}`)
    .routes[0]!;
  return {
    config,
    targets: config.targets.map(
      (target) => new RouteTarget(target, scriptedProvider(target.name, ['ok']), config),
    ),
  };
}

const context = (extra: Partial<RequestContext> = {}): RequestContext => ({
  tags: {},
  headers: {},
  metadata: {},
  ...extra,
});
const body = { messages: [{ role: 'user', content: 'hello' }] };
const names = (targets: RouteTarget[]) => targets.map((target) => target.name);

const three = `    targets:
      - { name: a, weight: 3, model: { provider: openai, name: gpt-4o } }
      - { name: b, weight: 1, model: { provider: openai, name: gpt-4o-mini } }
      - { name: c, weight: 0, model: { provider: anthropic, name: claude-3-5-sonnet } }
`;

describe('orderTargets', () => {
  it('fallback keeps the configured order', () => {
    const { config, targets } = route(`    strategy: fallback\n${three}`);
    expect(names(orderTargets(config, targets, body, context()))).toEqual(['a', 'b', 'c']);
  });

  it('loadbalance picks by weight and keeps the others as fallbacks', () => {
    const { config, targets } = route(`    strategy: loadbalance\n${three}`);
    expect(names(orderTargets(config, targets, body, context(), () => 0.1))).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(names(orderTargets(config, targets, body, context(), () => 0.8))).toEqual([
      'b',
      'a',
      'c',
    ]);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let index = 0; index < 4000; index++)
      counts[orderTargets(config, targets, body, context())[0]!.name]!++;
    expect(counts.c).toBe(0);
    expect(counts.a! / 4000).toBeGreaterThan(0.7);
    expect(counts.a! / 4000).toBeLessThan(0.8);
  });

  it('least-latency tries unmeasured targets first, then the fastest average', () => {
    const { config, targets } = route(`    strategy: least-latency\n${three}`);
    targets[0]!.recordLatency(50);
    targets[1]!.recordLatency(10);
    expect(names(orderTargets(config, targets, body, context()))).toEqual(['c', 'b', 'a']);
    targets[2]!.recordLatency(30);
    expect(names(orderTargets(config, targets, body, context()))).toEqual(['b', 'c', 'a']);
    for (let index = 0; index < 10; index++) targets[1]!.recordLatency(100);
    expect(names(orderTargets(config, targets, body, context()))[0]).toBe('c');
  });

  it('cost picks the cheapest target whose rule matches, using the price catalogue', () => {
    const { config, targets } = route(`    strategy: cost
    targets:
      - { name: big, model: { provider: openai, name: gpt-4o } }
      - { name: small, model: { provider: openai, name: gpt-4o-mini }, when: { params.max_tokens: { $lte: 1000 } } }
      - { name: custom, model: { provider: ollama, name: llama3 }, price: { prompt_per_1m: 50, completion_per_1m: 50 } }
`);
    expect(names(orderTargets(config, targets, { ...body, max_tokens: 100 }, context()))).toEqual([
      'small',
      'big',
      'custom',
    ]);
    expect(names(orderTargets(config, targets, { ...body, max_tokens: 4000 }, context()))).toEqual([
      'big',
      'custom',
    ]);
  });

  it('conditional routes on metadata, headers and params, else the default', () => {
    const { config, targets } = route(`    strategy: conditional
    targets:
      - { name: premium, model: { provider: openai, name: gpt-4o } }
      - { name: cheap, model: { provider: openai, name: gpt-4o-mini } }
    conditions:
      - when: { $or: [{ metadata.tier: gold }, { headers.x-tier: gold }] }
        then: premium
      - when: { params.temperature: { $gt: 1 } }
        then: premium
    default: cheap
`);
    expect(
      names(orderTargets(config, targets, body, context({ metadata: { tier: 'gold' } }))),
    ).toEqual(['premium', 'cheap']);
    expect(
      names(orderTargets(config, targets, body, context({ headers: { 'x-tier': 'gold' } }))),
    ).toEqual(['premium', 'cheap']);
    expect(names(orderTargets(config, targets, { ...body, temperature: 1.5 }, context()))).toEqual([
      'premium',
      'cheap',
    ]);
    expect(
      names(orderTargets(config, targets, body, context({ metadata: { tier: 'free' } }))),
    ).toEqual(['cheap']);
  });

  it('ab splits by a stable hash of the user (or session): sticky, and near the weights', () => {
    const { config, targets } = route(`    strategy: ab
    ab: { by: session }
    targets:
      - { name: control, weight: 1, model: { provider: openai, name: gpt-4o } }
      - { name: variant, weight: 1, model: { provider: openai, name: gpt-4o-mini } }
`);
    const arm = (session: string) =>
      orderTargets(config, targets, body, context({ session }), () => 0)[0]!.name;
    for (let index = 0; index < 20; index++) expect(arm(`s-${index}`)).toBe(arm(`s-${index}`));
    const variants = Array.from({ length: 2000 }, (_, index) => arm(`session-${index}`)).filter(
      (name) => name === 'variant',
    );
    expect(variants.length / 2000).toBeGreaterThan(0.45);
    expect(variants.length / 2000).toBeLessThan(0.55);
  });
});
