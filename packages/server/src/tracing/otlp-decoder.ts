import { Worker } from 'node:worker_threads';
import type { PriceCatalogue } from '@cairn/spec';
import type { OtlpEncoding } from './otlp-decoding.js';
import { OtlpDecodeError } from './otlp-span.js';
import type { SpanBatch } from './span-batch.js';
import { type PackedBatch, unpackBatch } from './span-batch-transfer.js';

/** A message to the decoding thread. */
export interface DecodeRequest {
  id: number;
  body: Uint8Array;
  encoding: OtlpEncoding;
}

/** What the thread starts with. */
export interface DecoderThreadData {
  prices: PriceCatalogue | undefined;
  /** The SQLite database file whose WAL the thread checkpoints, if the store is one. */
  sqlitePath: string | undefined;
}

/** Its answer: the batch, or why the body could not be decoded. */
export type DecodeReply =
  | { id: number; batch: PackedBatch }
  | { id: number; error: { message: string; invalid: boolean } };

interface Pending {
  resolve(batch: SpanBatch): void;
  reject(error: Error): void;
}

/** One running decoding thread and the requests it has not answered yet. */
interface DecodingThread {
  worker: Worker;
  pending: Map<number, Pending>;
}

// Under test the sources are TypeScript (tests/support/typescript-loader.mjs runs them).
const workerUrl = new URL(
  import.meta.url.endsWith('.ts') ? './otlp-decode-worker.ts' : './otlp-decode-worker.js',
  import.meta.url,
);

/**
 * Decodes OTLP request bodies on a thread of their own. On SQLite the main thread runs every
 * write, so decoding and mapping the next batch there (~30% of its time per span) would wait
 * for the current write; on this thread it runs beside it. With a SQLite file (`sqlitePath`)
 * the thread also checkpoints the WAL while batches arrive (see WalCheckpointer). The thread
 * starts with the first request and stops with `close`; should it die, the requests it held
 * fail with a 500 and the next request starts a new one.
 */
export class OtlpDecoder {
  private thread: DecodingThread | undefined;
  private nextId = 0;

  constructor(private readonly options: { prices?: PriceCatalogue; sqlitePath?: string } = {}) {}

  /**
   * The body as a planned batch; rejects with OtlpDecodeError when it is not a valid request.
   * The caller must not use `body` afterwards.
   */
  decode(body: Uint8Array, encoding: OtlpEncoding): Promise<SpanBatch> {
    const thread = this.thread ?? this.start();
    const id = this.nextId++;
    return new Promise<SpanBatch>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      // Only a thread with work keeps the process alive.
      if (thread.pending.size === 1) thread.worker.ref();
      // A body that owns its whole memory moves to the thread instead of being copied (it is
      // empty here afterwards); a slice of a shared pool is copied.
      const owned = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
      thread.worker.postMessage(
        { id, body, encoding } satisfies DecodeRequest,
        owned ? [body.buffer as ArrayBuffer] : [],
      );
    });
  }

  /** Stops the thread; requests it has not answered fail. */
  async close(): Promise<void> {
    const thread = this.thread;
    if (!thread) return;
    this.thread = undefined;
    abandon(thread, new Error('The OTLP decoding thread stopped (the server is closing).'));
    // Let it close its database connection, then stop it whatever it is doing.
    thread.worker.postMessage('close');
    await thread.worker.terminate();
  }

  private start(): DecodingThread {
    const workerData: DecoderThreadData = {
      prices: this.options.prices,
      sqlitePath: this.options.sqlitePath,
    };
    const worker = new Worker(workerUrl, { workerData });
    const thread: DecodingThread = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (reply: DecodeReply) => {
      const pending = thread.pending.get(reply.id);
      if (!pending) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) worker.unref();
      if ('batch' in reply) pending.resolve(unpackBatch(reply.batch));
      else if (reply.error.invalid) pending.reject(new OtlpDecodeError(reply.error.message));
      else pending.reject(new Error(reply.error.message));
    });
    const fail = (error: Error) => {
      if (this.thread === thread) this.thread = undefined;
      abandon(thread, error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) =>
      fail(new Error(`The OTLP decoding thread stopped (exit code ${code}).`)),
    );
    this.thread = thread;
    return thread;
  }
}

function abandon(thread: DecodingThread, error: Error): void {
  for (const pending of thread.pending.values()) pending.reject(error);
  thread.pending.clear();
}
