import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, loadServerConfig } from '@cairn/server';

/** A real Cairn server on a free loopback port, over a fresh SQLite file and artifact folder. */
export interface LiveServer {
  url: string;
  dir: string;
  close(): Promise<void>;
}

/** Starts a live server in-process; `close()` stops it and removes its data. */
export async function startLiveServer(): Promise<LiveServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-sdk-it-'));
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
    dir,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
