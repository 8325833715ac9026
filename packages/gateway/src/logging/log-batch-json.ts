import type { GatewayLogBatch, GatewayLogRecord } from '@cairn/spec';
import { jsonText } from '../json-text.js';

/**
 * A record as JSON, with its inputs and outputs written from the text they were parsed from
 * when the gateway passed them on unchanged (most calls): the same JSON as JSON.stringify,
 * without serialising every payload a second time.
 */
export function logRecordJson(record: GatewayLogRecord): string {
  const { inputs, outputs } = record;
  if (inputs === undefined && outputs === undefined) return JSON.stringify(record);
  // Stringify without the payloads by blanking them for the moment (JSON skips undefined): a
  // copy without them (`...rest`) costs more than the rest of the record's encoding.
  record.inputs = undefined;
  record.outputs = undefined;
  let text: string;
  try {
    text = JSON.stringify(record);
  } finally {
    record.inputs = inputs;
    record.outputs = outputs;
  }
  text = text.slice(0, -1);
  if (inputs !== undefined) text += `${text.length > 1 ? ',' : ''}"inputs":${jsonText(inputs)}`;
  if (outputs !== undefined) text += `${text.length > 1 ? ',' : ''}"outputs":${jsonText(outputs)}`;
  return `${text}}`;
}

/** A batch of records already encoded by logRecordJson, as the batch's JSON. */
export function encodedBatchJson(records: readonly string[], dropped?: number): string {
  const droppedField = dropped === undefined ? '' : `,"dropped":${dropped}`;
  return `{"records":[${records.join(',')}]${droppedField}}`;
}

/** A batch as JSON (the same as JSON.stringify(batch)). */
export function logBatchJson(batch: GatewayLogBatch): string {
  return encodedBatchJson(batch.records.map(logRecordJson), batch.dropped);
}
