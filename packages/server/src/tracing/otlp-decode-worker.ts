import { parentPort, workerData } from 'node:worker_threads';
import type { PriceCatalogue } from '@cairn/spec';
import type { DecodeReply, DecodeRequest } from './otlp-decoder.js';
import { decodeOtlpBatch } from './otlp-decoding.js';
import { OtlpDecodeError } from './otlp-span.js';
import { packBatch } from './span-batch-transfer.js';

// The OTLP decoding thread (see otlp-decoder.ts): requests in, batches or errors out, in order.
const prices = (workerData as { prices?: PriceCatalogue } | null)?.prices;
const port = parentPort!;
port.on('message', ({ id, body, encoding }: DecodeRequest) => {
  let reply: DecodeReply;
  try {
    reply = { id, batch: packBatch(decodeOtlpBatch(body, encoding, prices)) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    reply = { id, error: { message, invalid: error instanceof OtlpDecodeError } };
  }
  port.postMessage(reply);
});
