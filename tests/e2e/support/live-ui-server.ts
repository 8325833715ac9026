import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, loadServerConfig } from '@cairn/server';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A live Cairn server serving the built UI, over a fresh SQLite file and artifact folder. */
export interface LiveUiServer {
  url: string;
  close(): Promise<void>;
}

/** Builds the UI if it has not been built yet (CI builds it in `npm ci`'s prepare step). */
export function ensureUiBuilt(): void {
  if (existsSync(join(repoRoot, 'apps/web/dist/index.html'))) return;
  execFileSync('npm', ['run', 'build', '-w', '@cairn/web'], { cwd: repoRoot, stdio: 'inherit' });
}

/** Starts the server in-process on a free loopback port. */
export async function startLiveUiServer(): Promise<LiveUiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-e2e-'));
  const app = await createApp(
    loadServerConfig(
      {
        port: 0,
        backendStoreUri: `sqlite:///${join(dir, 'c.db')}`,
        artifactsDestination: join(dir, 'artifacts'),
        logLevel: 'error',
      },
      {},
      dir,
    ),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
