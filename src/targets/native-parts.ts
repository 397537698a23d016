/**
 * The native parts some targets need (binding.gyp): the TUN addon and the application agent for the
 * linux target, the namespace addon for the raw target. Each is looked for where it can be:
 *
 * - build/Release/, built from source by node-gyp: in a clone of the repository (scripts/setup, or
 *   npm ci), or in an installed package where its install script or `tcpconform setup` built them;
 * - prebuilds/<platform>-<arch>/, built when the package was packed and shipped inside it (linux-x64),
 *   so that an `npm install` that skipped install scripts still has them.
 *
 * Targets that need none of them (reference, adapters) never come here.
 */
import { existsSync } from 'node:fs';
import { isRepository, packagePath } from '../package-root';

export type NativePart = 'tcpconform_tun.node' | 'tcpconform_netns.node' | 'tcpconform-agent';

/** Where the package's prebuilt parts for this machine are, if it ships any. */
const PREBUILDS_DIR = packagePath('prebuilds', `${process.platform}-${process.arch}`);
const BUILD_DIR = packagePath('build', 'Release');

/** The path of `part`, built from source or prebuilt; undefined when there is neither. */
export function findNativePart(part: NativePart): string | undefined {
  return [BUILD_DIR, PREBUILDS_DIR].map((dir) => `${dir}/${part}`).find((path) => existsSync(path));
}

/** The path of `part`; where it is missing, a path that does not exist (its loader then fails). */
export function nativePartPath(part: NativePart): string {
  return findNativePart(part) ?? `${BUILD_DIR}/${part}`;
}

/** The command that builds what `target` needs, as a user types it here. */
export function setupCommand(target: string): string {
  return `${isRepository() ? 'bin/tcpconform' : 'npx tcpconform'} setup ${target}`;
}

/** The one sentence a target says when a native part it needs is missing or does not load. */
export function missingNativeParts(target: string, what: string): string {
  return `The ${target} target's native parts (${what}) are not built for ${process.platform}-${process.arch}: run ${setupCommand(target)} (it builds them from source with node-gyp; needs a C compiler, make and python3).`;
}

/** Whether `load` (an addon's loader) succeeds: a prebuilt addon may not fit this machine's C library. */
export function loads(load: () => unknown): boolean {
  try {
    load();
    return true;
  } catch {
    return false;
  }
}
