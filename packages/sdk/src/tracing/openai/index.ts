export type { InstrumentOptions } from '../instrumentation/instrument-options.js';
export { instrumentOpenAI } from './instrument-openai.js';
