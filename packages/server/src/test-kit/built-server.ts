// The real server, as users start it: the built CLI (`npm ci` builds it; prepare runs `tsc -b`).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = resolve(fileURLToPath(import.meta.url), '../../../../..');
const cairnBin = join(repositoryRoot, 'packages/cli/bin/cairn.js');
const cliBuild = join(repositoryRoot, 'packages/cli/dist/index.js');

/** Throws with what to do when the CLI has not been built. */
export function requireBuiltCli(): void {
  if (!existsSync(cliBuild))
    throw new Error('Build first (npx tsc -b): this test runs the built server.');
}

/** Starts `cairn server` on a free port over a SQLite file; resolves once it listens. */
export async function startBuiltServer(
  databasePath: string,
  artifactsDir: string,
): Promise<{ child: ChildProcess; address: string }> {
  const child = spawn(
    process.execPath,
    [
      cairnBin,
      'server',
      '--port',
      '0',
      '--backend-store-uri',
      `sqlite:///${databasePath}`,
      '--artifacts-destination',
      artifactsDir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const address = await new Promise<string>((resolveAddress, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolveAddress(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
  return { child, address };
}
