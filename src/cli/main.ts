/**
 * The `tcpconform` command line. Each command lives in commands/: it parses its options, loads cases
 * and hands over to the runner and the report; exit codes are in exit-codes.ts and the README.
 */
import { Command } from 'commander';
import { ExitCode } from './exit-codes';
import { addAdapterCheckCommand } from './commands/adapter-check';
import { addMutateCommand } from './commands/mutate';
import { addCheckCommand } from './commands/check';
import { addExploreCommand } from './commands/explore';
import { addResultsCommands } from './commands/results';
import { addRunCommand } from './commands/run';
import { addSetupCommand } from './commands/setup';
import { addSuiteCommands } from './commands/suite';
import { addTargetsCommand } from './commands/targets';

export function buildProgram(): Command {
  const program = new Command('tcpconform')
    .description('Drives a TCP implementation through RFC 9293 conformance cases and reports what it got wrong, where and why.')
    .showHelpAfterError()
    .exitOverride((error) => process.exit(error.exitCode === 0 ? ExitCode.ok : ExitCode.usage));
  addRunCommand(program);
  addSuiteCommands(program);
  addTargetsCommand(program);
  addResultsCommands(program);
  addCheckCommand(program);
  addExploreCommand(program);
  addAdapterCheckCommand(program);
  addSetupCommand(program);
  addMutateCommand(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  // `tcpconform list | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.ok);
    throw error;
  });
  await buildProgram().parseAsync([...argv]);
}
