import type { GatewayLogBatch } from '@cairn/spec';
import { jsonText } from '../json-text.js';

/**
 * A batch as JSON, with each record's inputs and outputs written from the text they were
 * parsed from when the gateway passed them on unchanged (most calls): the same JSON as
 * JSON.stringify(batch), without serialising every payload a second time.
 */
export function logBatchJson(batch: GatewayLogBatch): string {
  const records: string[] = [];
  for (const record of batch.records) {
    const { inputs, outputs, ...fields } = record;
    let text = JSON.stringify(fields);
    if (inputs !== undefined || outputs !== undefined) {
      text = text.slice(0, -1);
      if (inputs !== undefined) text += `${text.length > 1 ? ',' : ''}"inputs":${jsonText(inputs)}`;
      if (outputs !== undefined)
        text += `${text.length > 1 ? ',' : ''}"outputs":${jsonText(outputs)}`;
      text += '}';
    }
    records.push(text);
  }
  const dropped = batch.dropped === undefined ? '' : `,"dropped":${batch.dropped}`;
  return `{"records":[${records.join(',')}]${dropped}}`;
}
