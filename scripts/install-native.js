#!/usr/bin/env node
'use strict';
/*
 * Builds tcpconform's native parts (binding.gyp: the TUN and namespace addons, the application agent)
 * with node-gyp. npm runs it as tcpconform's install script:
 *
 * - in a clone of the repository (`npm ci`), it always builds from source, and a failure fails npm ci;
 * - in an installed package, prebuilt parts for linux-x64 came inside it (prebuilds/), so it builds
 *   only elsewhere, and never fails the install over it: the reference and adapter targets need
 *   nothing native, and the linux and raw targets say what to run when a part is missing.
 *
 * `tcpconform setup linux` runs it as `install-native.js --from-source [DIR]`: build now, in DIR (a
 * package with a binding.gyp, such as raw-socket; tcpconform's own folder by default), and fail loudly.
 * Plain CommonJS with no dependencies: it runs before anything else is there, and is never compiled.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, realpathSync } = require('node:fs');
const { delimiter, dirname, join } = require('node:path');

const ROOT = join(__dirname, '..');
const PARTS = ['tcpconform_tun.node', 'tcpconform_netns.node', 'tcpconform-agent'];

/** node-gyp: npm's own, which npm names to its scripts, or the one beside the npm on the PATH. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    const npm = join(dir, 'npm');
    if (!existsSync(npm)) continue;
    const bundled = join(dirname(realpathSync(npm)), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(bundled)) return bundled;
  }
  return undefined;
}

/** Node's headers where this node was installed, so node-gyp never tries to download them. */
function nodedirOptions() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

/** Runs `node-gyp rebuild` in `dir`; returns a sentence saying what went wrong, or undefined. */
function build(dir) {
  const gyp = nodeGyp();
  if (gyp === undefined) return 'node-gyp was not found (it comes with npm)';
  const run = spawnSync(process.execPath, [gyp, 'rebuild', '--loglevel=warn', ...nodedirOptions()], { cwd: dir, stdio: 'inherit' });
  if (run.error) return run.error.message;
  return run.status === 0 ? undefined : `node-gyp rebuild exited with ${run.status ?? run.signal}`;
}

const args = process.argv.slice(2);
if (args[0] === '--from-source') {
  const problem = build(args[1] || ROOT);
  if (problem !== undefined) {
    console.error(`tcpconform: building the native parts failed: ${problem}; they need a C compiler, make and python3 (apt-get install g++ make python3).`);
    process.exit(1);
  }
} else {
  const repository = existsSync(join(ROOT, 'src', 'cli', 'main.ts'));
  const prebuilt = join(ROOT, 'prebuilds', `${process.platform}-${process.arch}`);
  if (repository || !PARTS.every((part) => existsSync(join(prebuilt, part)))) {
    const problem = build(ROOT);
    if (problem !== undefined) {
      if (repository) process.exit(1);
      console.warn(`tcpconform: its native parts could not be built here (${problem}); the reference and adapter targets do not need them, and the linux and raw targets will say what to run.`);
    }
  }
}
