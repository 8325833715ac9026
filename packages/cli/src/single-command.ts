import { cairnVersion } from '@cairn/server/version';
import { Command } from 'commander';
import { followLauncher } from './server-launcher.js';

/**
 * Runs `cairn <command> …` with only that command loaded, for a serving process: the other
 * commands and their packages (the client SDK, evaluation, the server or the gateway) would
 * otherwise stay in its memory unused. Parses and fails exactly as `main` does; the command is
 * the same object.
 */
export async function runSingleCommand(
  argv: string[],
  register: (program: Command) => void,
): Promise<void> {
  followLauncher();
  const program = new Command('cairn').version(cairnVersion);
  register(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    console.error(`cairn: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
