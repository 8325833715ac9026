export type { ParsedStoreUri, Storage } from './open-storage.js';
export { migrateToLatest, openStorage, parseStoreUri, redactPassword } from './open-storage.js';
export type { DatabaseSchema } from './schema.js';
export type { StorageDialect } from './storage-dialect.js';
export type { WriteWork } from './write-queue.js';
