/**
 * The process target against toy adapters: the JavaScript starter, which behaves, and those in
 * adapters/testing, which crash, hang, print garbage or break the protocol. Each failure must surface as one clear sentence
 * carrying the adapter's stderr — through the target and as an `error` verdict through the runner —
 * the run must go on, and no adapter process may be left behind.
 */
import path from 'node:path';

import { runCase } from '../../src/runner/run-case';
import { parseCase } from '../../src/suite/parse';
import type { Case } from '../../src/suite/case';
import { runAllCleanupsSync } from '../../src/targets/cleanup';
import { createProcessTarget } from '../../src/targets/process';
import type { ProcessTarget, ProcessTargetOptions } from '../../src/targets/process';

const TESTING = path.resolve(__dirname, '../../adapters/testing');
const toy = (script: string, ...args: string[]): string[] => [process.execPath, path.join(TESTING, script), ...args];
/** The JavaScript starter adapter: a toy TCP that behaves, on which the misbehaving ones build. */
const WELL_BEHAVED = [process.execPath, path.resolve(__dirname, '../../adapters/starter/js/adapter.js')];

/** An adapter written inline: prints `hello`, then keeps running (and ignores stdin's end when told to). */
function inline(hello: object, { ignoreEof = false } = {}): string[] {
  const keepAlive = ignoreEof ? 'process.stdin.on("end", () => {}); process.stdin.resume();' : 'process.stdin.on("end", () => process.exit(0)); process.stdin.resume();';
  return [process.execPath, '-e', `console.log(${JSON.stringify(JSON.stringify(hello))}); ${keepAlive} setInterval(() => {}, 1000);`];
}

const HELLO = {
  type: 'hello',
  protocol: 1,
  stack: { name: 'inline', version: '1' },
  address: '198.18.0.1',
  peer: '198.18.0.2',
  capabilities: { calls: ['listen'], clock: 'real', families: ['ipv4'] },
};

const WRITE_CASE = `id: testing/write-after-handshake
title: A write after a passive open
spec: { rfc9293: ["3.5"], requirements: [] }
level: MUST
steps:
  - app: listen
  - send: { flags: S, options: [{ mss: 1460 }] }
  - expect: { flags: SA, ack: 1, options: { mss: present } }
  - send: { flags: A }
  - app: { write: 10 }
  - expect: { flags: PA, seq: 1, ack: 1, len: 10 }
`;

function parsed(text: string): Case {
  const result = parseCase('testing/write.yaml', text);
  if (!result.case) throw new Error(JSON.stringify(result.problems));
  return result.case;
}
const writeCase = parsed(WRITE_CASE);

const started: ProcessTarget[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));

async function start(options: Partial<ProcessTargetOptions> & Pick<ProcessTargetOptions, 'command'>): Promise<ProcessTarget> {
  const target = await createProcessTarget({ name: 'toy', timeouts: { requestMs: 1000 }, ...options });
  started.push(target);
  return target;
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(async () => {
  await Promise.all(started.map((target) => target.close()));
  for (const target of started.splice(0)) expect(alive(target.pid)).toBe(false);
  // Let any stray rejection surface before checking.
  await new Promise((resolve) => setImmediate(resolve));
  expect(unhandled).toEqual([]);
});

describe('a well-behaved adapter', () => {
  test('its hello gives the address, the peer and the capabilities', async () => {
    const target = await start({ command: WELL_BEHAVED });
    expect(target.address).toBe('198.18.0.1');
    expect(target.peerAddress).toBe('198.18.0.2');
    expect(target.stack).toEqual({ name: 'toy', version: '0' });
    expect(target.capabilities).toEqual({
      appCalls: ['listen', 'write', 'read', 'close', 'state'],
      clock: 'virtual',
      families: ['ipv4'],
      stack: { name: 'toy', version: '0' },
      notes: ['a toy TCP: no FIN, no retransmission, no window'],
    });
    expect(await target.app({ call: 'state' })).toEqual({ ok: true, state: 'CLOSED' });
  });

  test('a case runs to pass, and time on a virtual clock costs no real time', async () => {
    const target = await start({ command: WELL_BEHAVED });
    expect((await runCase(writeCase, target)).verdict).toBe('pass');
    const before = target.now();
    const wallStart = process.hrtime.bigint();
    await target.sleep(120_000);
    expect(target.now() - before).toBe(120_000_000_000n);
    expect(await target.receive(60_000)).toBeUndefined();
    expect(target.now() - before).toBe(180_000_000_000n);
    expect(Number(process.hrtime.bigint() - wallStart) / 1e6).toBeLessThan(500);
  });

  test('close ends the adapter; later calls say the target is closed', async () => {
    const target = await start({ command: WELL_BEHAVED });
    await target.close();
    expect(alive(target.pid)).toBe(false);
    await expect(target.app({ call: 'listen', port: 1 })).rejects.toThrow('the toy target is closed');
    await target.close();
  });

  test('an adapter that ignores the end of its stdin is killed after a grace period', async () => {
    const target = await start({ command: inline(HELLO, { ignoreEof: true }), timeouts: { closeMs: 300 } });
    const began = Date.now();
    await target.close();
    expect(Date.now() - began).toBeGreaterThanOrEqual(290);
    expect(alive(target.pid)).toBe(false);
  });

  test('the cleanup registered for exit paths kills the adapter synchronously', async () => {
    const target = await start({ command: WELL_BEHAVED });
    runAllCleanupsSync();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(target.pid)).toBe(false);
  });
});

/** A misbehaving adapter: what the target says, and what the sentence must contain. */
const MISBEHAVING: ReadonlyArray<{ name: string; command: string[]; sentence: string; stderr: string }> = [
  { name: 'crashes on a write', command: toy('crash-on-write.js'), sentence: 'the toy adapter was killed by SIGSEGV during "write"', stderr: 'pcb->snd_queuelen overflow' },
  { name: 'hangs on a write', command: toy('hang-on-write.js'), sentence: 'the toy adapter did not answer "write" within 1 s', stderr: 'waiting for a lock' },
  { name: 'prints garbage', command: toy('garbage-on-write.js'), sentence: 'the toy adapter wrote a line that is not JSON during "write": "DEBUG tcp_write len=10"', stderr: 'debug output is on' },
  {
    name: 'answers a request it was not asked',
    command: toy('protocol-breaker.js', 'wrong-id'),
    sentence: 'the toy adapter broke the protocol during "write": a result for request 1',
    stderr: 'breaking the protocol (wrong-id)',
  },
  {
    name: 'breaks the schema',
    command: toy('protocol-breaker.js', 'schema'),
    sentence: 'the toy adapter broke the protocol during "write": a message that has an unknown field "written"',
    stderr: 'breaking the protocol (schema)',
  },
  {
    name: 'sends a packet that is not IPv4',
    command: toy('protocol-breaker.js', 'not-ipv4'),
    sentence: 'the toy adapter broke the protocol during "write": a packet that is not IPv4 (IP version 6)',
    stderr: 'breaking the protocol (not-ipv4)',
  },
];

describe('events from a virtual clock', () => {
  /** An adapter whose advance signals an event halfway, stamped with that virtual time when `stamped`. */
  const eventful = (stamped: boolean): string[] => [
    process.execPath,
    '-e',
    `console.log(${JSON.stringify(JSON.stringify({ ...HELLO, capabilities: { calls: ['listen'], clock: 'virtual', families: ['ipv4'] } }))});
     require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
       const m = JSON.parse(line);
       if (m.type === 'advance') console.log(JSON.stringify({ type: 'event', event: 'urgent', ...(${stamped} && { time: m.to / 2 }) }));
       console.log(JSON.stringify({ type: 'result', id: m.id, ok: true, ...(m.type === 'advance' && { now: m.to }) }));
     }).on('close', () => process.exit(0));`,
  ];

  test('an event carrying its virtual time is placed there, not at the start of the advance it came in', async () => {
    const stamped = await start({ command: eventful(true) });
    await stamped.sleep(1000);
    expect(stamped.takeEvents()).toEqual([{ event: { event: 'urgent' }, timeNs: 500_000_000n }]);
    const unstamped = await start({ command: eventful(false) });
    await unstamped.sleep(1000);
    expect(unstamped.takeEvents()).toEqual([{ event: { event: 'urgent' }, timeNs: 0n }]);
  });
});

describe.each(MISBEHAVING)('an adapter that $name', ({ command, sentence, stderr }) => {
  test('fails the pending call and every later one with a sentence and its stderr', async () => {
    const target = await start({ command });
    expect(await target.app({ call: 'listen', port: 8080 })).toEqual({ ok: true });
    const began = Date.now();
    const error = (await target.app({ call: 'write', bytes: 10 }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(sentence);
    expect(error.message).toMatch(new RegExp(`; its stderr: .*${stderr.replace(/[()]/g, '\\$&')}`));
    expect(Date.now() - began).toBeLessThan(3000);
    expect(alive(target.pid)).toBe(false);
    await expect(target.app({ call: 'read' })).rejects.toBe(error);
    await expect(target.receive(10)).rejects.toBe(error);
    await expect(target.sleep(10)).rejects.toBe(error);
    expect(() => target.send(new Uint8Array(20))).toThrow(error);
  });

  test('ends its case as error through the runner, and the next case runs', async () => {
    const bad = await start({ command });
    const result = await runCase(writeCase, bad);
    expect(result.verdict).toBe('error');
    expect(result.reason).toContain(`testing/write.yaml:10: ${sentence}`);
    expect(result.reason).toContain(stderr);
    expect(result.steps.map((step) => step.outcome)).toEqual(['pass', 'pass', 'pass', 'pass', 'error', 'not-run']);
    await bad.close();
    expect(alive(bad.pid)).toBe(false);

    const next = await start({ command: WELL_BEHAVED });
    expect((await runCase(writeCase, next)).verdict).toBe('pass');
  });
});

describe('adapters that fail before or at their hello', () => {
  async function startFailure(options: Partial<ProcessTargetOptions> & Pick<ProcessTargetOptions, 'command'>): Promise<Error> {
    return createProcessTarget({ name: 'toy', ...options }).then(
      (target) => {
        started.push(target);
        throw new Error('the target started');
      },
      (error: unknown) => error as Error,
    );
  }

  test('one that never says hello is given up on after the time limit', async () => {
    const error = await startFailure({ command: [process.execPath, '-e', 'process.stderr.write("starting slowly\\n"); setInterval(() => {}, 1000)'], timeouts: { helloMs: 300 } });
    expect(error.message).toBe('the toy adapter sent no hello within 300 ms; its stderr: starting slowly');
  });

  test('one that cannot be started', async () => {
    const error = await startFailure({ command: ['/nonexistent/adapter'] });
    expect(error.message).toBe('the toy adapter could not be started: spawn /nonexistent/adapter ENOENT; its stderr was empty');
  });

  test('one that exits before its hello', async () => {
    const error = await startFailure({ command: [process.execPath, '-e', 'console.error("no liblwip.so"); process.exit(3)'] });
    expect(error.message).toBe('the toy adapter exited with code 3 before its hello; its stderr: no liblwip.so');
  });

  test('one whose first line is not a hello', async () => {
    const error = await startFailure({ command: inline({ type: 'event', event: 'connected' }) });
    expect(error.message).toBe(
      'the toy adapter broke the protocol before its hello: its first line must be a hello, not a event: "{\\"type\\":\\"event\\",\\"event\\":\\"connected\\"}"; its stderr was empty',
    );
  });

  test.each([
    ['address', { address: '10.0.2.15' }, 'gives address 10.0.2.15, outside 198.18.0.0/15'],
    ['peer', { peer: '192.168.1.1' }, 'gives peer 192.168.1.1, outside 198.18.0.0/15'],
    ['protocol', { protocol: 2 }, 'speaks protocol version 2, but this harness speaks version 1'],
    ['family', { capabilities: { ...HELLO.capabilities, families: ['ipv6'] } }, 'says its stack speaks ipv6 but not ipv4, which every adapter speaks'],
    ['family without its addresses', { capabilities: { ...HELLO.capabilities, families: ['ipv4', 'ipv6'] } }, 'says its stack speaks ipv6 but gives no address6 and peer6'],
    ['IPv6 address', { address6: '2001:db8::1', peer6: '2001:2::2', capabilities: { ...HELLO.capabilities, families: ['ipv4', 'ipv6'] } }, 'gives address6 2001:db8::1, outside 2001:2::/48'],
  ])('one whose hello gives a %s the harness refuses', async (_, change, phrase) => {
    const error = await startFailure({ command: inline({ ...HELLO, ...change }) });
    expect(error.message).toContain(`the harness refuses the toy adapter: its hello ${phrase}`);
  });

  test('an adapter speaking IPv6 gives its IPv6 addresses to a case in that family, IPv4 ones to the others', async () => {
    const hello = { ...HELLO, address6: '2001:2::1', peer6: '2001:2::2', capabilities: { ...HELLO.capabilities, families: ['ipv4', 'ipv6'] } };
    const six = await start({ command: inline(hello), family: 'ipv6' });
    expect([six.address, six.peerAddress, six.broadcast]).toEqual(['2001:2::1', '2001:2::2', undefined]);
    expect(six.capabilities.families).toEqual(['ipv4', 'ipv6']);
    const four = await start({ command: inline(hello) });
    expect([four.address, four.peerAddress]).toEqual([HELLO.address, HELLO.peer]);
  });

  test('198.19.255.254 is still inside the range', async () => {
    const target = await start({ command: inline({ ...HELLO, address: '198.19.255.254' }) });
    expect(target.address).toBe('198.19.255.254');
  });
});
