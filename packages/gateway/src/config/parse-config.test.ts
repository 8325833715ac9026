import { describe, expect, it } from 'vitest';
import { GatewayConfigError } from './config-reader.js';
import { parseGatewayConfig } from './parse-config.js';

const env = {
  OPENAI_API_KEY: 'sk-test-secret-value-123',
  ANTHROPIC_API_KEY: 'anthropic-secret-xyz',
};

function problemsOf(text: string, environment: Record<string, string> = env) {
  try {
    parseGatewayConfig(text, { env: environment, source: 'gateway.yaml' });
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayConfigError);
    return { problems: (error as GatewayConfigError).problems, message: (error as Error).message };
  }
  throw new Error('expected the config to be rejected');
}

describe('parseGatewayConfig', () => {
  it("accepts MLflow's format and resolves $ENV references", () => {
    const config = parseGatewayConfig(
      `routes:
  - name: gpt-4-primary
    route_type: llm/v1/chat
    model:
      provider: openai
      name: gpt-4
      config:
        openai_api_key: $OPENAI_API_KEY
        openai_api_base: https://example.test/v1
    limit: { renewal_period: minute, calls: 100 }
`,
      { env },
    );
    const route = config.routes[0]!;
    expect(route).toMatchObject({
      name: 'gpt-4-primary',
      type: 'llm/v1/chat',
      strategy: 'fallback',
    });
    expect(route.targets[0]!.model).toEqual({
      provider: 'openai',
      name: 'gpt-4',
      config: { openai_api_key: env.OPENAI_API_KEY, openai_api_base: 'https://example.test/v1' },
    });
    expect(route.rateLimit).toEqual({ requests: 100, windowMs: 60_000 });
    expect(route.mlflowLimit).toEqual({ renewal_period: 'minute', calls: 100 });
    expect(route.targets[0]!.timeoutMs).toBe(300_000);
    expect(route.circuitBreaker).toBeUndefined();
    expect(config.secrets).toContain(env.OPENAI_API_KEY);
  });

  it('accepts endpoints:/endpoint_type and Cairn targets with strategy, retries and policies', () => {
    const config = parseGatewayConfig(
      `endpoints:
  - name: chat
    endpoint_type: llm/v1/chat
    strategy: loadbalance
    targets:
      - model: { provider: openai, name: gpt-4o, config: { openai_api_key: $OPENAI_API_KEY } }
        weight: 3
      - name: claude
        model: { provider: anthropic, name: claude-3-5-sonnet, config: { anthropic_api_key: "\${ANTHROPIC_API_KEY}" } }
        weight: 1
        timeout_ms: 2000
    retries: { attempts: 2, backoff_ms: 200 }
    rate_limit: { rpm: 10, tpm: 1000 }
    budget: { usd: 5, period: day }
    cache: { ttl_seconds: 60 }
    guardrails: { deny_input: ["/secret project/i"], max_tokens: 512, redact_pii: true }
budgets:
  - { scope: user, usd: 10, period: month, alert_at: 0.5 }
auth: { virtual_keys: true }
`,
      { env },
    );
    const route = config.routes[0]!;
    expect(route.strategy).toBe('loadbalance');
    expect(route.targets.map((target) => [target.name, target.weight, target.timeoutMs])).toEqual([
      ['openai:gpt-4o', 3, 300_000],
      ['claude', 1, 2000],
    ]);
    expect(route.targets[1]!.model.config.anthropic_api_key).toBe(env.ANTHROPIC_API_KEY);
    expect(route.retry).toMatchObject({ attempts: 2, backoffMs: 200 });
    expect(route.circuitBreaker).toEqual({ failures: 5, cooldownMs: 30_000 });
    expect(route.rateLimit).toEqual({ windowMs: 60_000, requests: 10, tokens: 1000 });
    expect(route.budget).toEqual({ usd: 5, period: 'day', alertAt: 0.8 });
    expect(route.cache).toEqual({ ttlMs: 60_000 });
    expect(route.guardrails!.denyInput[0]!.test('The SECRET project')).toBe(true);
    expect(route.guardrails?.maxTokens).toBe(512);
    expect(config.budgets).toEqual([{ scope: 'user', usd: 10, period: 'month', alertAt: 0.5 }]);
    expect(config.virtualKeys).toBe(true);
  });

  it('names the line and field of every problem', () => {
    const { problems, message } = problemsOf(`routes:
  - name: chat
    route_type: llm/v1/chatt
    model:
      provider: openai
      config: { openai_api_key: $OPENAI_API_KEY }
    stratgy: fallback
  - name: chat
    route_type: llm/v1/chat
    model: { provider: openai, name: gpt-4o }
    retries: { attempts: -1 }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 3, field: 'routes[0].route_type' }),
        expect.objectContaining({ line: 4, field: 'routes[0].model.name', message: 'is required' }),
        expect.objectContaining({ line: 7, field: 'routes[0].stratgy' }),
        expect.objectContaining({ line: 8, field: 'routes[1].name' }),
        expect.objectContaining({ line: 11, field: 'routes[1].retries.attempts' }),
      ]),
    );
    expect(message).toContain('line 3, field routes[0].route_type: must be one of');
  });

  it('reports unset environment variables by line and never prints secret values', () => {
    const { problems, message } = problemsOf(
      `routes:
  - name: chat
    route_type: llm/v1/chat
    model: { provider: openai, name: gpt-4o, config: { openai_api_key: $MISSING_KEY, org: $OPENAI_API_KEY } }
    strategy: nonsense
`,
    );
    expect(problems[0]).toMatchObject({
      line: 4,
      field: 'routes[0].model.config.openai_api_key',
      message: 'environment variable MISSING_KEY is not set',
    });
    expect(message).not.toContain(env.OPENAI_API_KEY);
  });

  it('reports YAML syntax errors with their line', () => {
    const { problems } = problemsOf('routes:\n  - name: chat\n    model: { provider: openai\n');
    expect(problems[0]!.message).toMatch(/^YAML syntax/);
    expect(problems[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('checks conditional rules and default name real targets', () => {
    const { problems } = problemsOf(`routes:
  - name: chat
    route_type: llm/v1/chat
    strategy: conditional
    targets:
      - { name: cheap, model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: x } } }
    conditions:
      - when: { metadata.tier: gold }
        then: premium
    default: cheap
`);
    expect(problems).toEqual([
      expect.objectContaining({ line: 9, field: 'routes[0].conditions[0].then' }),
    ]);
  });

  it('reports what checkModel rejects at the model block', () => {
    const { problems } = (() => {
      try {
        parseGatewayConfig(
          'routes:\n  - name: a\n    route_type: llm/v1/chat\n    model: { provider: nope, name: m }\n',
          {
            checkModel: (model) => {
              throw Object.assign(new Error(`unknown provider "${model.provider}"`), {
                field: 'provider',
              });
            },
          },
        );
      } catch (error) {
        return error as GatewayConfigError;
      }
      throw new Error('expected a rejection');
    })();
    expect(problems).toEqual([
      {
        line: 4,
        column: expect.any(Number),
        field: 'routes[0].model.provider',
        message: 'unknown provider "nope"',
      },
    ]);
  });
});
