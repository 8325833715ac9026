export type { InstrumentOptions } from '../instrumentation/instrument-options.js';
export { instrumentAnthropic } from './instrument-anthropic.js';
