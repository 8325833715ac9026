import { cairnVersion } from '@cairn/server';
import { Command } from 'commander';
import { artifactsCommand } from './commands/artifacts-command.js';
import { datasetsCommand } from './commands/datasets-command.js';
import { dbCommand } from './commands/db-command.js';
import { evalCommand } from './commands/eval-command.js';
import { experimentsCommand } from './commands/experiments-command.js';
import { gatewayCommand } from './commands/gateway-command.js';
import { modelsCommand } from './commands/models-command.js';
import { promptsCommand } from './commands/prompts-command.js';
import { runsCommand } from './commands/runs-command.js';
import { serverCommand } from './commands/server-command.js';
import { tracesCommand } from './commands/traces-command.js';

/** Builds the `cairn` command tree. */
export function buildProgram(): Command {
  const program = new Command('cairn')
    .description('Cairn: track, evaluate, trace, route and govern LLM applications.')
    .version(cairnVersion);
  serverCommand(program);
  dbCommand(program);
  experimentsCommand(program);
  runsCommand(program);
  artifactsCommand(program);
  tracesCommand(program);
  modelsCommand(program);
  promptsCommand(program);
  gatewayCommand(program);
  evalCommand(program);
  datasetsCommand(program);
  return program;
}

/** Runs the CLI; errors print as one clear line and exit 1. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    console.error(`cairn: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
