/**
 * The lwIP adapter (adapters/lwip) through the process target and the runner. It builds nothing: it
 * needs adapters/lwip/out/adapter, which `adapters/lwip/build` makes.
 */
import { runCase } from '../../src/runner/run-case';
import type { ProcessTarget } from '../../src/targets/process';
import type { AppResult } from '../../src/targets/target';
import { formatFlags } from '../../src/wire';
import { eventsOf, nextSegment, peerSegment } from '../targets/peer';
import { adapter, expectIdleCostsNoRealTime, idleTwoMinutesCase, inlineCase, loadSuite, passiveOpenSteps, timed } from './adapter-cases';

const LWIP = adapter('lwip');

/** Every target a test starts, so that afterEach can check each adapter process is gone. */
const started: ProcessTarget[] = [];

async function lwip(): Promise<ProcessTarget> {
  LWIP.requireBuilt();
  const target = await LWIP.start();
  started.push(target);
  return target;
}

function alive(pid: number | undefined): boolean {
  try {
    return pid !== undefined && process.kill(pid, 0);
  } catch {
    return false;
  }
}

afterEach(async () => {
  await Promise.all(started.map((target) => target.close()));
  for (const target of started.splice(0)) expect(alive(target.pid)).toBe(false);
});

const PORT = 8080;
const PEER_PORT = 40000;
const PEER_ISN = 1000;

async function state(target: ProcessTarget): Promise<string | undefined> {
  const result: AppResult = await target.app({ call: 'state' });
  return result.ok ? result.state : result.error;
}

test('its hello: lwIP 2.1.3 on a virtual clock, every call, addresses in 198.18.0.0/15', async () => {
  const target = await lwip();
  expect(target.stack).toEqual({ name: 'lwip', version: '2.1.3' });
  expect([target.address, target.peerAddress]).toEqual(['198.18.0.1', '198.18.0.2']);
  expect(target.capabilities.clock).toBe('virtual');
  expect([...target.capabilities.appCalls].sort()).toEqual(
    ['abort', 'close', 'connect', 'listen', 'read', 'set-option', 'shutdown', 'state', 'stop-reading', 'write'].sort(),
  );
});

describe('the suite on lwIP', () => {
  const { cases, problems } = loadSuite();

  test('loads', () => {
    expect(problems).toEqual([]);
    expect(cases.map((c) => c.id)).toEqual(
      expect.arrayContaining(['handshake/passive-open', 'handshake/active-open', 'rst/closed-port-syn', 'close/passive-close', 'close/active-close', 'window/data-both-directions']),
    );
  });


  test('runs are deterministic: the same case twice gives the same packets', async () => {
    const testCase = cases.find((c) => c.id === 'window/data-both-directions');
    if (!testCase) throw new Error('the case is missing');
    const traces = [];
    for (let run = 0; run < 2; run++) {
      const result = await runCase(testCase, await lwip(), LWIP.profile);
      traces.push(result.trace.map((event) => (event.kind === 'packet' ? `${event.timeMs} ${event.hex}` : event.kind)));
    }
    expect(traces[1]).toEqual(traces[0]);
  });
});

test('a wait of 120 s in TIME-WAIT costs well under a second of real time', async () => {
  // lwIP's MSL is 60 s: TIME-WAIT takes the whole two minutes, and nothing is sent at its end.
  const timeWait = inlineCase({
    id: 'lwip/two-minutes',
    title: 'Two minutes in TIME-WAIT pass in no time',
    rfc9293: ['3.6.1'],
    steps: `${passiveOpenSteps()}  - app: close
  - expect: { flags: FA, seq: 1, ack: 1 }
  - send: { flags: FA, ack: 2 }
  - expect: { flags: A, seq: 2, ack: 2 }
  - wait: 120s
  - quiet: 1s
`,
  });
  const { result, wallMs } = await timed(runCase(timeWait, await lwip(), LWIP.profile));
  expect(result.verdict).toBe('pass');
  expect(result.durationMs).toBeGreaterThanOrEqual(121_000);
  expect(wallMs).toBeLessThan(500);
});

test('an established connection idle for 120 s still takes data, at no real cost', async () => {
  const target = await lwip();
  await expectIdleCostsNoRealTime((testCase) => runCase(testCase, target, LWIP.profile), idleTwoMinutesCase('lwip'), 500);
});

describe('lwIP through the target directly', () => {
  async function passiveOpen(target: ProcessTarget): Promise<number> {
    expect(await target.app({ call: 'listen', port: PORT })).toEqual({ ok: true });
    target.send(peerSegment(target, { flags: 'S', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN, options: [{ kind: 'mss', mss: 1460 }] }));
    const synAck = await nextSegment(target);
    expect(await state(target)).toBe('SYN-RECEIVED');
    target.send(peerSegment(target, { flags: 'A', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN + 1, ack: synAck.tcp.seq + 1 }));
    expect(await state(target)).toBe('ESTABLISHED');
    expect(eventsOf(target)).toEqual([{ event: 'accepted', remotePort: PEER_PORT }]);
    return synAck.tcp.seq;
  }

  test('state follows the connection through an active close, TIME-WAIT and its end after 2×MSL', async () => {
    const target = await lwip();
    expect(await state(target)).toBe('CLOSED');
    const isn = await passiveOpen(target);
    expect(await target.app({ call: 'close' })).toEqual({ ok: true });
    expect(formatFlags((await nextSegment(target)).tcp.flags)).toBe('FA');
    expect(await state(target)).toBe('FIN-WAIT-1');
    target.send(peerSegment(target, { flags: 'A', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN + 1, ack: isn + 2 }));
    expect(await state(target)).toBe('FIN-WAIT-2');
    target.send(peerSegment(target, { flags: 'FA', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN + 1, ack: isn + 2 }));
    expect(formatFlags((await nextSegment(target)).tcp.flags)).toBe('A');
    expect(await state(target)).toBe('TIME-WAIT');
    // lwIP's TIME-WAIT ends on the first 500 ms tick after 2×MSL = 120 s (tcp.c, tcp_slowtmr).
    await target.sleep(119_500);
    expect(await state(target)).toBe('TIME-WAIT');
    await target.sleep(1_000);
    expect(await state(target)).toBe('LISTEN');
    target.send(peerSegment(target, { flags: 'FA', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN + 1, ack: isn + 2 }));
    expect(formatFlags((await nextSegment(target)).tcp.flags)).toBe('RA');
  });

  test('an unacknowledged SYN-ACK is retransmitted after lwIP\'s initial RTO of 3 s, on its 500 ms tick', async () => {
    const target = await lwip();
    await target.app({ call: 'listen', port: PORT });
    target.send(peerSegment(target, { flags: 'S', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN }));
    const first = await nextSegment(target);
    const again = await nextSegment(target, 5000);
    expect(formatFlags(again.tcp.flags)).toBe('SA');
    const afterMs = Number(again.timeNs - first.timeNs) / 1e6;
    expect(afterMs).toBeGreaterThan(2500);
    expect(afterMs).toBeLessThanOrEqual(3000);
  });

  test('unread data closes the window; a read opens it again', async () => {
    const target = await lwip();
    const isn = await passiveOpen(target);
    let windowBefore = 0;
    for (let k = 0; k < 3; k++) {
      const seq = PEER_ISN + 1 + 1000 * k;
      target.send(peerSegment(target, { flags: 'PA', srcPort: PEER_PORT, dstPort: PORT, seq, ack: isn + 1, payload: new Uint8Array(1000) }));
      const ack = await nextSegment(target);
      expect(ack.tcp.ack).toBe(seq + 1000);
      windowBefore = ack.tcp.window;
    }
    expect(windowBefore).toBe(65535 - 3000);
    expect(await target.app({ call: 'read' })).toEqual({ ok: true, bytes: 3000 });
    target.send(peerSegment(target, { flags: 'FA', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN + 3001, ack: isn + 1 }));
    // The right edge moves once the read frees at least an MSS (receiver SWS avoidance, tcp.c
    // tcp_update_rcv_ann_wnd); the FIN's sequence number is not given back before this ACK.
    expect((await nextSegment(target)).tcp.window).toBe(65535 - 1);
    expect(await state(target)).toBe('CLOSE-WAIT');
    expect(await target.app({ call: 'read' })).toEqual({ ok: true, bytes: 0, eof: true });
    expect(eventsOf(target).map((e) => e.event)).toEqual(['closing', 'eof']);
  });

  test('write sends the pattern; abort sends a RST', async () => {
    const target = await lwip();
    const isn = await passiveOpen(target);
    expect(await target.app({ call: 'write', bytes: 30 })).toEqual({ ok: true, bytes: 30 });
    const data = await nextSegment(target);
    expect(Buffer.from(data.tcp.payload).toString('latin1')).toBe('abcdefghijklmnopqrstuvwxyzabcd');
    expect(await target.app({ call: 'abort' })).toEqual({ ok: true });
    const reset = await nextSegment(target);
    expect(formatFlags(reset.tcp.flags)).toBe('RA');
    expect(reset.tcp.seq).toBe(isn + 31);
    expect(await state(target)).toBe('LISTEN');
  });

  test('a refused connect is an ECONNREFUSED event', async () => {
    const target = await lwip();
    expect(await target.app({ call: 'connect', port: 5555 })).toEqual({ ok: true });
    const syn = await nextSegment(target);
    expect(await state(target)).toBe('SYN-SENT');
    target.send(peerSegment(target, { flags: 'RA', srcPort: 5555, dstPort: syn.tcp.srcPort, ack: syn.tcp.seq + 1 }));
    expect(await state(target)).toBe('CLOSED');
    expect(eventsOf(target)).toEqual([{ event: 'error', error: 'ECONNREFUSED' }]);
  });

  test('set-option: nodelay is taken; buffer sizes are lwIP compile-time constants', async () => {
    const target = await lwip();
    expect(await target.app({ call: 'set-option', name: 'nodelay', value: 1 })).toEqual({ ok: true });
    expect(await target.app({ call: 'set-option', name: 'rcvbuf', value: 4096 })).toEqual({ ok: false, error: 'ENOPROTOOPT' });
  });
});
