import { readFile } from 'node:fs/promises';
import type { ModelConfig } from '../providers/provider.js';
import { ConfigFields } from './config-fields.js';
import { ConfigReader, GatewayConfigError } from './config-reader.js';
import type { GatewayConfig, ScopedBudgetConfig } from './gateway-config.js';
import { parseBudget, parseGuardrails, parseRoute } from './parse-route.js';
import { resolveEnvReferences } from './resolve-env.js';

const topLevelKeys = [
  'routes',
  'endpoints',
  'auth',
  'state',
  'budgets',
  'alerts',
  'logging',
  'guardrails',
  'limits',
] as const;

/** Options of parseGatewayConfig. */
export interface ParseOptions {
  /** Where `$NAME` references come from (normally process.env). */
  env?: Record<string, string | undefined>;
  /** The file name errors start with. */
  source?: string;
  /** Checks one target's model (e.g. by building its provider); a throw is reported at its line. */
  checkModel?: (model: ModelConfig) => void;
  /** Treat unset `$NAME` references as empty (tools that only need route names, e.g. key management). */
  ignoreMissingEnv?: boolean;
}

/**
 * Parses and validates a gateway config (MLflow's `routes:`/`endpoints:` format plus Cairn's
 * routing and policies), resolving `$ENV` references from `env`. Throws a GatewayConfigError
 * listing every problem with its line and field; secret values never appear in it.
 *
 * @example parseGatewayConfig(yamlText, { env: process.env, source: 'gateway.yaml' })
 */
export function parseGatewayConfig(text: string, options: ParseOptions = {}): GatewayConfig {
  const source = options.source ?? 'gateway config';
  const reader = new ConfigReader(text);
  if (reader.problems.length > 0) throw new GatewayConfigError(source, reader.problems);
  const fields = new ConfigFields(reader);
  const { value, secrets } = resolveEnvReferences(
    reader.value,
    options.env ?? {},
    reader,
    options.ignoreMissingEnv,
  );
  const root = fields.map(value, [], true) ?? {};
  fields.known(root, [], topLevelKeys);

  const routesKey = root.routes !== undefined ? 'routes' : 'endpoints';
  if (root.routes !== undefined && root.endpoints !== undefined) {
    reader.report(['endpoints'], 'give either routes or endpoints, not both');
  }
  const rawRoutes = fields.list(root[routesKey], [routesKey]);
  if (!rawRoutes) reader.report(['routes'], 'is required');
  const defaultGuardrails =
    root.guardrails === undefined
      ? undefined
      : parseGuardrails(root.guardrails, ['guardrails'], fields);
  const routes = (rawRoutes ?? [])
    .map((raw, index) => parseRoute(raw, [routesKey, index], fields, reader, options.checkModel))
    .filter((route) => route !== undefined);
  const seen = new Set<string>();
  (rawRoutes ?? []).forEach((raw, index) => {
    const name = (raw as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    if (seen.has(name)) reader.report([routesKey, index, 'name'], `duplicate route name '${name}'`);
    seen.add(name);
  });
  for (const route of routes)
    if (!route.guardrails && defaultGuardrails) route.guardrails = defaultGuardrails;

  const auth = fields.map(root.auth, ['auth']) ?? {};
  fields.known(auth, ['auth'], ['virtual_keys']);
  const state = fields.map(root.state, ['state']) ?? {};
  fields.known(state, ['state'], ['redis_url', 'key_prefix']);
  const alerts = fields.map(root.alerts, ['alerts']) ?? {};
  fields.known(alerts, ['alerts'], ['webhook_url']);
  const logging = fields.map(root.logging, ['logging']) ?? {};
  fields.known(
    logging,
    ['logging'],
    ['payloads', 'redact_pii', 'queue_size', 'batch_size', 'flush_ms'],
  );
  const limits = fields.map(root.limits, ['limits']) ?? {};
  fields.known(limits, ['limits'], ['max_body_bytes']);

  const config: GatewayConfig = {
    routes,
    virtualKeys: fields.boolean(auth, 'virtual_keys', ['auth']) ?? false,
    statePrefix: fields.string(state, 'key_prefix', ['state']) ?? 'cairn:gw:',
    budgets: parseScopedBudgets(root.budgets, fields),
    logging: {
      payloads: fields.boolean(logging, 'payloads', ['logging']) ?? true,
      redactPii: fields.boolean(logging, 'redact_pii', ['logging']) ?? false,
      queueSize:
        fields.number(logging, 'queue_size', ['logging'], { min: 1, integer: true }) ?? 10_000,
      batchSize:
        fields.number(logging, 'batch_size', ['logging'], { min: 1, integer: true }) ?? 200,
      flushMs: fields.number(logging, 'flush_ms', ['logging'], { min: 1 }) ?? 1000,
    },
    maxBodyBytes:
      fields.number(limits, 'max_body_bytes', ['limits'], { min: 1024, integer: true }) ??
      4 * 1024 * 1024,
    secrets,
  };
  const redisUrl = fields.string(state, 'redis_url', ['state']);
  if (redisUrl) config.redisUrl = redisUrl;
  const webhook = fields.string(alerts, 'webhook_url', ['alerts']);
  if (webhook) {
    if (!/^https?:\/\//.test(webhook))
      reader.report(['alerts', 'webhook_url'], 'must be an http(s) URL');
    config.alertWebhookUrl = webhook;
  }
  if (reader.problems.length > 0) {
    throw new GatewayConfigError(
      source,
      [...reader.problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
    );
  }
  return config;
}

function parseScopedBudgets(raw: unknown, fields: ConfigFields): ScopedBudgetConfig[] {
  const budgets: ScopedBudgetConfig[] = [];
  fields.list(raw, ['budgets'])?.forEach((item, index) => {
    const path = ['budgets', index];
    const entry = fields.map(item, path, true);
    if (!entry) return;
    fields.known(entry, path, ['scope', 'match', 'usd', 'period', 'alert_at']);
    const scope = fields.oneOf(entry, 'scope', path, ['user', 'tag', 'route', 'key'] as const);
    if (entry.scope === undefined) fields.string(entry, 'scope', path, true);
    const budget = parseBudget(entry, path, fields);
    const match = fields.string(entry, 'match', path);
    if (scope && budget) budgets.push({ ...budget, scope, ...(match ? { match } : {}) });
  });
  return budgets;
}

/** Reads and parses a config file (see parseGatewayConfig). */
export async function loadGatewayConfig(
  path: string,
  env: Record<string, string | undefined>,
  options: Omit<ParseOptions, 'env' | 'source'> = {},
): Promise<GatewayConfig> {
  return parseGatewayConfig(await readFile(path, 'utf8'), { ...options, env, source: path });
}
