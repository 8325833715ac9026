import { describe, expect, it } from 'vitest';
import type { RouteConfig } from '../config/gateway-config.js';
import { parseGatewayConfig } from '../config/parse-config.js';
import { GatewayError } from '../gateway-error.js';
import { ProviderError } from '../providers/provider.js';
import { type ScriptedAnswer, scriptedProvider } from '../test-kit/scripted-provider.js';
import { callWithRouting, type RoutingOutcome } from './call-with-routing.js';
import { RouteTarget } from './route-target.js';

function setup(extra: string, scripts: ScriptedAnswer[][]) {
  const targetsYaml = scripts
    .map(
      (_script, index) =>
        `      - { name: t${index}, timeout_ms: 100, model: { provider: openai, name: gpt-4o } }`,
    )
    .join('\n');
  const config: RouteConfig = parseGatewayConfig(
    `routes:\n  - name: chat\n    route_type: llm/v1/chat\n${extra}    targets:\n${targetsYaml}\n`,
  ).routes[0]!;
  const providers = scripts.map((script, index) => scriptedProvider(`t${index}`, script));
  const targets = config.targets.map(
    (target, index) => new RouteTarget(target, providers[index]!, config),
  );
  const outcome: RoutingOutcome = { retries: 0, fallbacks: 0, upstreamMs: 0 };
  const call = () =>
    callWithRouting(
      targets,
      config.retry,
      (target, deadline) => target.provider.chat!({ messages: [] }, { signal: deadline.signal }),
      outcome,
    );
  return { targets, providers, outcome, call };
}

const text = (response: { choices: { message: { content: unknown } }[] }) =>
  response.choices[0]!.message.content;

describe('callWithRouting', () => {
  it('falls back to the next target on a retryable failure and counts it', async () => {
    const { call, outcome } = setup('', [[{ status: 500 }], ['second']]);
    expect(text(await call())).toBe('second');
    expect(outcome).toMatchObject({ fallbacks: 1, retries: 0 });
    expect(outcome.target?.name).toBe('t1');
  });

  it('retries with exponential backoff before falling back', async () => {
    const { call, outcome, providers } = setup('    retries: { attempts: 2, backoff_ms: 20 }\n', [
      [{ status: 503 }, { status: 503 }, 'third try'],
    ]);
    expect(text(await call())).toBe('third try');
    expect(outcome.retries).toBe(2);
    const [first, second, third] = providers[0]!.calls;
    expect(second! - first!).toBeGreaterThanOrEqual(18);
    expect(third! - second!).toBeGreaterThanOrEqual(38);
  });

  it("waits for the provider's Retry-After when it is longer than the backoff", async () => {
    const { call, providers } = setup('    retries: { attempts: 1, backoff_ms: 1 }\n', [
      [{ status: 429, retryAfterMs: 150 }, 'ok'],
    ]);
    await call();
    const [first, second] = providers[0]!.calls;
    expect(second! - first!).toBeGreaterThanOrEqual(145);
  });

  it('moves on instead of waiting when Retry-After exceeds max_retry_after_ms', async () => {
    const { call, outcome } = setup(
      '    retries: { attempts: 3, backoff_ms: 1, max_retry_after_ms: 100 }\n',
      [[{ status: 429, retryAfterMs: 60_000 }], ['other']],
    );
    expect(text(await call())).toBe('other');
    expect(outcome).toMatchObject({ retries: 0, fallbacks: 1 });
  });

  it('times out a hung target and fails over', async () => {
    const { call, outcome } = setup('', [['hang'], ['after timeout']]);
    const started = Date.now();
    expect(text(await call())).toBe('after timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(outcome.fallbacks).toBe(1);
  });

  it('stops at once on a request the provider calls malformed', async () => {
    const { call, providers } = setup('', [[{ status: 400 }], ['never']]);
    await expect(call()).rejects.toMatchObject({ status: 400 });
    expect(providers[1]!.calls).toHaveLength(0);
  });

  it('opens the circuit after N failures, skips the target, then probes after the cool-down', async () => {
    const { call, providers, targets } = setup(
      '    circuit_breaker: { failures: 2, cooldown_ms: 100 }\n',
      [[{ status: 500 }], ['backup']],
    );
    await call();
    await call();
    expect(targets[0]!.breaker?.state).toBe('open');
    await call();
    expect(providers[0]!.calls).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 110));
    expect(targets[0]!.breaker?.state).toBe('half-open');
    await call();
    expect(providers[0]!.calls).toHaveLength(3);
    expect(targets[0]!.breaker?.state).toBe('open');
  });

  it('closes the circuit when the half-open probe succeeds', async () => {
    const { call, providers, targets } = setup(
      '    circuit_breaker: { failures: 1, cooldown_ms: 50 }\n',
      [[{ status: 500 }, 'recovered'], ['backup']],
    );
    await call();
    expect(targets[0]!.breaker?.state).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(text(await call())).toBe('recovered');
    expect(targets[0]!.breaker?.state).toBe('closed');
    expect(providers[0]!.calls).toHaveLength(2);
  });

  it('answers 503 with Retry-After when every circuit is open', async () => {
    const { call } = setup('    circuit_breaker: { failures: 1, cooldown_ms: 5000 }\n', [
      [{ status: 500 }],
    ]);
    await expect(call()).rejects.toBeInstanceOf(ProviderError);
    const error = await call().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 503, code: 'circuit_open' });
    expect((error as GatewayError).retryAfterMs).toBeGreaterThan(4000);
  });
});
