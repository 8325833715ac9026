import type { Metric } from '@cairn/spec';
import type { LogBatchEntries } from '../client/split-log-batch.js';

interface Pending {
  metrics: Metric[];
  params: Map<string, string>;
  tags: Map<string, string>;
}

/**
 * Metrics, params and tags waiting to be sent, per run. Tags keep only their last value (last
 * write wins on the server too); params keep their one value.
 */
export class RunBuffer {
  private readonly pending = new Map<string, Pending>();
  private metricCount = 0;

  /** Metrics waiting across all runs (the trigger for an early flush). */
  get bufferedMetrics(): number {
    return this.metricCount;
  }

  /** Whether nothing is waiting. */
  get isEmpty(): boolean {
    return this.pending.size === 0;
  }

  addMetric(runId: string, metric: Metric): void {
    this.of(runId).metrics.push(metric);
    this.metricCount += 1;
  }

  addParam(runId: string, key: string, value: string): void {
    this.of(runId).params.set(key, value);
  }

  addTag(runId: string, key: string, value: string): void {
    this.of(runId).tags.set(key, value);
  }

  /** Removes and returns what waits for `runId` (or for every run), keyed by run. */
  take(runId?: string): Map<string, LogBatchEntries> {
    const taken = new Map<string, LogBatchEntries>();
    const runIds = runId === undefined ? [...this.pending.keys()] : [runId];
    for (const id of runIds) {
      const pending = this.pending.get(id);
      if (!pending) continue;
      this.pending.delete(id);
      this.metricCount -= pending.metrics.length;
      taken.set(id, {
        metrics: pending.metrics,
        params: [...pending.params].map(([key, value]) => ({ key, value })),
        tags: [...pending.tags].map(([key, value]) => ({ key, value })),
      });
    }
    return taken;
  }

  private of(runId: string): Pending {
    let pending = this.pending.get(runId);
    if (!pending) {
      pending = { metrics: [], params: new Map(), tags: new Map() };
      this.pending.set(runId, pending);
    }
    return pending;
  }
}
