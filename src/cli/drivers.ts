/**
 * The targets the command line can run against: those built in, by name, a stack on another host
 * (`raw`), and any adapter of the user's (`adapter`).
 */
import { accessSync, constants } from 'node:fs';
import type { TargetDriver } from '../runner/run-suite';
import { checkLinuxHost, createLinuxTarget, reapStaleNamespaces } from '../targets/linux';
import { setupCommand } from '../targets/native-parts';
import { createProcessTarget } from '../targets/process';
import { createRawTarget, preflightRawTarget, rawConfig, rawProfileName, rawSettingsFromEnv } from '../targets/raw';
import type { RawSettings } from '../targets/raw';
import { createReferenceTarget } from '../targets/reference';
import { packagePath } from '../package-root';
import { wireFamily, type RunFamily } from '../targets/family';
import { profileIn } from '../runner/families';
import { RFC9293_PROFILE } from '../reference';
import { loadProfile, namedProfile, rfcProfile } from './load-profiles';

/** Userspace stacks wrapped by an adapter in adapters/<name>/, built by adapters/<name>/build. */
export const BUILT_IN_ADAPTERS = ['lwip', 'gvisor', 'ns3', 'slirp'] as const;

/** Where adapters/<name>/build leaves the adapter program. */
export function adapterPath(name: string): string {
  return packagePath('adapters', name, 'out', 'adapter');
}

function builtInAdapterDriver(name: string): TargetDriver {
  const command = adapterPath(name);
  return {
    name,
    profile: loadProfile(name),
    async preflight() {
      try {
        accessSync(command, constants.X_OK);
      } catch {
        throw new Error(`The ${name} adapter is not built: run ${setupCommand(name)} (it installs the stack's Debian packages and builds the adapter).`);
      }
    },
    create: (family) => createProcessTarget({ name, command: [command], family }),
  };
}

const DRIVERS: Readonly<Record<string, TargetDriver>> = {
  linux: {
    name: 'linux',
    profile: loadProfile('linux'),
    async preflight() {
      checkLinuxHost();
      reapStaleNamespaces();
    },
    create: (family) => createLinuxTarget(family),
  },
  ...Object.fromEntries(BUILT_IN_ADAPTERS.map((name) => [name, builtInAdapterDriver(name)])),
  // The reference machine itself: needs nothing from the machine it runs on.
  reference: { name: 'reference', profile: loadProfile('rfc9293'), preflight: async () => undefined, create: async (family) => createReferenceTarget(profileIn(RFC9293_PROFILE, family), wireFamily(family)) },
};

/**
 * A stack on another host, reached over IP (src/targets/raw/README.md): where it is comes from the
 * user, so this driver is made for the settings given. Its preflight also probes the target, so an
 * unreachable one fails the run once, not every case.
 */
function rawDriver(settings: RawSettings): TargetDriver {
  return {
    name: 'raw',
    profile: namedProfile(rawProfileName(settings)),
    preflight: async () => {
      await preflightRawTarget(rawConfig(settings));
    },
    create: (family, testCase) => createRawTarget(rawConfig(settings), family, testCase),
  };
}

/** A user's adapter: the command that starts it, and the profile of the stack it wraps. */
export interface AdapterSettings {
  /** `--adapter 'COMMAND ARGS'`: run by /bin/sh, so quoting, variables and relative paths work as typed. */
  readonly command?: string;
  /** `--profile`: a profile file of the user's (`./my-stack.yaml`) or one of tcpconform's names; RFC 9293's own without. */
  readonly profile?: string;
}

/** The prefix of `--target adapter:COMMAND`, the short form of `--target adapter --adapter COMMAND`. */
const ADAPTER_PREFIX = 'adapter:';

/**
 * Any stack behind an adapter speaking docs/adapter-protocol.md. The target is called after its
 * profile (`name:` in the file), or `adapter` without one. Its preflight starts the adapter once, so
 * a command that does not start or an adapter whose hello is refused fails the run at once, in one
 * sentence, instead of every case.
 */
function userAdapterDriver(command: string, profileGiven: string | undefined): TargetDriver {
  const profile = profileGiven === undefined ? rfcProfile() : namedProfile(profileGiven);
  const name = profileGiven === undefined ? 'adapter' : profile.name;
  const create = (family: RunFamily = 'ipv4') => createProcessTarget({ name, command: ['/bin/sh', '-c', command], family });
  return {
    name,
    profile,
    async preflight() {
      await (await create()).close();
    },
    create,
  };
}

/** What a driver is told beyond its name: the raw target's settings, the user's adapter. */
export interface DriverSettings {
  /** The raw target's settings; by default those the environment holds (TCPCONFORM_RAW_*). */
  readonly raw?: RawSettings;
  readonly adapter?: AdapterSettings;
}

/** The names `--target` takes as they are; `adapter:COMMAND` is also taken. */
export function driverNames(): string[] {
  return [...Object.keys(DRIVERS), 'raw', 'adapter'];
}

export function isTargetName(value: string): boolean {
  return driverNames().includes(value) || (value.startsWith(ADAPTER_PREFIX) && value.length > ADAPTER_PREFIX.length);
}

/** Whether `name` (as `--target` takes it) is a user's adapter. */
export function isUserAdapter(name: string): boolean {
  return name === 'adapter' || name.startsWith(ADAPTER_PREFIX);
}

/**
 * The driver `name` stands for (as `--target` takes it). Throws, in one sentence, for an unknown
 * name, an adapter target without its command, or a profile that does not load.
 */
export function findDriver(name: string, settings: DriverSettings = {}): TargetDriver {
  if (name === 'raw') return rawDriver(settings.raw ?? rawSettingsFromEnv());
  if (isUserAdapter(name)) {
    const short = name.startsWith(ADAPTER_PREFIX) ? name.slice(ADAPTER_PREFIX.length) : undefined;
    const command = short ?? settings.adapter?.command;
    if (command === undefined || command.trim() === '') {
      throw new Error("--target adapter needs the command that starts the adapter: --adapter 'COMMAND ARGS' (or --target adapter:COMMAND)");
    }
    if (short !== undefined && settings.adapter?.command !== undefined) {
      throw new Error(`the adapter's command is given twice, by --target ${name} and by --adapter: give it once`);
    }
    return userAdapterDriver(command, settings.adapter?.profile);
  }
  const driver = DRIVERS[name];
  if (!driver) throw new Error(`unknown target '${name}'; known targets: ${driverNames().join(', ')}, or adapter:COMMAND`);
  return driver;
}

/**
 * The drivers for the targets a command names, each once. A run compares targets by name, so two
 * that would share one (two adapters without profiles, say) are refused; so is a `--profile` or an
 * `--adapter` with no adapter target to take it.
 */
export function findDrivers(names: readonly string[], settings: DriverSettings = {}): TargetDriver[] {
  const userAdapters = names.filter(isUserAdapter);
  if (userAdapters.length === 0 && settings.adapter?.command !== undefined) {
    throw new Error('--adapter names the command of an adapter target: add --target adapter');
  }
  if (userAdapters.length === 0 && settings.adapter?.profile !== undefined) {
    throw new Error('--profile is the profile of an adapter target (--target adapter): the built-in targets have their own');
  }
  const drivers = [...new Set(names)].map((name) => findDriver(name, settings));
  const seen = new Set<string>();
  for (const driver of drivers) {
    if (seen.has(driver.name)) {
      throw new Error(`two targets would both be called '${driver.name}' in the report: run one adapter of your own at a time (tcpconform merge joins the results of several runs), or give it a profile with a name of its own`);
    }
    seen.add(driver.name);
  }
  return drivers;
}
