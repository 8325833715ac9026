import { HttpTransport } from '../client/http-transport.js';
import type { RetryPolicy } from '../client/retry-policy.js';
import type { LiveSpan } from './live-span.js';
import { encodeOtlpJson } from './otlp-json.js';
import type { SpanExporter } from './span-exporter.js';

/** Options of the OTLP/JSON exporter. */
export interface OtlpJsonExporterOptions {
  /** `http(s)://host:port` of the Cairn server; spans go to `<trackingUri>/v1/traces`. */
  trackingUri: string;
  /** Extra headers (authorization). */
  headers?: Record<string, string>;
  /** The experiment of traces that did not choose one (called once, retried after a failure). */
  resolveExperimentId: () => Promise<string>;
  /** Retries of one request; short by default so that a down server cannot hold up exit. */
  retry?: Partial<RetryPolicy>;
  /** Time allowed for response headers, per attempt (ms, default 10000). */
  timeoutMs?: number;
  /** Resource attributes (`service.name`, …). */
  resource?: Record<string, string>;
}

const scope = { name: '@cairn/sdk', version: '0.1.0' };
const tracingRetry: Partial<RetryPolicy> = { maxRetries: 3, initialDelayMs: 250, maxDelayMs: 2000 };

/**
 * Sends spans as OTLP/JSON to the server's `POST /v1/traces`, one request per experiment
 * (header `x-mlflow-experiment-id`), retrying transient failures through the SDK's HTTP layer.
 */
export class OtlpJsonExporter implements SpanExporter {
  private readonly url: string;
  private readonly transports = new Map<string, HttpTransport>();
  private defaultExperiment: Promise<string> | undefined;
  private readonly resource: Record<string, string>;

  constructor(private readonly options: OtlpJsonExporterOptions) {
    this.url = `${options.trackingUri.replace(/\/+$/, '')}/v1/traces`;
    this.resource = options.resource ?? { 'service.name': 'unknown_service:node' };
  }

  async export(spans: readonly LiveSpan[]): Promise<void> {
    const byExperiment = new Map<string, LiveSpan[]>();
    for (const span of spans) {
      const experimentId = span.trace.experimentId ?? (await this.defaultExperimentId());
      const group = byExperiment.get(experimentId);
      if (group) group.push(span);
      else byExperiment.set(experimentId, [span]);
    }
    for (const [experimentId, group] of byExperiment) {
      // Encoded once; a retry sends the same text again.
      const text = encodeOtlpJson(group, this.resource, scope);
      await this.transport(experimentId).send({
        method: 'POST',
        url: this.url,
        body: () => text,
        contentType: 'application/json',
      });
    }
  }

  private defaultExperimentId(): Promise<string> {
    if (!this.defaultExperiment) {
      const pending = this.options.resolveExperimentId();
      this.defaultExperiment = pending;
      // A failed lookup (server down at startup) is tried again with the next batch.
      pending.catch(() => {
        if (this.defaultExperiment === pending) this.defaultExperiment = undefined;
      });
    }
    return this.defaultExperiment;
  }

  private transport(experimentId: string): HttpTransport {
    let transport = this.transports.get(experimentId);
    if (!transport) {
      transport = new HttpTransport({
        retry: { ...tracingRetry, ...this.options.retry },
        timeoutMs: this.options.timeoutMs ?? 10_000,
        headers: { ...this.options.headers, 'x-mlflow-experiment-id': experimentId },
      });
      this.transports.set(experimentId, transport);
    }
    return transport;
  }
}
