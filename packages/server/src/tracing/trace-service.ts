import type { PriceCatalogue } from '@cairn/spec';
import { type ArtifactRepository, proxiedArtifactPath } from '../artifacts/index.js';
import { CairnError } from '../errors.js';
import type { Storage } from '../storage/index.js';
import { OtlpDecoder } from './otlp-decoder.js';
import type { OtlpEncoding } from './otlp-decoding.js';
import type { OtlpSpan } from './otlp-span.js';
import { toSpanRecord } from './span-record.js';
import { TraceReader } from './trace-reader.js';
import type { TraceRecord } from './trace-record.js';
import { type NewTrace, newTraceId, TraceStore } from './trace-store.js';
import { decodeTracesJson } from './traces-json.js';

/** Tag naming where a trace's artifacts (MLflow 2's `traces.json`) live. */
export const artifactLocationTag = 'mlflow.artifactLocation';
/** Tag telling MLflow 3 clients the spans are in the tracking store (sent by OTLP), not an artifact. */
export const spansLocationTag = 'mlflow.trace.spansLocation';

const maxTracesJsonBytes = 256 * 1024 * 1024;

/** The tracing domain's rules over its store, reader and the artifact repository. */
export class TraceService {
  readonly store: TraceStore;
  readonly reader: TraceReader;
  private readonly decoder: OtlpDecoder;

  constructor(
    storage: Storage,
    private readonly artifacts: ArtifactRepository,
    private readonly prices?: PriceCatalogue,
    private readonly log?: (message: string, error: unknown) => void,
  ) {
    this.store = new TraceStore(storage, log);
    this.reader = new TraceReader(storage);
    const sqlite = storage.sqlite;
    this.decoder = new OtlpDecoder({
      prices,
      sqlitePath: sqlite && !sqlite.memory ? sqlite.name : undefined,
    });
  }

  /** Stops the OTLP decoding thread, if it started. */
  close(): Promise<void> {
    return this.decoder.close();
  }

  /**
   * Starts (MLflow 2) or logs (MLflow 3) a trace. The server names the trace's artifact location,
   * as MLflow does, and MLflow 3 clients are told their spans belong in the tracking store.
   */
  async startTrace(
    trace: NewTrace,
    options: { spansInTrackingStore: boolean },
  ): Promise<TraceRecord> {
    const experiment = await this.store.experiment(trace.experimentId);
    const requestId = trace.requestId ?? newTraceId();
    const tags: Record<string, string> = {
      ...trace.tags,
      [artifactLocationTag]: `${experiment.artifactLocation.replace(/\/+$/, '')}/traces/${requestId}/artifacts`,
    };
    if (options.spansInTrackingStore) tags[spansLocationTag] = 'TRACKING_STORE';
    if (trace.name === undefined && trace.tags['mlflow.traceName'])
      trace.name = trace.tags['mlflow.traceName'];
    await this.store.upsertTrace({ ...trace, requestId, experimentId: experiment.id, tags });
    return this.store.get(requestId);
  }

  /** MLflow 2's end-trace; then reads the `traces.json` the client uploaded, if it is there yet. */
  async endTraceV2(
    requestId: string,
    end: Parameters<TraceStore['endTrace']>[1],
  ): Promise<TraceRecord> {
    await this.store.endTrace(requestId, end);
    const trace = await this.store.get(requestId);
    return (await this.importSpansIfNeeded(trace)) ? this.store.get(requestId) : trace;
  }

  /** Ingests OTLP spans into an experiment (one all-or-nothing write). */
  async ingest(experimentId: string, spans: readonly OtlpSpan[]): Promise<void> {
    const experiment = await this.store.experiment(experimentId);
    const records = spans.map((span) => toSpanRecord(span, this.prices));
    await this.store.logSpans(experiment.id, records);
  }

  /**
   * Ingests an OTLP/HTTP request body into an experiment (one all-or-nothing write); returns the
   * number of spans stored. A body that is not a valid request throws OtlpDecodeError.
   */
  async ingestOtlp(
    experimentId: string,
    body: Uint8Array,
    encoding: OtlpEncoding,
  ): Promise<number> {
    const [experiment, batch] = await Promise.all([
      this.store.experiment(experimentId),
      this.decoder.decode(body, encoding),
    ]);
    await this.store.logBatch(experiment.id, batch);
    return batch.spans.length;
  }

  /** A trace, after lazily importing MLflow 2 spans that arrived as an artifact after the trace ended. */
  async getTrace(requestId: string): Promise<TraceRecord> {
    const trace = await this.store.get(requestId);
    return (await this.importSpansIfNeeded(trace)) ? this.store.get(requestId) : trace;
  }

  /**
   * Reads `<artifact location>/traces.json` into the span store once, for traces that ended
   * without spans (MLflow 2 clients upload spans as that artifact). Returns whether it imported.
   * A missing or unreadable artifact leaves the trace as it is: reads never fail because of it.
   */
  async importSpansIfNeeded(trace: TraceRecord): Promise<boolean> {
    const location = trace.tags[artifactLocationTag];
    if (trace.spansImported || trace.spanCount > 0 || trace.status === 'IN_PROGRESS' || !location) {
      return false;
    }
    if (!location.startsWith('mlflow-artifacts:')) return false;
    let text: string;
    try {
      const download = await this.artifacts.get(`${proxiedArtifactPath(location)}/traces.json`);
      if (download.size > maxTracesJsonBytes) {
        download.body.destroy();
        return false;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of download.body) chunks.push(chunk as Buffer);
      text = Buffer.concat(chunks).toString('utf8');
    } catch (error) {
      if (!(error instanceof CairnError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST')) {
        this.log?.(`could not read traces.json of ${trace.requestId}`, error);
      }
      return false;
    }
    try {
      const spans = decodeTracesJson(JSON.parse(text));
      const records = spans.map((span) => ({
        ...toSpanRecord(span, this.prices),
        requestId: trace.requestId,
      }));
      await this.store.logSpans(Number(trace.experimentId), records);
    } catch (error) {
      this.log?.(`traces.json of ${trace.requestId} is malformed`, error);
    }
    await this.store.markSpansImported(trace.requestId);
    return true;
  }
}
