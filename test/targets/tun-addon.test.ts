/**
 * The TUN addon on its own, in a namespace this test creates and removes (needs root).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

import { namespacePath, nextNamespaceName } from '../../src/targets/linux/namespace';
import { loadTunAddon } from '../../src/targets/linux/native';
import { tunDevices } from './processes';

const addon = loadTunAddon();
const namespace = nextNamespaceName();
const ownNamespace = (): string => fs.readlinkSync('/proc/thread-self/ns/net');

beforeAll(() => execFileSync('ip', ['netns', 'add', namespace]));
afterAll(() => execFileSync('ip', ['netns', 'delete', namespace]));

test('the device is made inside the namespace and the thread comes home', () => {
  const home = ownNamespace();
  const handle = addon.open(namespacePath(namespace), 'addontest0');
  try {
    expect(ownNamespace()).toBe(home);
    expect(tunDevices(namespace)).toEqual(['addontest0']);
    expect(tunDevices()).not.toContain('addontest0');
  } finally {
    addon.close(handle);
  }
  expect(tunDevices(namespace)).toEqual([]);
});

test('a failure inside the namespace still brings the thread home, and names the syscall', () => {
  const home = ownNamespace();
  expect(() => addon.open(namespacePath(namespace), 'bad/name')).toThrow(
    expect.objectContaining({ message: 'ioctl TUNSETIFF bad/name: Invalid argument', code: 'EINVAL' }),
  );
  expect(ownNamespace()).toBe(home);
  expect(() => addon.open('/var/run/netns/tcpconform-no-such', 'x0')).toThrow(
    expect.objectContaining({ message: 'open /var/run/netns/tcpconform-no-such: No such file or directory', code: 'ENOENT' }),
  );
});

test('close is idempotent, and a closed handle refuses writes; foreign handles are refused', async () => {
  const handle = addon.open(namespacePath(namespace), 'addontest1');
  addon.startReading(handle, () => undefined);
  await addon.closeAsync(handle);
  expect(tunDevices(namespace)).toEqual([]);
  addon.close(handle);
  await addon.closeAsync(handle);
  expect(() => addon.write(handle, new Uint8Array(20))).toThrow('write tun: Bad file descriptor');
  expect(() => addon.close({} as never)).toThrow('expected a handle returned by open()');
});
