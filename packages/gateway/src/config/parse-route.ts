import type { ModelConfig } from '../providers/provider.js';
import type { ConfigFields } from './config-fields.js';
import { type ConfigPath, type ConfigReader, formatPath } from './config-reader.js';
import type {
  BudgetConfig,
  GuardrailsConfig,
  RouteConfig,
  RouteType,
  RoutingStrategy,
  TargetConfig,
} from './gateway-config.js';

const routeTypes: readonly RouteType[] = ['llm/v1/chat', 'llm/v1/completions', 'llm/v1/embeddings'];
const strategies: readonly RoutingStrategy[] = [
  'fallback',
  'loadbalance',
  'least-latency',
  'cost',
  'conditional',
  'ab',
];
const routeKeys = [
  'name',
  'route_type',
  'endpoint_type',
  'model',
  'targets',
  'strategy',
  'retries',
  'timeout_ms',
  'circuit_breaker',
  'limit',
  'rate_limit',
  'budget',
  'cache',
  'guardrails',
  'conditions',
  'default',
  'ab',
] as const;
const periodMs: Record<string, number> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};
/** MLflow's provider timeout. */
const defaultTimeoutMs = 300_000;
const routeName = /^[A-Za-z0-9_.-]+$/;

/** Validates one entry of `routes:`; returns undefined when it has problems (all reported). */
export function parseRoute(
  raw: unknown,
  path: ConfigPath,
  fields: ConfigFields,
  reader: ConfigReader,
  checkModel?: (model: ModelConfig) => void,
): RouteConfig | undefined {
  const check = (model: ModelConfig | undefined, where: ConfigPath): ModelConfig | undefined => {
    if (!model || !checkModel) return model;
    // A model with problems already (e.g. an unset $ENV) would only be reported twice.
    const prefix = formatPath(where);
    if (reader.problems.some((problem) => problem.field.startsWith(prefix))) return undefined;
    try {
      checkModel(model);
      return model;
    } catch (error) {
      const field = (error as { field?: string }).field ?? 'provider';
      const fieldPath =
        field === 'provider' || field === 'name' ? [...where, field] : [...where, 'config', field];
      reader.report(fieldPath, (error as Error).message);
      return undefined;
    }
  };
  const before = reader.problems.length;
  const route = fields.map(raw, path, true);
  if (!route) return undefined;
  fields.known(route, path, routeKeys);
  const name = fields.string(route, 'name', path, true);
  if (name && !routeName.test(name)) {
    reader.report([...path, 'name'], 'may contain only letters, digits, _ - and .');
  }
  const typeKey = route.route_type !== undefined ? 'route_type' : 'endpoint_type';
  const type = fields.oneOf(route, typeKey, path, routeTypes);
  if (route[typeKey] === undefined) reader.report([...path, 'route_type'], 'is required');
  const timeoutMs = fields.number(route, 'timeout_ms', path, { min: 1 }) ?? defaultTimeoutMs;

  const targets: TargetConfig[] = [];
  if (route.model !== undefined && route.targets !== undefined) {
    reader.report([...path, 'targets'], 'give either model or targets, not both');
  } else if (route.model !== undefined) {
    const model = check(parseModel(route.model, [...path, 'model'], fields), [...path, 'model']);
    if (model)
      targets.push({ name: `${model.provider}:${model.name}`, model, weight: 1, timeoutMs });
  } else {
    const list = fields.list(route.targets, [...path, 'targets']);
    if (!list || list.length === 0) reader.report([...path, 'model'], 'is required (or targets)');
    list?.forEach((item, index) => {
      const target = parseTarget(item, [...path, 'targets', index], fields, timeoutMs, check);
      if (target) targets.push(target);
    });
    const names = new Set<string>();
    targets.forEach((target, index) => {
      if (names.has(target.name)) {
        reader.report(
          [...path, 'targets', index, 'name'],
          `duplicate target name '${target.name}'`,
        );
      }
      names.add(target.name);
    });
  }

  const strategy = fields.oneOf(route, 'strategy', path, strategies) ?? 'fallback';
  const retries = fields.map(route.retries, [...path, 'retries']) ?? {};
  fields.known(
    retries,
    [...path, 'retries'],
    ['attempts', 'backoff_ms', 'max_backoff_ms', 'max_retry_after_ms'],
  );
  const breaker =
    route.circuit_breaker === false
      ? undefined
      : fields.map(route.circuit_breaker, [...path, 'circuit_breaker']);
  if (breaker) fields.known(breaker, [...path, 'circuit_breaker'], ['failures', 'cooldown_ms']);

  const config: RouteConfig = {
    name: name ?? '',
    type: type ?? 'llm/v1/chat',
    strategy,
    targets,
    retry: {
      attempts:
        fields.number(retries, 'attempts', [...path, 'retries'], { integer: true, max: 10 }) ?? 0,
      backoffMs: fields.number(retries, 'backoff_ms', [...path, 'retries']) ?? 200,
      maxBackoffMs: fields.number(retries, 'max_backoff_ms', [...path, 'retries']) ?? 10_000,
      maxRetryAfterMs: fields.number(retries, 'max_retry_after_ms', [...path, 'retries']) ?? 60_000,
    },
    conditions: [],
    abBy: 'user',
  };
  if (breaker || (route.circuit_breaker === undefined && targets.length > 1)) {
    config.circuitBreaker = {
      failures:
        (breaker &&
          fields.number(breaker, 'failures', [...path, 'circuit_breaker'], {
            min: 1,
            integer: true,
          })) ??
        5,
      cooldownMs:
        (breaker &&
          fields.number(breaker, 'cooldown_ms', [...path, 'circuit_breaker'], { min: 1 })) ??
        30_000,
    };
  }
  parseLimits(route, path, fields, reader, config);
  parseRoutingRules(route, path, fields, reader, config);
  const budget =
    route.budget === undefined ? undefined : parseBudget(route.budget, [...path, 'budget'], fields);
  if (budget) config.budget = budget;
  if (route.cache !== undefined && route.cache !== false) {
    const cache = route.cache === true ? {} : fields.map(route.cache, [...path, 'cache']);
    if (cache) {
      fields.known(cache, [...path, 'cache'], ['ttl_seconds']);
      config.cache = {
        ttlMs: (fields.number(cache, 'ttl_seconds', [...path, 'cache'], { min: 1 }) ?? 300) * 1000,
      };
    }
  }
  if (route.guardrails !== undefined) {
    const guardrails = parseGuardrails(route.guardrails, [...path, 'guardrails'], fields);
    if (guardrails) config.guardrails = guardrails;
  }
  return reader.problems.length === before ? config : undefined;
}

function parseModel(raw: unknown, path: ConfigPath, fields: ConfigFields): ModelConfig | undefined {
  const model = fields.map(raw, path, true);
  if (!model) return undefined;
  fields.known(model, path, ['provider', 'name', 'config']);
  const provider = fields.string(model, 'provider', path, true);
  const name = fields.string(model, 'name', path, true);
  const settings = fields.map(model.config, [...path, 'config']) ?? {};
  // Provider settings are flat strings; MLflow's nested blocks (bedrock's aws_config) are merged up.
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [innerKey, inner] of Object.entries(value)) config[innerKey] = String(inner);
    } else if (value !== undefined && value !== null) {
      config[key] = String(value);
    }
  }
  return provider && name ? { provider, name, config } : undefined;
}

function parseTarget(
  raw: unknown,
  path: ConfigPath,
  fields: ConfigFields,
  routeTimeoutMs: number,
  check: (model: ModelConfig | undefined, where: ConfigPath) => ModelConfig | undefined,
): TargetConfig | undefined {
  const target = fields.map(raw, path, true);
  if (!target) return undefined;
  fields.known(target, path, ['name', 'model', 'weight', 'timeout_ms', 'when', 'price']);
  const model = check(parseModel(target.model, [...path, 'model'], fields), [...path, 'model']);
  if (!model) return undefined;
  const parsed: TargetConfig = {
    name: fields.string(target, 'name', path) ?? `${model.provider}:${model.name}`,
    model,
    weight: fields.number(target, 'weight', path) ?? 1,
    timeoutMs: fields.number(target, 'timeout_ms', path, { min: 1 }) ?? routeTimeoutMs,
  };
  const when = fields.map(target.when, [...path, 'when']);
  if (when) parsed.when = when;
  const price = fields.map(target.price, [...path, 'price']);
  if (price) {
    const promptPer1M = fields.number(price, 'prompt_per_1m', [...path, 'price']);
    const completionPer1M = fields.number(price, 'completion_per_1m', [...path, 'price']);
    if (promptPer1M !== undefined && completionPer1M !== undefined)
      parsed.price = { promptPer1M, completionPer1M };
  }
  return parsed;
}

function parseLimits(
  route: Record<string, unknown>,
  path: ConfigPath,
  fields: ConfigFields,
  reader: ConfigReader,
  config: RouteConfig,
): void {
  const limit = fields.map(route.limit, [...path, 'limit']);
  if (limit) {
    const period = fields.oneOf(limit, 'renewal_period', [...path, 'limit'], Object.keys(periodMs));
    const calls = fields.number(limit, 'calls', [...path, 'limit'], { min: 1, integer: true });
    if (limit.renewal_period === undefined)
      reader.report([...path, 'limit', 'renewal_period'], 'is required');
    if (limit.calls === undefined) reader.report([...path, 'limit', 'calls'], 'is required');
    if (period && calls) {
      config.mlflowLimit = { renewal_period: period, calls };
      config.rateLimit = { requests: calls, windowMs: periodMs[period]! };
    }
  }
  const rate = fields.map(route.rate_limit, [...path, 'rate_limit']);
  if (rate) {
    fields.known(rate, [...path, 'rate_limit'], ['rpm', 'tpm']);
    const rpm = fields.number(rate, 'rpm', [...path, 'rate_limit'], { min: 1, integer: true });
    const tpm = fields.number(rate, 'tpm', [...path, 'rate_limit'], { min: 1, integer: true });
    if (limit) reader.report([...path, 'rate_limit'], 'give either limit or rate_limit, not both');
    config.rateLimit = { windowMs: 60_000 };
    if (rpm) config.rateLimit.requests = rpm;
    if (tpm) config.rateLimit.tokens = tpm;
  }
}

function parseRoutingRules(
  route: Record<string, unknown>,
  path: ConfigPath,
  fields: ConfigFields,
  reader: ConfigReader,
  config: RouteConfig,
): void {
  const names = new Set(config.targets.map((target) => target.name));
  const checkName = (name: string | undefined, where: ConfigPath) => {
    if (name !== undefined && config.targets.length > 0 && !names.has(name)) {
      reader.report(where, `names no target of this route (targets: ${[...names].join(', ')})`);
    }
  };
  fields.list(route.conditions, [...path, 'conditions'])?.forEach((raw, index) => {
    const where = [...path, 'conditions', index];
    const rule = fields.map(raw, where, true);
    if (!rule) return;
    fields.known(rule, where, ['when', 'then']);
    const when = fields.map(rule.when, [...where, 'when'], true);
    const then = fields.string(rule, 'then', where, true);
    checkName(then, [...where, 'then']);
    if (when && then) config.conditions.push({ when, target: then });
  });
  const fallbackName = fields.string(route, 'default', path);
  checkName(fallbackName, [...path, 'default']);
  if (fallbackName) config.defaultTarget = fallbackName;
  if (config.strategy === 'conditional' && config.conditions.length === 0) {
    reader.report([...path, 'conditions'], 'is required for strategy conditional');
  }
  const ab = fields.map(route.ab, [...path, 'ab']);
  if (ab) {
    fields.known(ab, [...path, 'ab'], ['by']);
    config.abBy = fields.oneOf(ab, 'by', [...path, 'ab'], ['user', 'session'] as const) ?? 'user';
  }
}

/** `{ usd, period, alert_at }`. */
export function parseBudget(
  raw: unknown,
  path: ConfigPath,
  fields: ConfigFields,
): BudgetConfig | undefined {
  const budget = fields.map(raw, path, true);
  if (!budget) return undefined;
  const usd = fields.number(budget, 'usd', path);
  if (budget.usd === undefined) fields.string(budget, 'usd', path, true);
  const period = fields.oneOf(budget, 'period', path, ['day', 'week', 'month'] as const) ?? 'month';
  const alertAt = fields.number(budget, 'alert_at', path, { max: 1 }) ?? 0.8;
  return usd === undefined ? undefined : { usd, period, alertAt };
}

/** `guardrails:` for a route (or the file's default). */
export function parseGuardrails(
  raw: unknown,
  path: ConfigPath,
  fields: ConfigFields,
): GuardrailsConfig | undefined {
  const guardrails = fields.map(raw, path);
  if (!guardrails) return undefined;
  fields.known(guardrails, path, [
    'deny_input',
    'deny_output',
    'redact_pii',
    'max_tokens',
    'max_input_tokens',
  ]);
  const patterns = (key: string) =>
    (fields.list(guardrails[key], [...path, key]) ?? [])
      .map((item, index) => fields.regex(item, [...path, key, index]))
      .filter((pattern): pattern is RegExp => pattern !== undefined);
  const parsed: GuardrailsConfig = {
    denyInput: patterns('deny_input'),
    denyOutput: patterns('deny_output'),
    redactPii: fields.boolean(guardrails, 'redact_pii', path) ?? false,
  };
  const maxTokens = fields.number(guardrails, 'max_tokens', path, { min: 1, integer: true });
  const maxInputTokens = fields.number(guardrails, 'max_input_tokens', path, {
    min: 1,
    integer: true,
  });
  if (maxTokens) parsed.maxTokens = maxTokens;
  if (maxInputTokens) parsed.maxInputTokens = maxInputTokens;
  return parsed;
}
