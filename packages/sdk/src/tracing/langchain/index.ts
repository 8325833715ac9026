export type { CairnCallbackHandlerOptions } from './cairn-callback-handler.js';
export { CairnCallbackHandler } from './cairn-callback-handler.js';
