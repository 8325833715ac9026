import { findModelPrice, type ModelPrice } from '@cairn/spec';
import type { RouteConfig, TargetConfig } from '../config/gateway-config.js';
import type { Provider } from '../providers/provider.js';
import { CircuitBreaker } from './circuit-breaker.js';

/** Weight of the newest latency sample in the moving average. */
const latencyAlpha = 0.3;

/** A route's target at run time: its provider, price, circuit breaker and latency average. */
export class RouteTarget {
  readonly name: string;
  readonly breaker?: CircuitBreaker;
  /** USD per million tokens, undefined when neither the config nor the catalogue knows. */
  readonly price?: { promptPer1M: number; completionPer1M: number };
  /** The price catalogue's entry for the model (long-context rates included), looked up once. */
  readonly cataloguePrice?: ModelPrice;
  /** Exponentially weighted moving average of latency in ms (undefined until a success). */
  latencyMs?: number;

  constructor(
    readonly config: TargetConfig,
    readonly provider: Provider,
    route: RouteConfig,
  ) {
    this.name = config.name;
    if (route.circuitBreaker) this.breaker = new CircuitBreaker(route.circuitBreaker);
    const catalogued = findModelPrice(config.model.name);
    if (catalogued) this.cataloguePrice = catalogued;
    const price = config.price ?? catalogued;
    if (price)
      this.price = { promptPer1M: price.promptPer1M, completionPer1M: price.completionPer1M };
  }

  /** Records a successful call's latency. */
  recordLatency(latencyMs: number): void {
    this.latencyMs =
      this.latencyMs === undefined
        ? latencyMs
        : latencyAlpha * latencyMs + (1 - latencyAlpha) * this.latencyMs;
  }

  /** Estimated cost of a request of this size, for cost routing. */
  estimateCost(promptTokens: number, completionTokens: number): number {
    if (!this.price) return Number.POSITIVE_INFINITY;
    return promptTokens * this.price.promptPer1M + completionTokens * this.price.completionPer1M;
  }
}
