/**
 * Where tcpconform's own files are: profiles/, suites/, adapters/, build/Release/, prebuilds/, bin/.
 *
 * The same modules run from src/ (a clone of the repository, compiled in memory by esbuild-register)
 * and from dist/ (the installed package, compiled by `npm run build`). Rather than count folders up
 * from each module, every module asks here, and the root is the nearest folder above this file whose
 * package.json names tcpconform — true of both layouts, whatever folder holds them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'tcpconform') return dir;
    if (dirname(dir) === dir) throw new Error(`tcpconform cannot find its own package.json above ${start}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(__dirname);

/** A path inside tcpconform's own files: `packagePath('profiles', 'linux.yaml')`. */
export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}

/**
 * Whether this is a clone of the repository (TypeScript sources beside the code) rather than the
 * installed package, which ships only compiled JavaScript. bin/tcpconform and
 * scripts/install-native.js make the same test.
 */
export function isRepository(): boolean {
  return existsSync(packagePath('src', 'cli', 'main.ts'));
}
