import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, loadServerConfig } from '@cairn/server';
import type { Command } from 'commander';
import { vi } from 'vitest';
import { buildProgram } from '../main.js';

/** What a CLI invocation printed, and whether it failed. */
export interface CliResult {
  stdout: string;
  stderr: string;
  /** 0 on success; 1 when the command failed (its one-line message is in `stderr`). */
  exitCode: number;
}

/**
 * Runs `cairn <args>` in this process, as `main` would, capturing what it writes. Commander's
 * own exits (bad flags, --help) are turned into results instead of ending the test process.
 */
export async function runCli(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const program = buildProgram();
  forEachCommand(program, (command) => {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => {
        stdout += text;
      },
      writeErr: (text) => {
        stderr += text;
      },
    });
  });
  const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'cairn', ...args]);
    return { stdout, stderr, exitCode: 0 };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') {
      return { stdout, stderr, exitCode: 0 };
    }
    // Commander already printed its own message; other errors print as main() prints them.
    if (!code?.startsWith('commander.')) {
      stderr += `cairn: ${error instanceof Error ? error.message : String(error)}\n`;
    }
    return { stdout, stderr, exitCode: 1 };
  } finally {
    outSpy.mockRestore();
  }
}

function forEachCommand(command: Command, visit: (command: Command) => void): void {
  visit(command);
  for (const child of command.commands) forEachCommand(child, visit);
}

/** An in-process tracking server on a free loopback port over temp SQLite and artifacts. */
export async function startTestServer(): Promise<{ trackingUri: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-cli-test-'));
  const app = await createApp(
    loadServerConfig({
      port: 0,
      backendStoreUri: `sqlite:///${join(dir, 'c.db')}`,
      artifactsDestination: join(dir, 'a'),
    }),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    trackingUri: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
