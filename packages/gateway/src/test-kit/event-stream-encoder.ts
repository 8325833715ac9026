import { EventStreamCodec } from '@smithy/eventstream-codec';

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => new Uint8Array(Buffer.from(text, 'utf8')),
);

/** One frame to encode: an event (or exception) type and its JSON payload. */
export interface EventStreamFixtureEvent {
  eventType?: string;
  exceptionType?: string;
  payload: unknown;
}

/**
 * Encodes events in AWS's binary event-stream framing with AWS's own codec (not ours), so the
 * decoder under test reads frames built the way Bedrock builds them.
 */
export function encodeEventStream(events: EventStreamFixtureEvent[]): Uint8Array[] {
  return events.map((event) => {
    const string = (value: string) => ({ type: 'string' as const, value });
    const headers: Record<string, { type: 'string'; value: string }> = event.exceptionType
      ? { ':message-type': string('exception'), ':exception-type': string(event.exceptionType) }
      : { ':message-type': string('event'), ':event-type': string(event.eventType ?? '') };
    return codec.encode({
      headers: { ...headers, ':content-type': string('application/json') },
      body: new Uint8Array(Buffer.from(JSON.stringify(event.payload), 'utf8')),
    });
  });
}
