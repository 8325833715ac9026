import type { GatewayLogRecord } from '@cairn/spec';
import { EncodedRecords } from './encoded-records.js';
import type { EncodingLogSink, GatewayLogSink } from './log-sink.js';

/** Records waiting for a sink, in batches of at most `batchSize`. */
export interface PendingRecords {
  readonly size: number;
  add(record: GatewayLogRecord): void;
  /** Writes the oldest batch (reporting `dropped` earlier records); resolves to its record count. */
  writeBatch(dropped: number): { count: number; written: Promise<void> };
}

/** Record objects, for sinks that take them as they are. */
export class PendingObjects implements PendingRecords {
  private readonly records: GatewayLogRecord[] = [];

  constructor(
    private readonly sink: GatewayLogSink,
    private readonly batchSize: number,
  ) {}

  get size(): number {
    return this.records.length;
  }

  add(record: GatewayLogRecord): void {
    this.records.push(record);
  }

  writeBatch(dropped: number) {
    const records = this.records.splice(0, this.batchSize);
    const batch = dropped > 0 ? { records, dropped } : { records };
    return { count: records.length, written: this.sink.write(batch) };
  }
}

/** Records encoded as they arrive, a byte buffer per batch (see EncodedRecords). */
export class PendingEncoded implements PendingRecords {
  private readonly batches: EncodedRecords[] = [];
  private total = 0;

  constructor(
    private readonly sink: EncodingLogSink,
    private readonly batchSize: number,
  ) {}

  get size(): number {
    return this.total;
  }

  add(record: GatewayLogRecord): void {
    let last = this.batches[this.batches.length - 1];
    if (!last || last.count >= this.batchSize) {
      last = new EncodedRecords();
      this.batches.push(last);
    }
    last.append(this.sink.encode(record));
    this.total++;
  }

  writeBatch(dropped: number) {
    const batch = this.batches.shift()!.finish(dropped > 0 ? dropped : undefined);
    this.total -= batch.count;
    return { count: batch.count, written: this.sink.writeEncoded(batch) };
  }
}
