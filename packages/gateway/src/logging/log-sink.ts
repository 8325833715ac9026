import type { GatewayLogBatch, GatewayLogRecord } from '@cairn/spec';

/** Where gateway usage/trace records go, a batch at a time. May be slow; must not be called on the request path. */
export interface GatewayLogSink {
  write(batch: GatewayLogBatch): Promise<void>;
  close?(): Promise<void>;
}

/** Keeps records in memory (tests, `--check`-style dry runs, a small embedded deployment). */
export class MemoryLogSink implements GatewayLogSink {
  readonly records: GatewayLogRecord[] = [];
  dropped = 0;

  constructor(private readonly maxRecords = 100_000) {}

  async write(batch: GatewayLogBatch): Promise<void> {
    this.dropped += batch.dropped ?? 0;
    this.records.push(...batch.records);
    if (this.records.length > this.maxRecords)
      this.records.splice(0, this.records.length - this.maxRecords);
  }
}

/** The path a Cairn tracking server receives gateway logs on. */
export const gatewayLogsPath = '/api/2.0/cairn/gateway/logs';

/** POSTs each batch as JSON to a Cairn tracking server's `/api/2.0/cairn/gateway/logs`. */
export class HttpLogSink implements GatewayLogSink {
  private readonly url: string;

  constructor(
    trackingUri: string,
    private readonly options: {
      fetch?: typeof fetch;
      headers?: Record<string, string>;
      timeoutMs?: number;
    } = {},
  ) {
    this.url = trackingUri.replace(/\/+$/, '') + gatewayLogsPath;
  }

  async write(batch: GatewayLogBatch): Promise<void> {
    const response = await (this.options.fetch ?? globalThis.fetch)(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.options.headers },
      body: JSON.stringify(batch),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`gateway log upload failed: HTTP ${response.status}`);
  }
}
