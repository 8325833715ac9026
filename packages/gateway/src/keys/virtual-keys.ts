import { randomBytes } from 'node:crypto';
import type { BudgetConfig } from '../config/gateway-config.js';
import { generateSecret, hashSecret, type KeyStore, type VirtualKeyRecord } from './virtual-key.js';

/** What a new key may do. */
export interface KeyOptions {
  name?: string;
  routes?: string[];
  rpm?: number;
  tpm?: number;
  budget?: BudgetConfig;
}

/** The only time a secret exists in clear: returned once, at creation or rotation. */
export interface IssuedKey {
  secret: string;
  record: VirtualKeyRecord;
}

/** Default overlap during which a rotated-out secret keeps working. */
export const defaultRotationOverlapMs = 24 * 3_600_000;

/** Issues, rotates, revokes and verifies virtual keys over a KeyStore. */
export class VirtualKeys {
  constructor(
    readonly store: KeyStore,
    private readonly now: () => number = Date.now,
  ) {}

  async create(options: KeyOptions = {}): Promise<IssuedKey> {
    const { secret, prefix, hash } = generateSecret();
    const createdAt = this.now();
    const record: VirtualKeyRecord = {
      id: `key_${randomBytes(6).toString('hex')}`,
      secrets: [{ hash, prefix, createdAt }],
      createdAt,
      ...(options.name ? { name: options.name } : {}),
      ...(options.routes && options.routes.length > 0 ? { routes: options.routes } : {}),
      ...(options.rpm ? { rpm: options.rpm } : {}),
      ...(options.tpm ? { tpm: options.tpm } : {}),
      ...(options.budget ? { budget: options.budget } : {}),
    };
    await this.store.save(record);
    return { secret, record };
  }

  /** A new secret; the current ones stay valid for `overlapMs` (0 = retire them now). */
  async rotate(id: string, overlapMs = defaultRotationOverlapMs): Promise<IssuedKey> {
    const record = await this.require(id);
    const now = this.now();
    const { secret, prefix, hash } = generateSecret();
    const live =
      overlapMs > 0
        ? record.secrets
            .filter((old) => old.expiresAt === undefined || old.expiresAt > now)
            .map((old) => ({
              ...old,
              expiresAt: Math.min(old.expiresAt ?? Number.POSITIVE_INFINITY, now + overlapMs),
            }))
        : [];
    const liveHashes = new Set(live.map((old) => old.hash));
    const removed = record.secrets
      .map((old) => old.hash)
      .filter((oldHash) => !liveHashes.has(oldHash));
    const updated: VirtualKeyRecord = {
      ...record,
      secrets: [{ hash, prefix, createdAt: now }, ...live],
    };
    await this.store.save(updated, removed);
    return { secret, record: updated };
  }

  /** Revokes at once: every secret of the key stops working on the next request. */
  async revoke(id: string): Promise<VirtualKeyRecord> {
    const record = await this.require(id);
    const updated: VirtualKeyRecord = { ...record, revokedAt: this.now() };
    await this.store.save(updated);
    return updated;
  }

  list(): Promise<VirtualKeyRecord[]> {
    return this.store.list();
  }

  /** The key a presented secret belongs to, or undefined when unknown, revoked or rotated out. */
  async verify(secret: string): Promise<VirtualKeyRecord | undefined> {
    const hash = hashSecret(secret);
    const record = await this.store.findByHash(hash);
    if (!record || record.revokedAt !== undefined) return undefined;
    const match = record.secrets.find((candidate) => candidate.hash === hash);
    if (!match || (match.expiresAt !== undefined && match.expiresAt <= this.now()))
      return undefined;
    return record;
  }

  private async require(id: string): Promise<VirtualKeyRecord> {
    const record = await this.store.get(id);
    if (!record) throw new Error(`No virtual key with id '${id}'.`);
    return record;
  }
}

/** Parses `50/month` (or `12.5/day`, `100/week`) into a budget. */
export function parseBudgetSpec(spec: string): BudgetConfig {
  const match = /^\s*\$?(\d+(?:\.\d+)?)\s*\/\s*(day|week|month)\s*$/.exec(spec);
  if (!match)
    throw new Error(`Budget '${spec}' must look like 50/month (USD per day, week or month).`);
  return { usd: Number(match[1]), period: match[2] as BudgetConfig['period'], alertAt: 0.8 };
}
