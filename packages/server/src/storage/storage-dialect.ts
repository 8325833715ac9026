/** The metadata backends Cairn runs on. */
export type StorageDialect = 'sqlite' | 'postgres';
