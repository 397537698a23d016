/**
 * tcpconform-agent --listen, the raw target's agent on a host of its own: one session per control
 * connection, each starting fresh and leaving nothing of its own behind. The agent runs in a namespace
 * made for the test, at 198.18.9.1 on its loopback; the test reaches it from inside that namespace.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';

import { addNamespaceSync, deleteNamespaceSync, namespacePath, nextNamespaceName } from '../../src/targets/linux/namespace';
import { agentPath } from '../../src/targets/linux/native';
import { loadNetnsAddon } from '../../src/targets/raw/native';

const HOST = '198.18.9.1';
const PORT = 7000;
const addon = loadNetnsAddon();
const namespace = nextNamespaceName();
let agent: ChildProcess;

beforeAll(async () => {
  addNamespaceSync('ip', namespace);
  execFileSync('ip', ['-netns', namespace, 'link', 'set', 'dev', 'lo', 'up']);
  execFileSync('ip', ['-netns', namespace, 'address', 'add', `${HOST}/32`, 'dev', 'lo']);
  agent = spawn('ip', ['netns', 'exec', namespace, agentPath, '--listen', `${HOST}:${PORT}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve) => createInterface({ input: agent.stderr! }).on('line', (line) => line.includes('listening on') && resolve()));
});

afterAll(() => {
  agent.kill('SIGKILL');
  deleteNamespaceSync('ip', namespace);
});

/** A TCP connection made from inside the namespace. */
async function connect(port: number): Promise<net.Socket> {
  return new net.Socket({ fd: await addon.connectIn(namespacePath(namespace), HOST, port, 2000), readable: true, writable: true });
}

interface Session {
  call(request: Record<string, unknown>): Promise<Record<string, unknown>>;
  readonly lines: Record<string, unknown>[];
  readonly closed: Promise<void>;
  end(): void;
}

async function session(): Promise<Session> {
  const socket = await connect(PORT);
  const lines: Record<string, unknown>[] = [];
  const waiting: ((line: Record<string, unknown>) => void)[] = [];
  let id = 0;
  createInterface({ input: socket }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    if (line.type === 'result') waiting.shift()?.(line);
    else lines.push(line);
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  return {
    call: (request) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        socket.write(`${JSON.stringify({ type: 'call', id: ++id, ...request })}\n`);
      }),
    lines,
    closed,
    end: () => socket.end(),
  };
}

const settle = (ms = 100): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('it listens only in 198.18.0.0/15, and says so', () => {
  const outside = spawnSync(agentPath, ['--listen', '127.0.0.1:7000'], { encoding: 'utf8' });
  expect([outside.status, outside.stderr.trim()]).toEqual([2, 'tcpconform-agent: 127.0.0.1:7000 is outside 198.18.0.0/15, the only range tcpconform speaks to']);
  const malformed = spawnSync(agentPath, ['--listen', '198.18.9.1'], { encoding: 'utf8' });
  expect(malformed.status).toBe(2);
  expect(spawnSync(agentPath, ['--serve'], { encoding: 'utf8' }).stderr.trim()).toBe('usage: tcpconform-agent [--listen HOST:PORT]');
});

test('a session speaks the stdin agent\'s lines, and connects only within 198.18.0.0/15 and 2001:2::/48', async () => {
  const first = await session();
  expect(await first.call({ call: 'state' })).toEqual({ type: 'result', id: 1, ok: true, state: 'CLOSED' });
  const refusal = 'bad request: host must lie in 198.18.0.0/15 or 2001:2::/48 (or be ::ffff: and an address of 198.18.0.0/15), the only ranges tcpconform speaks to';
  expect(await first.call({ call: 'connect', host: '192.0.2.1', port: 80 })).toEqual({ type: 'result', id: 2, ok: false, error: refusal });
  expect(await first.call({ call: 'connect', host: '2001:db8::1', port: 80 })).toEqual({ type: 'result', id: 3, ok: false, error: refusal });
  expect(await first.call({ call: 'connect', host: '::ffff:192.0.2.1', port: 80 })).toEqual({ type: 'result', id: 4, ok: false, error: refusal });
  first.end();
  await first.closed;
});

test('a new control connection ends the session before it, whose listener goes with it', async () => {
  const first = await session();
  expect(await first.call({ call: 'listen', port: 8080 })).toMatchObject({ ok: true });
  const second = await session();
  await first.closed;
  // The first session's listener is gone: the port is free for the second.
  expect(await second.call({ call: 'listen', port: 8080 })).toMatchObject({ ok: true });
  second.end();
  await second.closed;
});

test('when its control connection ends, a session resets the connections it still holds', async () => {
  const control = await session();
  await control.call({ call: 'listen', port: 8081 });
  const client = await connect(8081);
  const reset = new Promise<string>((resolve) => {
    client.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    client.once('end', () => resolve('a FIN, not a reset'));
    setTimeout(() => resolve('nothing within 2 s'), 2000).unref();
  });
  client.resume();
  await settle();
  expect(control.lines).toContainEqual({ type: 'event', event: 'accepted', remotePort: client.localPort });
  control.end();
  expect(await reset).toBe('ECONNRESET');
});

test('state does not report a connection an earlier session left in TIME-WAIT', async () => {
  const first = await session();
  await first.call({ call: 'listen', port: 8082 });
  const client = await connect(8082);
  client.on('error', () => undefined);
  await settle();
  await first.call({ call: 'close' }); // the accepted connection: the agent's side closes first
  client.end();
  await settle();
  expect(await first.call({ call: 'state' })).toMatchObject({ state: 'TIME-WAIT' });
  first.end();
  await first.closed;
  const second = await session();
  expect(await second.call({ call: 'state' })).toMatchObject({ state: 'CLOSED' });
  await second.call({ call: 'listen', port: 8082 });
  expect(await second.call({ call: 'state' })).toMatchObject({ state: 'LISTEN' });
  second.end();
  await second.closed;
});
