import { parentPort, workerData } from 'node:worker_threads';
import { WalCheckpointer } from '../storage/wal-checkpointer.js';
import type { DecodeReply, DecodeRequest, DecoderThreadData } from './otlp-decoder.js';
import { decodeOtlpBatch } from './otlp-decoding.js';
import { OtlpDecodeError } from './otlp-span.js';
import { packBatch } from './span-batch-transfer.js';

// The OTLP decoding thread (see otlp-decoder.ts): requests in, batches or errors out, in order.
// On a SQLite file it also checkpoints the WAL while batches arrive (see WalCheckpointer).
const { prices, sqlitePath } = workerData as DecoderThreadData;
const checkpointer = sqlitePath ? new WalCheckpointer(sqlitePath) : undefined;
const port = parentPort!;
port.on('message', (message: DecodeRequest | 'close') => {
  if (message === 'close') {
    checkpointer?.close();
    port.close();
    return;
  }
  const { id, body, encoding } = message;
  checkpointer?.noteWrites();
  let reply: DecodeReply;
  try {
    reply = { id, batch: packBatch(decodeOtlpBatch(body, encoding, prices)) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    reply = { id, error: { message, invalid: error instanceof OtlpDecodeError } };
  }
  port.postMessage(reply);
});
