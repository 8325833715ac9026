import type { GatewayLogBatch, GatewayLogRecord } from '@cairn/spec';
import type { EncodedLogBatch } from './encoded-records.js';
import { logBatchJson, logRecordJson } from './log-batch-json.js';

/** Where gateway usage/trace records go, a batch at a time. May be slow; must not be called on the request path. */
export interface GatewayLogSink {
  write(batch: GatewayLogBatch): Promise<void>;
  close?(): Promise<void>;
}

/**
 * A sink that sends records as JSON: the queue encodes each record when it is pushed, into bytes
 * outside the JS heap (see EncodedRecords), rather than keeping the call's payload objects until
 * the next batch (they would outlive young-generation GCs and be copied into the old generation).
 */
export interface EncodingLogSink extends GatewayLogSink {
  encode(record: GatewayLogRecord): string;
  writeEncoded(batch: EncodedLogBatch): Promise<void>;
}

export function isEncodingLogSink(sink: GatewayLogSink): sink is EncodingLogSink {
  return typeof (sink as Partial<EncodingLogSink>).encode === 'function';
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
export class HttpLogSink implements EncodingLogSink {
  private readonly url: string;

  constructor(
    trackingUri: string,
    private readonly options: {
      fetch?: typeof fetch;
      headers?: Record<string, string>;
      timeoutMs?: number;
      /** Where upload failures are reported (default: console.warn); never given a secret. */
      warn?: (message: string) => void;
    } = {},
  ) {
    this.url = trackingUri.replace(/\/+$/, '') + gatewayLogsPath;
    // A tracking URI may carry credentials (http://user:token@host): never print them.
    this.shownUrl = this.url.replace(/\/\/[^/@]*@/, '//');
  }

  private readonly shownUrl: string;
  /** When each kind of failure was last reported, so a down server does not flood the log. */
  private readonly warnedAt = new Map<string, number>();

  encode(record: GatewayLogRecord): string {
    return logRecordJson(record);
  }

  write(batch: GatewayLogBatch): Promise<void> {
    return this.post(logBatchJson(batch), batch.records.length);
  }

  writeEncoded(batch: EncodedLogBatch): Promise<void> {
    return this.post(batch.json, batch.count);
  }

  private async post(body: string | Buffer, count: number): Promise<void> {
    let response: Response;
    try {
      response = await (this.options.fetch ?? globalThis.fetch)(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.options.headers },
        // Bytes: a string would be measured and then encoded again by the transport.
        body: typeof body === 'string' ? Buffer.from(body) : body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      this.warn(cause, `cannot reach ${this.shownUrl} (${cause})`, count);
      throw error;
    }
    await response.body?.cancel();
    if (!response.ok) {
      this.warn(
        `HTTP ${response.status}`,
        `${this.shownUrl} answered HTTP ${response.status}`,
        count,
      );
      throw new Error(`gateway log upload failed: HTTP ${response.status}`);
    }
  }

  /** Warns once per failure kind per minute; the URL is the tracking URI, headers never shown. */
  private warn(kind: string, what: string, count: number): void {
    const now = Date.now();
    const last = this.warnedAt.get(kind);
    if (last !== undefined && now - last < 60_000) return;
    this.warnedAt.set(kind, now);
    (this.options.warn ?? console.warn)(
      `cairn gateway: call records not stored: ${what}; ${count} record(s) dropped (repeats of this warning are muted for a minute)`,
    );
  }
}
