export { type EventStreamFixtureEvent, encodeEventStream } from './event-stream-encoder.js';
export {
  collect,
  type FakeProviderServer,
  gate,
  hangReply,
  jsonReply,
  type RecordedRequest,
  type Reply,
  readFixture,
  type StreamOptions,
  sseEvents,
  startFakeProvider,
  streamReply,
  textReply,
  within,
} from './fake-provider-server.js';
export { listenTestGateway } from './listen-test-gateway.js';
export { type SigV4Check, verifySigV4 } from './sigv4-verifier.js';
