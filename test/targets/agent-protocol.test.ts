/**
 * The agent's protocol on its own: requests it must refuse without falling over. The agent runs in a
 * network namespace of its own (unshare -n) that ends with it; these tests send no traffic.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

import { agentPath } from '../../src/targets/linux/native';

interface RunningAgent {
  /** Sends raw text (lines included) and resolves with the next `count` lines the agent writes. */
  exchange(text: string, count?: number): Promise<unknown[]>;
  readonly process: ChildProcessWithoutNullStreams;
}

function startAgent(): RunningAgent {
  const child = spawn('unshare', ['-n', agentPath], { stdio: 'pipe' });
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    wake?.();
  });
  return {
    process: child,
    async exchange(text, count = 1) {
      child.stdin.write(text);
      while (lines.length < count) await new Promise<void>((resolve) => (wake = resolve));
      return lines.splice(0, count).map((line) => JSON.parse(line) as unknown);
    },
  };
}

let agent: RunningAgent;

beforeEach(() => {
  agent = startAgent();
});

afterEach(() => {
  agent.process.kill('SIGKILL');
});

test('lines that are not a flat JSON object are refused with id null, and the agent goes on', async () => {
  const refused = await agent.exchange('hello\n{"type":"call","id":1,"call":["listen"]}\n{"type":"call","id":2.5,"call":"read"}\n{"type":"call","id":3,"call":"read"} x\n', 4);
  expect(refused).toEqual([
    { type: 'result', id: null, ok: false, error: 'bad request: expected a JSON object' },
    { type: 'result', id: null, ok: false, error: 'bad request: values must be strings or integers' },
    { type: 'result', id: null, ok: false, error: 'bad request: numbers must be integers' },
    { type: 'result', id: null, ok: false, error: 'bad request: text after the object' },
  ]);
  expect(await agent.exchange('{"type":"call","id":4,"call":"read"}\n')).toEqual([{ type: 'result', id: 4, ok: false, error: 'ENOTCONN' }]);
});

test('a request with a known id but a bad call or argument is refused with that id', async () => {
  const refused = await agent.exchange(
    '{"type":"call","id":1,"call":"fly"}\n{"type":"call","id":2}\n{"type":"call","id":3,"call":"listen","port":0}\n{"type":"call","id":4,"call":"connect","host":"example.org","port":80}\n{"type":"call","id":5,"call":"write","bytes":"9"}\n',
    5,
  );
  expect(refused).toEqual([
    { type: 'result', id: 1, ok: false, error: 'bad request: unknown call fly' },
    { type: 'result', id: 2, ok: false, error: 'bad request: call must be a string' },
    { type: 'result', id: 3, ok: false, error: 'bad request: port must be an integer from 1 to 65535' },
    { type: 'result', id: 4, ok: false, error: 'bad request: host must be an IPv4 address in dotted-quad form or an IPv6 address' },
    { type: 'result', id: 5, ok: false, error: 'bad request: bytes must be an integer from 0 to 1099511627776' },
  ]);
});

test('escapes are read, and what is echoed back is escaped', async () => {
  expect(await agent.exchange('{"type":"call","id":1,"call":"st\\u006fp-reading"}\n{"type":"call","id":2,"call":"a\\"b"}\n', 2)).toEqual([
    { type: 'result', id: 1, ok: true },
    { type: 'result', id: 2, ok: false, error: 'bad request: unknown call a"b' },
  ]);
});

test('an overlong line is refused once and skipped', async () => {
  const long = `{"type":"call","id":1,"call":"${'x'.repeat(10000)}"}\n`;
  expect(await agent.exchange(`${long}{"type":"call","id":2,"call":"close"}\n`, 2)).toEqual([
    { type: 'result', id: null, ok: false, error: 'bad request: line too long' },
    { type: 'result', id: 2, ok: false, error: 'ENOTCONN' },
  ]);
});

test('socket errors come back as errno names', async () => {
  const answers = await agent.exchange('{"type":"call","id":1,"call":"listen","port":7}\n{"type":"call","id":2,"call":"listen","port":7}\n', 2);
  expect(answers).toEqual([
    { type: 'result', id: 1, ok: true },
    { type: 'result', id: 2, ok: false, error: 'EADDRINUSE' },
  ]);
});

test('a message that is not a call is refused: the agent takes application calls only', async () => {
  expect(await agent.exchange('{"id":1,"call":"read"}\n{"type":"advance","id":2,"to":5}\n', 2)).toEqual([
    { type: 'result', id: 1, ok: false, error: 'bad request: type must be "call": the agent takes application calls only' },
    { type: 'result', id: 2, ok: false, error: 'bad request: type must be "call": the agent takes application calls only' },
  ]);
});

test('state: CLOSED with nothing, LISTEN with a listener, CLOSED again once it is closed', async () => {
  const answers = await agent.exchange(
    ['"state"', '"listen","port":7', '"state"', '"close"', '"state"'].map((call, i) => `{"type":"call","id":${i + 1},"call":${call}}\n`).join(''),
    5,
  );
  expect(answers).toEqual([
    { type: 'result', id: 1, ok: true, state: 'CLOSED' },
    { type: 'result', id: 2, ok: true },
    { type: 'result', id: 3, ok: true, state: 'LISTEN' },
    { type: 'result', id: 4, ok: true },
    { type: 'result', id: 5, ok: true, state: 'CLOSED' },
  ]);
});

test('the agent exits cleanly when its stdin closes', async () => {
  const exited = new Promise((resolve) => agent.process.once('exit', (code) => resolve(code)));
  agent.process.stdin.end();
  expect(await exited).toBe(0);
});
