/** `tcpconform targets`: whether this machine can host each target, and what each can do. */
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes';
import { driverNames, findDriver } from '../drivers';
import { rawSettingsOf, withRawOptions } from '../raw-options';
import { probeLine, probeTarget, type TargetProbe } from '../probe-targets';
import { complain, messageOf, say } from '../options';

async function targetsCommand(names: string[], options: { json: boolean }): Promise<void> {
  const unknown = names.filter((name) => !driverNames().includes(name));
  if (unknown.length > 0) {
    complain(`tcpconform: '${unknown.join("', '")}' is not a target; known targets: ${driverNames().join(', ')}`);
    process.exitCode = ExitCode.usage;
    return;
  }
  const chosen = names.length > 0 ? names : driverNames();
  const width = Math.max(...chosen.map((name) => name.length));
  for (const name of chosen) {
    let probe: TargetProbe;
    try {
      probe = await probeTarget(findDriver(name, { raw: rawSettingsOf(options) }));
    } catch (error) {
      probe = { name, ok: false, problem: messageOf(error) };
    }
    say(options.json ? JSON.stringify(probe) : probeLine(probe, width));
    // Only a target asked for by name makes the exit code: listing them all is a survey.
    if (!probe.ok && names.length > 0) process.exitCode = ExitCode.environment;
  }
}

export function addTargetsCommand(program: Command): void {
  withRawOptions(
    program
      .command('targets')
      .description('Whether this machine can host each target, and which application calls each can make.')
      .argument('[names...]', 'targets to ask about (default: all)')
      .option('--json', 'one JSON object per target', false),
  )
    .addHelpText('after', `
Each target is set up once (its checks, then one fresh target, closed at once) and asked what it can
do. Cases needing a call a target cannot make are skipped on it with the reason. Exit code 3 when a
target named on the command line cannot run here.

Examples:
  tcpconform targets
  tcpconform targets linux --json
  tcpconform targets raw --raw-target 198.18.1.2 --raw-link veth:lab:br0 --raw-agent 198.18.1.2:7000`)
    .action(targetsCommand);
}
