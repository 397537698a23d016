/** The targets the command line can run against, by name. */
import type { TargetDriver } from '../runner/run-suite';
import { checkLinuxHost, createLinuxTarget, reapStaleNamespaces } from '../targets/linux';

const DRIVERS: Readonly<Record<string, TargetDriver>> = {
  linux: {
    name: 'linux',
    async preflight() {
      checkLinuxHost();
      reapStaleNamespaces();
    },
    create: createLinuxTarget,
  },
};

export function driverNames(): string[] {
  return Object.keys(DRIVERS);
}

/** The driver called `name`; the command line only passes names from driverNames(). */
export function findDriver(name: string): TargetDriver {
  const driver = DRIVERS[name];
  if (!driver) throw new Error(`unknown target '${name}'; known targets: ${driverNames().join(', ')}`);
  return driver;
}
