import { createHash, randomBytes } from 'node:crypto';
import type { BudgetConfig } from '../config/gateway-config.js';

/** One secret of a key: only its SHA-256 is stored, and its prefix for display. */
export interface KeySecret {
  hash: string;
  prefix: string;
  createdAt: number;
  /** Set on rotation: the old secret stays valid until then. */
  expiresAt?: number;
}

/** A Cairn virtual key: what it may call and its own limits and budget. */
export interface VirtualKeyRecord {
  id: string;
  name?: string;
  secrets: KeySecret[];
  /** Routes the key may call; absent = all. */
  routes?: string[];
  rpm?: number;
  tpm?: number;
  budget?: BudgetConfig;
  createdAt: number;
  revokedAt?: number;
}

/** Storage of virtual keys (memory, Redis through shared state, or a JSON file). */
export interface KeyStore {
  /** The key owning a secret hash, if any (revoked and expired secrets included; callers check). */
  findByHash(hash: string): Promise<VirtualKeyRecord | undefined>;
  get(id: string): Promise<VirtualKeyRecord | undefined>;
  /** Saves a record and indexes its secrets; `removedHashes` are un-indexed. */
  save(record: VirtualKeyRecord, removedHashes?: string[]): Promise<void>;
  list(): Promise<VirtualKeyRecord[]>;
}

const secretPrefix = 'ck-';

/** A new random secret: `ck-<8 hex>_<43 base64url>`; the first part is the displayed prefix. */
export function generateSecret(): { secret: string; prefix: string; hash: string } {
  const prefix = secretPrefix + randomBytes(4).toString('hex');
  const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { secret, prefix, hash: hashSecret(secret) };
}

/** SHA-256 hex of a secret: what the store keeps. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Whether a string looks like a Cairn key (so other bearer tokens are rejected cheaply). */
export function looksLikeVirtualKey(token: string): boolean {
  return token.startsWith(secretPrefix) && token.length > 20 && token.length < 100;
}
