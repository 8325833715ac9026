import { serverCommand } from './commands/server-command.js';
import { runSingleCommand } from './single-command.js';

/** `cairn server …` without the other commands (~12 MB of the server's memory otherwise). */
export function serverMain(argv: string[]): Promise<void> {
  return runSingleCommand(argv, serverCommand);
}
