import { randomUUID } from 'node:crypto';
import type { GatewayLogRecord } from '@cairn/spec';
import type { CallState } from './call-state.js';
import type { GatewayConfig } from './config/gateway-config.js';
import { GatewayError } from './gateway-error.js';
import { type CompiledRoute, callKinds, GatewayRoutes } from './gateway-routes.js';
import { completeCall, type InvokeResult, invokeTarget } from './invoke-target.js';
import type { VirtualKeyRecord } from './keys/virtual-key.js';
import { looksLikeVirtualKey } from './keys/virtual-key.js';
import type { VirtualKeys } from './keys/virtual-keys.js';
import { LogQueue } from './logging/log-queue.js';
import type { GatewayLogSink } from './logging/log-sink.js';
import type { BudgetAlertSink } from './policies/budget-alerts.js';
import { WebhookAlertSink } from './policies/budget-alerts.js';
import { checkInput } from './policies/guardrails.js';
import { cacheDirective, cacheKey } from './policies/response-cache.js';
import { planUsage } from './policies/usage-limits.js';
import type { ModelConfig, Provider } from './providers/provider.js';
import { orderTargets } from './routing/order-targets.js';
import type { RequestContext } from './routing/request-context.js';
import type { SharedState } from './state/shared-state.js';
import type { CancelSignal } from './transport/cancel-signal.js';

/** The gateway's collaborators, passed in (no module-level singletons). */
export interface GatewayDeps {
  /** Builds a target's provider (normally `createProvider` from this package). */
  createProvider: (model: ModelConfig) => Provider;
  /** Counters, budgets, cache and keys; MemoryState or RedisState. */
  state: SharedState;
  /** Required when the config says `auth: { virtual_keys: true }`. */
  keys?: VirtualKeys;
  /** Where usage/trace records go (none: not logged). */
  logSink?: GatewayLogSink;
  /** Budget alerts; defaults to a webhook when the config names one. */
  alerts?: BudgetAlertSink;
  random?: () => number;
}

/** One call as the HTTP layer hands it over. */
export interface GatewayCall {
  kind: 'chat' | 'completions' | 'embeddings';
  route: string;
  body: Record<string, unknown>;
  context: RequestContext;
  key?: VirtualKeyRecord;
  cacheControl?: string | string[];
  /** Aborted when the client goes away. */
  signal?: CancelSignal;
  /** performance.now() when the request arrived. */
  startedAt: number;
}

/**
 * The gateway as a library: routes, policies and logging over providers, with no HTTP in it.
 * `invoke` runs one call; `reload` swaps in a new config while calls in flight finish on the old.
 */
export class Gateway {
  private routes: GatewayRoutes;
  readonly logQueue?: LogQueue;
  private readonly alerts?: BudgetAlertSink;

  constructor(
    config: GatewayConfig,
    private readonly deps: GatewayDeps,
  ) {
    if (config.virtualKeys && !deps.keys)
      throw new Error('auth.virtual_keys is on but no key store was given.');
    this.routes = new GatewayRoutes(config, deps.createProvider);
    if (deps.logSink) {
      this.logQueue = new LogQueue(deps.logSink, {
        maxQueued: config.logging.queueSize,
        batchSize: config.logging.batchSize,
        flushMs: config.logging.flushMs,
      });
    }
    const alerts =
      deps.alerts ??
      (config.alertWebhookUrl ? new WebhookAlertSink(config.alertWebhookUrl) : undefined);
    if (alerts) this.alerts = alerts;
  }

  /** The config in force. */
  get config(): GatewayConfig {
    return this.routes.config;
  }

  /** Swaps in a new config atomically; in-flight calls finish on the routes they started with. */
  reload(config: GatewayConfig): void {
    this.routes = new GatewayRoutes(config, this.deps.createProvider, this.routes);
  }

  /** Every route, in config order. */
  listRoutes(): CompiledRoute[] {
    return [...this.routes.byName.values()];
  }

  route(name: string): CompiledRoute | undefined {
    return this.routes.byName.get(name);
  }

  /** Whether calls must carry a virtual key. */
  get requiresKeys(): boolean {
    return this.config.virtualKeys && this.deps.keys !== undefined;
  }

  /** The key behind an `Authorization: Bearer` header; 401 when keys are required and it is not valid. */
  async authenticate(authorization: string | undefined): Promise<VirtualKeyRecord | undefined> {
    if (!this.requiresKeys || !this.deps.keys) return undefined;
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
    if (!token) {
      throw new GatewayError(
        401,
        'Missing API key: send a Cairn virtual key as "Authorization: Bearer ck-…".',
        'authentication_error',
        'missing_api_key',
      );
    }
    const record = looksLikeVirtualKey(token) ? await this.deps.keys.verify(token) : undefined;
    if (!record) {
      throw new GatewayError(
        401,
        'Invalid API key: it is unknown, revoked or rotated out.',
        'authentication_error',
        'invalid_api_key',
      );
    }
    return record;
  }

  /** Runs one call through guardrails, cache, limits, budgets, routing and logging. */
  async invoke(call: GatewayCall): Promise<InvokeResult> {
    const route = this.routes.byName.get(call.route);
    const record = this.newRecord(
      call,
      route,
      call.body.stream === true && call.kind !== 'embeddings',
    );
    let body: Record<string, unknown>;
    try {
      body = this.admitShape(call);
    } catch (error) {
      // Refused calls are logged too: a 404 or a guardrail hit is worth seeing.
      this.logRefusal(record, call, error);
      throw error;
    }
    const state: CallState = {
      gateway: this.config,
      sharedState: this.deps.state,
      route: route!,
      call,
      body,
      stream: record.stream,
      record,
      outcome: { retries: 0, fallbacks: 0, upstreamMs: 0 },
      finish: (finished) => this.logQueue?.push(finished),
      track: (work) => this.track(work),
    };
    const kind = call.kind;
    const stream = record.stream;
    const compiled = state.route;
    if (this.alerts) state.alerts = this.alerts;
    if (compiled.config.cache) {
      const directive = cacheDirective(call.cacheControl);
      if (directive !== 'skip') {
        state.cacheKey = cacheKey(compiled.config.name, stream ? `${kind}:stream` : kind, body);
        state.cacheStatus = directive === 'refresh' ? 'bypass' : 'miss';
        if (directive === 'use') {
          const cached = await this.deps.state.cacheGet(state.cacheKey);
          if (cached !== undefined) return completeCall(state, JSON.parse(cached), true);
        }
      }
    }
    const plan = planUsage(
      compiled.config,
      call.key,
      call.context,
      this.config.budgets,
      Date.now(),
    );
    if (!plan.isEmpty) {
      try {
        const admitting = plan.admit(this.deps.state);
        if (admitting) await admitting;
      } catch (error) {
        this.logRefusal(record, call, error);
        throw error;
      }
      state.plan = plan;
    }
    const order = orderTargets(
      compiled.config,
      compiled.targets,
      body,
      call.context,
      this.deps.random,
    );
    // `return await`: an async function returning a promise takes two more ticks to settle.
    return await invokeTarget(state, order);
  }

  /**
   * The route `name` when it exists, serves `kind` calls and `key` may use it; otherwise the
   * GatewayError (404, 400 or 403) a call naming it gets.
   */
  admitRoute(name: string, kind: GatewayCall['kind'], key?: VirtualKeyRecord): CompiledRoute {
    const route = this.routes.byName.get(name);
    if (!route) {
      throw new GatewayError(
        404,
        `The model '${name}' does not exist: no route has that name.`,
        'invalid_request_error',
        'model_not_found',
      );
    }
    if (callKinds[route.config.type] !== kind) {
      throw new GatewayError(
        400,
        `Route '${name}' is of type ${route.config.type} and cannot serve ${kind} requests.`,
        'invalid_request_error',
        'wrong_route_type',
      );
    }
    if (key?.routes && !key.routes.includes(name)) {
      throw new GatewayError(
        403,
        `This key may not call route '${name}'.`,
        'permission_error',
        'route_not_allowed',
      );
    }
    return route;
  }

  /** Route, type, key scope, body shape and input guardrails; returns the body to send. */
  private admitShape(call: GatewayCall): Record<string, unknown> {
    const route = this.admitRoute(call.route, call.kind, call.key);
    validateBody(call.kind, call.body);
    const guardrails = route.config.guardrails;
    return guardrails ? checkInput(guardrails, call.body) : call.body;
  }

  private logRefusal(record: GatewayLogRecord, call: GatewayCall, error: unknown): void {
    if (!this.logQueue) return;
    record.status = error instanceof GatewayError ? error.status : 500;
    record.error = error instanceof Error ? error.message : String(error);
    record.latency_ms = performance.now() - call.startedAt;
    if (this.config.logging.payloads) record.inputs = call.body;
    this.logQueue.push(record);
  }

  private newRecord(
    call: GatewayCall,
    route: CompiledRoute | undefined,
    stream: boolean,
  ): GatewayLogRecord {
    const record: GatewayLogRecord = {
      request_id: randomUUID(),
      timestamp_ms: Date.now(),
      route: call.route,
      route_type: route?.config.type ?? routeTypes[call.kind],
      status: 200,
      stream,
      latency_ms: 0,
      retries: 0,
      fallbacks: 0,
      cache_hit: false,
    };
    const { user, session, tags } = call.context;
    if (user !== undefined) record.user = user;
    if (session !== undefined) record.session = session;
    for (const _name in tags) {
      record.tags = tags;
      break;
    }
    if (call.key) record.key_id = call.key.id;
    return record;
  }

  private readonly pending = new Set<Promise<unknown>>();

  private track(work: Promise<unknown>): void {
    const settled = work.catch(() => undefined).finally(() => this.pending.delete(settled));
    this.pending.add(settled);
  }

  /** Resolves once spend and token charges of finished calls have reached the shared state. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  /** Waits for pending charges, flushes logs and stops. Shared state is the caller's to close. */
  async close(): Promise<void> {
    await this.settled();
    await this.logQueue?.close();
  }
}

const routeTypes = {
  chat: 'llm/v1/chat',
  completions: 'llm/v1/completions',
  embeddings: 'llm/v1/embeddings',
} as const;

function validateBody(kind: string, body: Record<string, unknown>): void {
  const fail = (message: string, param: string) => {
    throw new GatewayError(400, message, 'invalid_request_error', `invalid_${param}`);
  };
  if (kind === 'chat') {
    if (!Array.isArray(body.messages) || body.messages.length === 0)
      fail("'messages' must be a non-empty array.", 'messages');
    for (const message of body.messages as unknown[]) {
      if (
        !message ||
        typeof message !== 'object' ||
        typeof (message as { role?: unknown }).role !== 'string'
      ) {
        fail("Each message needs a string 'role'.", 'messages');
      }
    }
  } else if (kind === 'completions') {
    if (typeof body.prompt !== 'string' && !Array.isArray(body.prompt))
      fail("'prompt' must be a string or an array of strings.", 'prompt');
  } else if (typeof body.input !== 'string' && !Array.isArray(body.input)) {
    fail("'input' must be a string or an array.", 'input');
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean')
    fail("'stream' must be a boolean.", 'stream');
}
