export { FileKeyStore } from './file-key-store.js';
export { StateKeyStore } from './state-key-store.js';
export type { KeySecret, KeyStore, VirtualKeyRecord } from './virtual-key.js';
export { hashSecret, looksLikeVirtualKey } from './virtual-key.js';
export type { IssuedKey, KeyOptions } from './virtual-keys.js';
export { defaultRotationOverlapMs, parseBudgetSpec, VirtualKeys } from './virtual-keys.js';
