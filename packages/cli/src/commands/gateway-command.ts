import { basename, dirname, extname, join } from 'node:path';
import {
  createGatewayApp,
  createProvider,
  createUpstreamFetch,
  FileKeyStore,
  type GatewayConfig,
  type GatewayLogSink,
  HttpLogSink,
  type KeyStore,
  loadGatewayConfig,
  openSharedState,
  parseBudgetSpec,
  type SharedState,
  StateKeyStore,
  type VirtualKeyRecord,
  VirtualKeys,
  watchGatewayConfig,
} from '@cairn/gateway';
import { type Command, InvalidArgumentError } from 'commander';
import { parsePort, parsePositiveInteger } from './option-parsers.js';
import { formatTimestamp, printJson, printLine, renderTable } from './output-format.js';

interface ServeOptions {
  config: string;
  host: string;
  port: number;
  redisUrl?: string;
  trackingUri?: string;
  check?: boolean;
}

/** `cairn gateway`: the AI gateway, and `cairn gateway keys` to manage its virtual keys. */
export function gatewayCommand(program: Command): void {
  const gateway = program
    .command('gateway')
    .description(
      'Serve the AI gateway: OpenAI-compatible /v1 and MLflow gateway APIs over the routes in a YAML file.\n' +
        'The file reloads on change or SIGHUP. Example: cairn gateway --config gateway.yaml --port 5001',
    )
    .option('-c, --config <file>', 'gateway config (YAML, MLflow routes/endpoints format)')
    .option('-h, --host <host>', 'address to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on', parsePort, 5001)
    .option(
      '--redis-url <url>',
      'share limits, budgets, cache and keys between replicas through Redis',
    )
    .option('--tracking-uri <url>', 'send a usage/trace record of every call to this Cairn server')
    .option('--check', 'validate the config and exit')
    .action(async (options: Partial<ServeOptions>) => {
      if (!options.config) throw new Error('--config <file> is required.');
      await serve(options as ServeOptions);
    });

  const keys = gateway
    .command('keys')
    .description(
      'Manage virtual keys, stored hashed: in Redis (--redis-url or state.redis_url) or else in\n' +
        '<config name>.keys.json beside the config. Example: cairn gateway keys create --config gateway.yaml --budget 50/month',
    );
  // --config and --redis-url are the gateway command's own options, read with optsWithGlobals.
  const withStore = (command: Command) => command.option('--json', 'print JSON');

  withStore(keys.command('create').description('Issue a key; its secret is printed once.'))
    .option('--name <name>', 'a label')
    .option('--budget <usd/period>', 'spending cap, e.g. 50/month, 10/day, 100/week', parseBudget)
    .option('--rpm <n>', 'requests per minute', parsePositiveInteger)
    .option('--tpm <n>', 'tokens per minute', parsePositiveInteger)
    .option('--routes <a,b>', 'routes the key may call (default: all)', (text: string) =>
      text
        .split(',')
        .map((route) => route.trim())
        .filter(Boolean),
    )
    .action(async (_options: unknown, command: Command) => {
      const options = storeOptions<{
        name?: string;
        budget?: ReturnType<typeof parseBudgetSpec>;
        rpm?: number;
        tpm?: number;
        routes?: string[];
      }>(command);
      await withKeys(options, async (virtualKeys, config) => {
        const unknown = (options.routes ?? []).filter(
          (route) => !config.routes.some((known) => known.name === route),
        );
        if (unknown.length > 0)
          throw new Error(`No route named ${unknown.join(', ')} in ${options.config}.`);
        const { secret, record } = await virtualKeys.create(options);
        if (options.json) printJson({ secret, key: describeKey(record) });
        else {
          printLine(
            `Created ${record.id}${record.name ? ` (${record.name})` : ''}. Its secret, shown only now:`,
          );
          printLine(secret);
        }
      });
    });

  withStore(keys.command('list').description('List keys (prefixes only, never secrets).')).action(
    async (_options: unknown, command: Command) => {
      const options = storeOptions(command);
      await withKeys(options, async (virtualKeys) => {
        const records = await virtualKeys.list();
        if (options.json) return printJson({ keys: records.map(describeKey) });
        printLine(
          renderTable(
            ['id', 'name', 'prefix', 'routes', 'rpm', 'tpm', 'budget', 'created', 'status'],
            records.map((record) => {
              const key = describeKey(record);
              return [
                key.id,
                key.name ?? '',
                key.prefixes.join(' '),
                key.routes?.join(',') ?? '*',
                key.rpm ?? '',
                key.tpm ?? '',
                key.budget ?? '',
                formatTimestamp(record.createdAt),
                key.status,
              ];
            }),
          ),
        );
      });
    },
  );

  withStore(
    keys
      .command('rotate')
      .description('Issue a new secret; the old one keeps working through the overlap.'),
  )
    .argument('<id>', 'key id (key_…)')
    .option(
      '--overlap <duration>',
      'how long the old secret stays valid: 30m, 24h, 7d, 0',
      parseDuration,
      24 * 3_600_000,
    )
    .action(async (id: string, _options: unknown, command: Command) => {
      const options = storeOptions<{ overlap: number }>(command);
      await withKeys(options, async (virtualKeys) => {
        const { secret, record } = await virtualKeys.rotate(id, options.overlap);
        if (options.json) printJson({ secret, key: describeKey(record) });
        else {
          printLine(
            `Rotated ${record.id}; the previous secret stays valid for ${options.overlap / 60_000} min. New secret, shown only now:`,
          );
          printLine(secret);
        }
      });
    });

  withStore(keys.command('revoke').description('Revoke a key at once.'))
    .argument('<id>', 'key id (key_…)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const options = storeOptions(command);
      await withKeys(options, async (virtualKeys) => {
        const record = await virtualKeys.revoke(id);
        if (options.json) printJson({ key: describeKey(record) });
        else printLine(`Revoked ${record.id}.`);
      });
    });
}

async function serve(options: ServeOptions): Promise<void> {
  const check = (model: Parameters<typeof createProvider>[0]) => void createProvider(model);
  const config = await loadGatewayConfig(options.config, process.env, { checkModel: check });
  if (options.check) {
    printLine(
      `${options.config} is valid: ${config.routes.length} route(s): ${config.routes.map((route) => route.name).join(', ')}`,
    );
    return;
  }
  const redisUrl = options.redisUrl ?? config.redisUrl;
  const state = await openSharedState(redisUrl, config.statePrefix);
  const keyStore = await openKeyStore(options.config, state, redisUrl, true);
  // One set of keep-alive pools for provider calls and log uploads (undici's dispatcher API costs
  // less CPU per call than the global fetch).
  const fetch = createUpstreamFetch();
  const logSink: GatewayLogSink | undefined = options.trackingUri
    ? new HttpLogSink(options.trackingUri, { fetch })
    : undefined;
  const app = createGatewayApp(config, {
    createProvider: (model) => createProvider(model, { fetch }),
    state,
    keys: new VirtualKeys(keyStore),
    ...(logSink ? { logSink } : {}),
  });
  const address = await app.listen({ host: options.host, port: options.port });
  printLine(
    `Cairn gateway listening on ${address} (${config.routes.length} routes, state ${redisUrl ? 'redis' : 'memory'}${config.virtualKeys ? ', virtual keys required' : ''})`,
  );
  const stopWatching = watchGatewayConfig(
    options.config,
    process.env,
    (next: GatewayConfig) => {
      app.gateway.reload(next);
      printLine(`Reloaded ${options.config}: ${next.routes.length} routes.`);
    },
    (error) =>
      console.error(
        `cairn: config not reloaded, the previous one stays in force:\n${error.message}`,
      ),
    { checkModel: check },
  );
  const shutdown = () => {
    stopWatching();
    void app
      .close()
      .then(() => state.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

interface StoreOptions {
  config: string;
  redisUrl?: string;
  json?: boolean;
}

function storeOptions<T = object>(command: Command): StoreOptions & T {
  const options = command.optsWithGlobals<StoreOptions & T>();
  if (!options.config)
    throw new Error('--config <file> is required (the gateway config the keys belong to).');
  return options;
}

async function withKeys(
  options: StoreOptions,
  run: (keys: VirtualKeys, config: GatewayConfig) => Promise<void>,
): Promise<void> {
  // Provider keys need not be in the environment to manage virtual keys.
  const config = await loadGatewayConfig(options.config, process.env, { ignoreMissingEnv: true });
  const redisUrl = options.redisUrl ?? config.redisUrl;
  const state = redisUrl ? await openSharedState(redisUrl, config.statePrefix) : undefined;
  try {
    await run(new VirtualKeys(await openKeyStore(options.config, state, redisUrl, false)), config);
  } finally {
    await state?.close();
  }
}

/** Redis when configured, else `<config name>.keys.json` beside the config file. */
async function openKeyStore(
  configPath: string,
  state: SharedState | undefined,
  redisUrl: string | undefined,
  watch: boolean,
): Promise<KeyStore> {
  if (redisUrl && state) return new StateKeyStore(state);
  const file = join(dirname(configPath), `${basename(configPath, extname(configPath))}.keys.json`);
  return new FileKeyStore(file).open(watch);
}

function describeKey(record: VirtualKeyRecord) {
  const now = Date.now();
  return {
    id: record.id,
    ...(record.name ? { name: record.name } : {}),
    prefixes: record.secrets
      .filter((secret) => secret.expiresAt === undefined || secret.expiresAt > now)
      .map((secret) => secret.prefix),
    ...(record.routes ? { routes: record.routes } : {}),
    ...(record.rpm ? { rpm: record.rpm } : {}),
    ...(record.tpm ? { tpm: record.tpm } : {}),
    ...(record.budget ? { budget: `${record.budget.usd}/${record.budget.period}` } : {}),
    status: record.revokedAt !== undefined ? 'revoked' : 'active',
  };
}

function parseBudget(text: string) {
  try {
    return parseBudgetSpec(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError('must be a duration like 30m, 24h or 7d.');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!;
  return Number(match[1]) * unit;
}
