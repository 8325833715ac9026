import type { GatewayLogBatch } from '@cairn/spec';
import type { AppContext } from '../app-context.js';
import { CairnError } from '../errors.js';
import type { OtlpSpan, TraceService } from '../tracing/index.js';
import { createTrackingStore } from '../tracking/index.js';
import type { ReceivedLogRecord } from './parse-log-batch.js';
import { recordToSpan } from './record-span.js';

/** The experiment gateway calls land in unless the sender names one. */
export const defaultGatewayExperiment = 'gateway';

/** Counters of what the writer has stored since the process started (for the status page). */
export interface GatewayTraceCounts {
  records: number;
  dropped: number;
}

/**
 * Writes gateway log batches as traces: one root span per call, every span of an experiment in
 * one durable write through the trace store. Used by the HTTP receiver and, when the gateway is
 * mounted in the server, directly as its log sink (no HTTP hop).
 */
export class GatewayTraceWriter {
  readonly counts: GatewayTraceCounts = { records: 0, dropped: 0 };
  private defaultExperimentId: Promise<string> | undefined;

  constructor(
    private readonly context: AppContext,
    private readonly service: TraceService,
    private readonly experimentName = defaultGatewayExperiment,
  ) {}

  /** Stores a batch; `experimentId` (e.g. from a request header) applies to records naming none. */
  async write(batch: GatewayLogBatch, experimentId?: string): Promise<void> {
    const groups = new Map<string, OtlpSpan[]>();
    for (const record of batch.records as ReceivedLogRecord[]) {
      const target = record.experiment_id ?? experimentId ?? (await this.defaultExperiment());
      let spans = groups.get(target);
      if (!spans) {
        spans = [];
        groups.set(target, spans);
      }
      spans.push(recordToSpan(record));
    }
    for (const [target, spans] of groups) {
      try {
        await this.service.ingest(target, spans);
      } catch (error) {
        // The default experiment was deleted (purged) since it was looked up: find or make it again.
        if (!isMissing(error) || experimentId !== undefined || !this.isDefault(target)) throw error;
        this.defaultExperimentId = undefined;
        await this.service.ingest(await this.defaultExperiment(), spans);
      }
    }
    this.counts.records += batch.records.length;
    this.counts.dropped += batch.dropped ?? 0;
  }

  private cachedDefault: string | undefined;

  private isDefault(id: string): boolean {
    return id === this.cachedDefault;
  }

  /** The id of the default experiment, created on first use (a concurrent creator may win). */
  private defaultExperiment(): Promise<string> {
    this.defaultExperimentId ??= this.findOrCreate().then(
      (id) => {
        this.cachedDefault = id;
        return id;
      },
      (error) => {
        this.defaultExperimentId = undefined;
        throw error;
      },
    );
    return this.defaultExperimentId;
  }

  private async findOrCreate(): Promise<string> {
    const experiments = createTrackingStore(this.context.storage, this.context.clock).experiments;
    try {
      return (await experiments.getByName(this.experimentName)).experiment_id;
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    try {
      return await experiments.create({ name: this.experimentName, tags: [] });
    } catch (error) {
      if (!(error instanceof CairnError && error.errorCode === 'RESOURCE_ALREADY_EXISTS'))
        throw error;
      return (await experiments.getByName(this.experimentName)).experiment_id;
    }
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof CairnError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST';
}
