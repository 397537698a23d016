/** `tcpconform targets`: whether this machine can host each target, and what each can do. */
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes';
import { driverNames, findDriver, isTargetName } from '../drivers';
import { rawSettingsOf, withRawOptions } from '../raw-options';
import { adapterSettingsOf, withAdapterOptions } from '../adapter-options';
import { probeLine, probeTarget, type TargetProbe } from '../probe-targets';
import { complain, messageOf, say } from '../options';

interface TargetsOptions {
  json: boolean;
  adapter?: string;
  profile?: string;
}

async function targetsCommand(names: string[], options: TargetsOptions): Promise<void> {
  const unknown = names.filter((name) => !isTargetName(name));
  if (unknown.length > 0) {
    complain(`tcpconform: '${unknown.join("', '")}' is not a target; known targets: ${driverNames().join(', ')}, or adapter:COMMAND`);
    process.exitCode = ExitCode.usage;
    return;
  }
  // The survey covers the user's adapter only when its command is given.
  const chosen = names.length > 0 ? names : driverNames().filter((name) => name !== 'adapter' || options.adapter !== undefined);
  const settings = { raw: rawSettingsOf(options), adapter: adapterSettingsOf(options) };
  // A driver, or why there is none (an adapter's profile that does not load, say), named as reports name it.
  const found = chosen.map((name) => {
    try {
      return { name, driver: findDriver(name, settings) };
    } catch (error) {
      return { name, problem: messageOf(error) };
    }
  });
  const width = Math.max(...found.map((f) => (f.driver?.name ?? f.name).length));
  for (const { name, driver, problem } of found) {
    const probe: TargetProbe = driver ? await probeTarget(driver) : { name, ok: false, problem: problem ?? '' };
    say(options.json ? JSON.stringify(probe) : probeLine(probe, width));
    // Only a target asked for by name makes the exit code: listing them all is a survey.
    if (!probe.ok && names.length > 0) process.exitCode = ExitCode.environment;
  }
}

export function addTargetsCommand(program: Command): void {
  withRawOptions(
    withAdapterOptions(
      program
        .command('targets')
        .description('Whether this machine can host each target, and which application calls each can make.')
        .argument('[names...]', 'targets to ask about (default: all)')
        .option('--json', 'one JSON object per target', false),
    ),
  )
    .addHelpText('after', `
Each target is set up once (its checks, then one fresh target, closed at once) and asked what it can
do: its clock, its address families, its application calls, and, behind an adapter, the stack its
hello names. Cases needing a call a target cannot make are skipped on it with the reason. Exit code 3
when a target named on the command line cannot run here.

Examples:
  tcpconform targets
  tcpconform targets linux --json
  tcpconform targets adapter --adapter ./my-adapter --profile ./my-stack.yaml
  tcpconform targets raw --raw-target 198.18.1.2 --raw-link veth:lab:br0 --raw-agent 198.18.1.2:7000`)
    .action(targetsCommand);
}
