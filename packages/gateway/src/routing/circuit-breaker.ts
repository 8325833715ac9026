import type { CircuitBreakerConfig } from '../config/gateway-config.js';

/**
 * Takes a target out after `failures` consecutive failures. Once `cooldownMs` has passed, one
 * probe request is let through (half-open): success closes the circuit, failure reopens it.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probing = false;

  constructor(
    private readonly config: CircuitBreakerConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** closed, open (rejecting) or half-open (cool-down over, one probe allowed). */
  get state(): 'closed' | 'open' | 'half-open' {
    if (this.consecutiveFailures < this.config.failures) return 'closed';
    return this.now() - this.openedAt >= this.config.cooldownMs ? 'half-open' : 'open';
  }

  /** Whether a request may go to the target now; claims the probe when half-open. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  /** Milliseconds until the circuit lets a probe through (0 when closed or half-open). */
  retryAfterMs(): number {
    if (this.state !== 'open') return 0;
    return this.config.cooldownMs - (this.now() - this.openedAt);
  }

  onSuccess(): void {
    this.consecutiveFailures = 0;
    this.probing = false;
  }

  onFailure(): void {
    this.probing = false;
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= this.config.failures) this.openedAt = this.now();
  }
}
