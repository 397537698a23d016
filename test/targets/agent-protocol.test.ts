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
  const refused = await agent.exchange('hello\n{"id":1,"call":["listen"]}\n{"id":2.5,"call":"read"}\n{"id":3,"call":"read"} x\n', 4);
  expect(refused).toEqual([
    { id: null, ok: false, error: 'bad request: expected a JSON object' },
    { id: null, ok: false, error: 'bad request: values must be strings or integers' },
    { id: null, ok: false, error: 'bad request: numbers must be integers' },
    { id: null, ok: false, error: 'bad request: text after the object' },
  ]);
  expect(await agent.exchange('{"id":4,"call":"read"}\n')).toEqual([{ id: 4, ok: false, error: 'ENOTCONN' }]);
});

test('a request with a known id but a bad call or argument is refused with that id', async () => {
  const refused = await agent.exchange(
    '{"id":1,"call":"fly"}\n{"id":2}\n{"id":3,"call":"listen","port":0}\n{"id":4,"call":"connect","host":"example.org","port":80}\n{"id":5,"call":"write","bytes":"9"}\n',
    5,
  );
  expect(refused).toEqual([
    { id: 1, ok: false, error: 'bad request: unknown call fly' },
    { id: 2, ok: false, error: 'bad request: call must be a string' },
    { id: 3, ok: false, error: 'bad request: port must be an integer from 1 to 65535' },
    { id: 4, ok: false, error: 'bad request: host must be an IPv4 address in dotted-quad form' },
    { id: 5, ok: false, error: 'bad request: bytes must be an integer from 0 to 1099511627776' },
  ]);
});

test('escapes are read, and what is echoed back is escaped', async () => {
  expect(await agent.exchange('{"id":1,"call":"st\\u006fp-reading"}\n{"id":2,"call":"a\\"b"}\n', 2)).toEqual([
    { id: 1, ok: true },
    { id: 2, ok: false, error: 'bad request: unknown call a"b' },
  ]);
});

test('an overlong line is refused once and skipped', async () => {
  const long = `{"id":1,"call":"${'x'.repeat(10000)}"}\n`;
  expect(await agent.exchange(`${long}{"id":2,"call":"close"}\n`, 2)).toEqual([
    { id: null, ok: false, error: 'bad request: line too long' },
    { id: 2, ok: false, error: 'ENOTCONN' },
  ]);
});

test('socket errors come back as errno names', async () => {
  const answers = await agent.exchange('{"id":1,"call":"listen","port":7}\n{"id":2,"call":"listen","port":7}\n', 2);
  expect(answers).toEqual([
    { id: 1, ok: true },
    { id: 2, ok: false, error: 'EADDRINUSE' },
  ]);
});

test('the agent exits cleanly when its stdin closes', async () => {
  const exited = new Promise((resolve) => agent.process.once('exit', (code) => resolve(code)));
  agent.process.stdin.end();
  expect(await exited).toBe(0);
});
