import type { LiveSpan, SpanExporter } from '../tracing/index.js';

/** An exporter keeping spans in memory; `hold()` makes exports wait until `release()` (tests only). */
export class MemorySpanExporter implements SpanExporter {
  readonly spans: LiveSpan[] = [];
  readonly batches: number[] = [];
  shutdowns = 0;
  failWith: Error | undefined;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  async export(spans: readonly LiveSpan[]): Promise<void> {
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
    this.batches.push(spans.length);
    this.spans.push(...spans);
  }

  async shutdown(): Promise<void> {
    this.shutdowns += 1;
  }

  /** Makes exports wait until `release()`. */
  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  /** The exported span with this name (the first). */
  byName(name: string): LiveSpan {
    const span = this.spans.find((candidate) => candidate.name === name);
    if (!span) throw new Error(`no span named ${name}; have ${this.spans.map((s) => s.name)}`);
    return span;
  }

  /** An attribute of an exported span; JSON text decoded under `mlflow.*` and `cairn.trace.*`. */
  attribute(name: string, key: string): unknown {
    const value = this.byName(name).attributes.get(key);
    const encoded = key.startsWith('mlflow.') || key.startsWith('cairn.trace.');
    return typeof value === 'string' && encoded ? JSON.parse(value) : value;
  }
}
