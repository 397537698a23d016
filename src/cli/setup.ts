/**
 * `tcpconform setup`: what the named targets need on this machine, and only that — Debian packages,
 * the native parts (when neither built nor prebuilt ones load), raw-socket's build, the built-in
 * adapters' builds. Each thing is checked first, so a second run does nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isRepository, packagePath } from '../package-root';
import { findExecutable, isExecutable } from '../targets/find-executable';
import { findNativePart, loads, type NativePart } from '../targets/native-parts';
import { adapterPath, BUILT_IN_ADAPTERS } from './drivers';

/** The targets that need something of the machine; the others (reference, adapter) need nothing. */
export const TARGETS_WITH_NEEDS = ['linux', 'raw', ...BUILT_IN_ADAPTERS] as const;

/** node-gyp's own needs, for building native parts from source. */
const BUILD_TOOLS = ['g++', 'make', 'python3'];

/** Debian packages each target needs beyond its build: iproute2 for namespaces, nftables for the raw target's rule. */
function debianPackagesOf(target: string): string[] {
  if (target === 'linux') return ['iproute2'];
  if (target === 'raw') return ['iproute2', 'nftables'];
  if ((BUILT_IN_ADAPTERS as readonly string[]).includes(target)) {
    return readFileSync(packagePath('adapters', target, 'packages'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  }
  return [];
}

const NATIVE_PARTS: Readonly<Record<string, readonly NativePart[]>> = {
  linux: ['tcpconform_tun.node', 'tcpconform-agent'],
  raw: ['tcpconform_netns.node'],
};

/** Whether `part` is there and usable: an addon that loads, an agent that may be executed. */
/** Whether a file under `dir` (but its `out/` folders) changed after `sinceMs`. */
function changedSince(dir: string, sinceMs: number): boolean {
  return readdirSync(dir, { withFileTypes: true }).some((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name !== 'out' && changedSince(path, sinceMs);
    return statSync(path).mtimeMs > sinceMs;
  });
}

/**
 * Whether `part` is there and usable: it loads (or runs), and in a clone of the repository it was built
 * after the last change to native/ and binding.gyp, so a pull that changed the agent rebuilds it.
 */
function ready(part: NativePart): boolean {
  const path = findNativePart(part);
  if (path === undefined) return false;
  if (isRepository()) {
    const built = statSync(path).mtimeMs;
    if (changedSince(packagePath('native'), built) || statSync(packagePath('binding.gyp')).mtimeMs > built) return false;
  }
  return part.endsWith('.node') ? loads(() => require(path)) : isExecutable(path);
}

/** Whether adapters/<name>/out/adapter is missing or older than anything of the adapter's own. */
function adapterStale(name: string): boolean {
  const out = adapterPath(name);
  return !existsSync(out) || changedSince(packagePath('adapters', name), statSync(out).mtimeMs);
}

function debianInstalled(name: string): boolean {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return query.status === 0 && query.stdout.includes('install ok installed');
}

export interface SetupPlan {
  /** Debian packages missing. */
  readonly debian: readonly string[];
  /** tcpconform's native parts must be built from source. */
  readonly native: boolean;
  /** raw-socket's addon must be built (npm skipped its install script). */
  readonly rawSocket: boolean;
  readonly adapters: readonly string[];
}

/** What is missing for `targets` (names from TARGETS_WITH_NEEDS) on this machine. */
export function planSetup(targets: readonly string[], extraDebian: readonly string[] = []): SetupPlan {
  const native = targets.some((target) => (NATIVE_PARTS[target] ?? []).some((part) => !ready(part)));
  const rawSocket = targets.includes('raw') && !loads(() => require('raw-socket'));
  const adapters = targets.filter((target) => (BUILT_IN_ADAPTERS as readonly string[]).includes(target) && adapterStale(target));
  const wanted = [...targets.flatMap(debianPackagesOf), ...extraDebian, ...(native || rawSocket ? BUILD_TOOLS : [])];
  return { debian: [...new Set(wanted)].filter((name) => !debianInstalled(name)), native, rawSocket, adapters };
}

/** Runs a command, its output shown; throws with one sentence when it fails. */
function run(what: string, command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; quiet?: boolean } = {}): void {
  const child = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', 'inherit'] });
  if (child.error) throw new Error(`${what} could not start: ${child.error.message}`);
  if (child.status !== 0) throw new Error(`${what} failed (${child.status === null ? `killed by ${child.signal}` : `exit code ${child.status}`})`);
}

function installDebian(packages: readonly string[]): void {
  if (findExecutable('apt-get') === undefined) throw new Error(`this machine has no apt-get: install ${packages.join(' ')} with its own package manager`);
  if (process.geteuid?.() !== 0) throw new Error(`installing Debian packages needs root: run this as root, or first: apt-get install -y ${packages.join(' ')}`);
  // tshark's package would otherwise ask whether non-root users may capture.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '-qq', '--no-install-recommends', ...packages];
  if (spawnSync('apt-get', install, { env, stdio: ['ignore', 'ignore', 'ignore'] }).status === 0) return;
  // A fresh machine has no package lists yet.
  run('apt-get update', 'apt-get', ['update', '-qq'], { env, quiet: true });
  run(`apt-get install ${packages.join(' ')}`, 'apt-get', install, { env, quiet: true });
}

/** Carries out `plan`, saying each step in a line. Throws with one sentence at the first that fails. */
export function carryOut(plan: SetupPlan, say: (line: string) => void): void {
  if (plan.debian.length > 0) {
    say(`setup: installing Debian packages: ${plan.debian.join(' ')}`);
    installDebian(plan.debian);
  }
  const builder = packagePath('scripts', 'install-native.js');
  if (plan.native) {
    say('setup: building the native parts from source (node-gyp)');
    run('building the native parts', process.execPath, [builder, '--from-source'], { quiet: true });
  }
  if (plan.rawSocket) {
    say('setup: building raw-socket (node-gyp)');
    run('building raw-socket', process.execPath, [builder, '--from-source', dirname(require.resolve('raw-socket/package.json'))], { quiet: true });
  }
  for (const name of plan.adapters) {
    say(`setup: building the ${name} adapter`);
    run(`adapters/${name}/build`, packagePath('adapters', name, 'build'), [], { quiet: true });
  }
}
