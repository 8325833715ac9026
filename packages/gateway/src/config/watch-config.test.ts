import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GatewayConfig } from './gateway-config.js';
import { watchGatewayConfig } from './watch-config.js';

const directory = mkdtempSync(join(tmpdir(), 'cairn-watch-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const route = (name: string) =>
  `routes:\n  - name: ${name}\n    route_type: llm/v1/chat\n    model: { provider: openai, name: gpt-4o }\n`;

describe('watchGatewayConfig', () => {
  it('reloads on file change and on SIGHUP, and keeps the old config when the new one is invalid', async () => {
    const path = join(directory, 'gateway.yaml');
    writeFileSync(path, route('first'));
    const loaded: string[] = [];
    const errors: string[] = [];
    const stop = watchGatewayConfig(
      path,
      {},
      (config: GatewayConfig) => loaded.push(config.routes[0]!.name),
      (error) => errors.push(error.message),
      { debounceMs: 20 },
    );
    try {
      writeFileSync(path, route('second'));
      await expect.poll(() => loaded.at(-1), { timeout: 2000 }).toBe('second');
      writeFileSync(path, 'routes: [');
      await expect.poll(() => errors.length, { timeout: 2000 }).toBeGreaterThan(0);
      expect(errors[0]).toContain('line');
      expect(loaded.at(-1)).toBe('second');
      writeFileSync(path, route('third'));
      await expect.poll(() => loaded.at(-1), { timeout: 2000 }).toBe('third');
      const count = loaded.length;
      process.emit('SIGHUP', 'SIGHUP');
      await expect.poll(() => loaded.length, { timeout: 2000 }).toBe(count + 1);
    } finally {
      stop();
    }
  });
});
