import { cairnVersion } from '@cairn/server';
import { Command } from 'commander';
import { serverCommand } from './commands/server-command.js';
import { followLauncher } from './server-launcher.js';

/**
 * `cairn server …` without loading the other commands: the client SDK, the gateway, evaluation
 * and their dependencies would otherwise stay in the server's memory (~12 MB) unused. Parses and
 * fails exactly as `main` does; the `server` command is the same object.
 */
export async function serverMain(argv: string[]): Promise<void> {
  followLauncher();
  const program = new Command('cairn').version(cairnVersion);
  serverCommand(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    console.error(`cairn: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
