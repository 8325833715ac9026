export type { LogQueueOptions } from './log-queue.js';
export { LogQueue } from './log-queue.js';
export type { GatewayLogSink } from './log-sink.js';
export { gatewayLogsPath, HttpLogSink, MemoryLogSink } from './log-sink.js';
