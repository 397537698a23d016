/**
 * The raw target leaves nothing behind, however it ends: close, a failed set-up, a signal, a kill (then
 * the reaper). What it makes lives in the harness's namespace — the link's far end, the RST rule — and
 * goes with it; the host's own networking is never touched.
 */
import { execFileSync, spawnSync } from 'node:child_process';

import { reapStaleNamespaces } from '../../src/targets/linux';
import { createRawTarget } from '../../src/targets/raw';
import type { RawConfig } from '../../src/targets/raw';
import { peerSegment } from './peer';
import { killTargetChildren, namespacesOnHost, startTargetChild } from './processes';
import { startTargetHost } from './raw-host';
import type { TargetHost } from './raw-host';

let host: TargetHost;

beforeAll(async () => {
  host = await startTargetHost();
});

afterEach(killTargetChildren);

afterAll(() => host.stop());

/** The host's own interfaces, addresses, routes and firewall, which the raw target must never touch. */
const hostNetwork = (): string =>
  [['ip', '-o', 'link', 'show'], ['ip', '-o', 'addr', 'show'], ['ip', 'route', 'show'], ['nft', 'list', 'ruleset']]
    .map(([command, ...args]) => spawnSync(command!, args, { encoding: 'utf8' }).stdout)
    .join('\n');

/** Namespaces of `pid`'s (the test's own when absent) that are not the target host's. */
function harnessNamespaces(pid = process.pid): string[] {
  return namespacesOnHost().filter((name) => name.startsWith(`tcpconform-${pid}-`) && name !== host.namespace);
}

test('close removes the namespace, the link\'s far end and the rule with it; the host is untouched', async () => {
  const before = hostNetwork();
  const target = await createRawTarget(host.config('agent'));
  expect(harnessNamespaces()).toEqual([target.namespace]);
  expect(host.farEnds()).toHaveLength(1);
  expect(execFileSync('ip', ['netns', 'exec', target.namespace, 'nft', 'list', 'tables'], { encoding: 'utf8' }).trim()).toBe('table ip tcpconform_raw');
  await target.close();
  expect(harnessNamespaces()).toEqual([]);
  expect(host.farEnds()).toEqual([]);
  expect(hostNetwork()).toBe(before);
  await target.close();
  expect(() => target.send(peerSegment(target, { flags: 'S', srcPort: 1, dstPort: 2 }))).toThrow('closed');
  expect(await target.receive(10)).toBeUndefined();
});

test.each<[string, (config: RawConfig) => RawConfig, RegExp]>([
  ['a bridge that is not there', (config) => ({ ...config, link: { ...config.link, bridge: 'nobridge' } }), /cannot make its link through namespace tcpconform-\d+-\d+ and bridge nobridge there/],
  ['no agent listening', (config) => ({ ...config, application: { mode: 'agent', agent: { host: '198.18.1.2', port: 7001 } } }), /cannot reach tcpconform-agent at 198\.18\.1\.2:7001 \(connect 198\.18\.1\.2:7001 from .*: Connection refused\): is it running there with --listen 198\.18\.1\.2:7001\?/],
  ['no nft', (config) => ({ ...config, nft: '/nonexistent/nft' }), /cannot install the nftables rule[^]*add this rule to the harness's namespace by hand \(nft -f FILE\):\ntable ip tcpconform_raw \{[^]*meta mark != 0x74637266 counter drop/],
])('a set-up that fails (%s) says why and leaves nothing', async (_, change, message) => {
  await expect(createRawTarget(change(host.config('agent')))).rejects.toThrow(message);
  expect(harnessNamespaces()).toEqual([]);
  expect(host.farEnds()).toEqual([]);
});

test.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('a process ended by %s half-way through its work leaves no namespace and no link', async (signal, exitCode) => {
  const child = await startTargetChild('churn', host.config('agent'));
  // The child makes and closes targets without pause: signal it the moment one of its namespaces is
  // seen, in the middle of its work (on a loaded machine a set-up can take longer than any fixed wait).
  const busy = (): boolean => harnessNamespaces(child.process.pid).length > 0;
  for (let waited = 0; !busy() && waited < 10_000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
  // 1 of 20 loaded runs saw none in 10 s, twice, the child still running: say what it was waiting on.
  if (!busy()) {
    const waitingOn = spawnSync('pgrep', ['-a', '-P', String(child.process.pid)], { encoding: 'utf8' }).stdout.trim() || '(no child process)';
    const stack = spawnSync('cat', [`/proc/${child.process.pid}/wchan`], { encoding: 'utf8' }).stdout.trim();
    throw new Error(`no namespace of the churning child appeared in 10 s; its exit code: ${child.process.exitCode}; its stderr: ${child.stderr() || '(empty)'}; its own children: ${waitingOn}; its kernel wait: ${stack || '(none)'}; host namespaces: ${namespacesOnHost().join(' ')}`);
  }
  child.process.kill(signal);
  expect(await child.exited).toEqual({ code: exitCode, signal: null });
  expect(harnessNamespaces(child.process.pid)).toEqual([]);
  expect(host.farEnds()).toEqual([]);
});

test('the reaper removes a killed run\'s namespace, and its link goes with it', async () => {
  const child = await startTargetChild('hold', host.config('agent'));
  child.process.kill('SIGKILL');
  await child.exited;
  expect(namespacesOnHost()).toContain(child.namespace);
  expect(host.farEnds()).toHaveLength(1);
  expect(reapStaleNamespaces()).toContain(child.namespace);
  expect(namespacesOnHost()).not.toContain(child.namespace);
  // The kernel dismantles a deleted namespace, and the link in it, in the background.
  for (let waited = 0; host.farEnds().length > 0 && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(host.farEnds()).toEqual([]);
});
