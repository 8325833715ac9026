export type { ConfigProblem } from './config-reader.js';
export { GatewayConfigError } from './config-reader.js';
export type {
  BudgetConfig,
  BudgetPeriod,
  CacheConfig,
  CircuitBreakerConfig,
  Condition,
  GatewayConfig,
  GuardrailsConfig,
  LoggingConfig,
  RateLimitConfig,
  RetryConfig,
  RouteConfig,
  RouteType,
  RoutingStrategy,
  ScopedBudgetConfig,
  TargetConfig,
} from './gateway-config.js';
export { loadGatewayConfig, parseGatewayConfig } from './parse-config.js';
export type { StopWatching } from './watch-config.js';
export { watchGatewayConfig } from './watch-config.js';
