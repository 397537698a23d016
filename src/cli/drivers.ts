/** The targets the command line can run against, by name. */
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetDriver } from '../runner/run-suite';
import { checkLinuxHost, createLinuxTarget, reapStaleNamespaces } from '../targets/linux';
import { createProcessTarget } from '../targets/process';
import { createRawTarget, preflightRawTarget, rawConfig, rawProfileName, rawSettingsFromEnv } from '../targets/raw';
import type { RawSettings } from '../targets/raw';
import { createReferenceTarget } from '../targets/reference';
import { loadProfile, namedProfile } from './load-profiles';

const ROOT = join(__dirname, '..', '..');

/** Userspace stacks wrapped by an adapter in adapters/<name>/, built by adapters/<name>/build. */
const ADAPTERS = ['lwip', 'gvisor', 'ns3', 'slirp'] as const;

/** Where adapters/<name>/build leaves the adapter program. */
export function adapterPath(name: string): string {
  return join(ROOT, 'adapters', name, 'out', 'adapter');
}

function adapterDriver(name: string): TargetDriver {
  const command = adapterPath(name);
  return {
    name,
    profile: loadProfile(name),
    async preflight() {
      try {
        accessSync(command, constants.X_OK);
      } catch {
        const packages = readFileSync(join(ROOT, 'adapters', name, 'packages'), 'utf8').split('\n').filter((p) => p.trim() !== '' && !p.startsWith('#'));
        throw new Error(`The ${name} adapter is not built: run scripts/setup (or apt-get install ${packages.join(' ')} and adapters/${name}/build).`);
      }
    },
    create: () => createProcessTarget({ name, command: [command] }),
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
    create: createLinuxTarget,
  },
  ...Object.fromEntries(ADAPTERS.map((name) => [name, adapterDriver(name)])),
  // The reference machine itself: needs nothing from the machine it runs on.
  reference: { name: 'reference', profile: loadProfile('rfc9293'), preflight: async () => undefined, create: () => createReferenceTarget() },
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
    create: () => createRawTarget(rawConfig(settings)),
  };
}

/** What a driver is told beyond its name: today only the raw target's settings. */
export interface DriverSettings {
  /** The raw target's settings; by default those the environment holds (TCPCONFORM_RAW_*). */
  readonly raw?: RawSettings;
}

export function driverNames(): string[] {
  return [...Object.keys(DRIVERS), 'raw'];
}

/** The driver called `name`; the command line only passes names from driverNames(). */
export function findDriver(name: string, settings: DriverSettings = {}): TargetDriver {
  if (name === 'raw') return rawDriver(settings.raw ?? rawSettingsFromEnv());
  const driver = DRIVERS[name];
  if (!driver) throw new Error(`unknown target '${name}'; known targets: ${driverNames().join(', ')}`);
  return driver;
}
