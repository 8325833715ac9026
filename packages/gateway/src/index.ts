export type {
  BudgetConfig,
  CacheConfig,
  CircuitBreakerConfig,
  Condition,
  ConfigProblem,
  GatewayConfig,
  GuardrailsConfig,
  RateLimitConfig,
  RetryConfig,
  RouteConfig,
  RouteType,
  RoutingStrategy,
  ScopedBudgetConfig,
  StopWatching,
  TargetConfig,
} from './config/index.js';
export {
  GatewayConfigError,
  loadGatewayConfig,
  parseGatewayConfig,
  watchGatewayConfig,
} from './config/index.js';
export type { GatewayCall, GatewayDeps } from './gateway.js';
export { Gateway } from './gateway.js';
export { GatewayError } from './gateway-error.js';
export type { GatewayApp, GatewayAppOptions } from './http/index.js';
export { createGatewayApp } from './http/index.js';
export type { IssuedKey, KeyOptions, KeyStore, VirtualKeyRecord } from './keys/index.js';
export { FileKeyStore, parseBudgetSpec, StateKeyStore, VirtualKeys } from './keys/index.js';
export type { GatewayLogSink, LogQueueOptions } from './logging/index.js';
export { gatewayLogsPath, HttpLogSink, LogQueue, MemoryLogSink } from './logging/index.js';
export type { BudgetAlert, BudgetAlertSink } from './policies/index.js';
export { redactPii, WebhookAlertSink } from './policies/index.js';
export {
  type CreateProviderOptions,
  createProvider,
  ProviderConfigError,
  providerIds,
} from './providers/index.js';
export type { ModelConfig, Provider, ProviderCallOptions } from './providers/provider.js';
export { isRetryableStatus, ProviderError } from './providers/provider.js';
export type { RequestContext } from './routing/index.js';
export { CircuitBreaker } from './routing/index.js';
export type { CeilingCheck, CounterCharge, SharedState } from './state/index.js';
export { MemoryState, openSharedState, RedisState } from './state/index.js';
export type { UpstreamFetchOptions } from './transport/index.js';
export { createUpstreamFetch } from './transport/index.js';
