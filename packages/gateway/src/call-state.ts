import type { GatewayLogRecord } from '@cairn/spec';
import type { GatewayConfig } from './config/gateway-config.js';
import type { GatewayCall } from './gateway.js';
import type { CompiledRoute } from './gateway-routes.js';
import type { BudgetAlertSink } from './policies/budget-alerts.js';
import type { UsagePlan } from './policies/usage-limits.js';
import type { RoutingOutcome } from './routing/call-with-routing.js';
import type { SharedState } from './state/shared-state.js';

/** Everything one call carries from admission to its log record. */
export interface CallState {
  gateway: GatewayConfig;
  sharedState: SharedState;
  route: CompiledRoute;
  call: GatewayCall;
  body: Record<string, unknown>;
  stream: boolean;
  record: GatewayLogRecord;
  outcome: RoutingOutcome;
  finish(record: GatewayLogRecord): void;
  /** Keeps work that outlives the response (spend charging) until the gateway is idle. */
  track(work: Promise<unknown>): void;
  alerts?: BudgetAlertSink;
  cacheKey?: string;
  cacheStatus?: 'hit' | 'miss' | 'bypass';
  plan?: UsagePlan;
}
