/** `tcpconform setup [targets...]`: install and build what the named targets need on this machine. */
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes';
import { driverNames } from '../drivers';
import { carryOut, planSetup, TARGETS_WITH_NEEDS } from '../setup';
import { complain, messageOf, say } from '../options';

/** Debian packages tcpconform's own tests read captures and drive a browser with (scripts/setup). */
const TEST_TOOLS = ['tshark', 'chromium'];

function setupCommand(targets: string[], options: { testTools: boolean }): void {
  const known = driverNames();
  const unknown = targets.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    complain(`tcpconform setup: '${unknown.join("', '")}' is not a target; known targets: ${known.join(', ')}`);
    process.exitCode = ExitCode.usage;
    return;
  }
  const chosen = targets.length > 0 ? targets : [...TARGETS_WITH_NEEDS];
  const needing = chosen.filter((name) => (TARGETS_WITH_NEEDS as readonly string[]).includes(name));
  try {
    const plan = planSetup(needing, options.testTools ? TEST_TOOLS : []);
    carryOut(plan, say);
  } catch (error) {
    complain(`tcpconform setup: ${messageOf(error)}`);
    process.exitCode = ExitCode.environment;
    return;
  }
  say(`setup: ready: ${chosen.join(', ')}`);
}

export function addSetupCommand(program: Command): void {
  program
    .command('setup')
    .description('Install and build what the named targets need on this machine, and nothing else (default: every target).')
    .argument('[targets...]', `targets to prepare: ${TARGETS_WITH_NEEDS.join(', ')} (reference and adapter need nothing)`)
    .option('--test-tools', "also tshark and chromium, which tcpconform's own tests use (scripts/setup adds this)", false)
    .addHelpText('after', `
What each target needs, each installed or built only when missing, so a second run does nothing:
  linux    iproute2; the TUN addon and the application agent (prebuilt in the package for linux-x64,
           else built from source with node-gyp, which needs g++, make and python3)
  raw      iproute2 and nftables; the namespace addon; raw-socket's addon, built where npm skipped it
  lwip, gvisor, ns3, slirp
           the stack's Debian packages (adapters/<stack>/packages), then adapters/<stack>/build
Debian packages are installed with apt-get, which needs root; otherwise the command to run is printed.
Exit code 0 when everything is ready, 2 on a usage error, 3 when something could not be installed.

Examples:
  tcpconform setup linux
  tcpconform setup lwip gvisor
  tcpconform setup                 every target (what this repository's CI prepares)`)
    .action(setupCommand);
}
