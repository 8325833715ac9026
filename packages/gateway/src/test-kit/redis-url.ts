// The local Redis the tests use, and a fresh key prefix per test so runs never see each other's keys.
import { randomBytes } from 'node:crypto';

/** CAIRN_TEST_REDIS_URL, else the local default. */
export const testRedisUrl = process.env.CAIRN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test uses. */
export function uniquePrefix(name: string): string {
  return `cairn-test:${name}:${randomBytes(6).toString('hex')}:`;
}
