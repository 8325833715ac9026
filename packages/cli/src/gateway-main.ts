import { gatewayCommand } from './commands/gateway-command.js';
import { runSingleCommand } from './single-command.js';

/** A serving `cairn gateway …` without the other commands, the server's among them. */
export function gatewayMain(argv: string[]): Promise<void> {
  return runSingleCommand(argv, gatewayCommand);
}
