/**
 * The options beside MSS (RFC 7323 window scaling and timestamps, RFC 2018 SACK) and RFC 5681's congestion
 * window, in the machine: negotiated only when both SYNs carry them, windows scaled but never a SYN's,
 * TSecr from TS.Recent, PAWS, SACK blocks most recent first, and the window cut on loss.
 */
import type { TcpOption } from '../../src/wire';
import { arrive, established, IRS, ISS, listen, segments, sent, synSent, type ProfileChanges } from './fixtures';

const ALL: TcpOption[] = [{ kind: 'mss', mss: 1460 }, { kind: 'sack-permitted' }, { kind: 'timestamps', tsval: 1000, tsecr: 0 }, { kind: 'wscale', shift: 7 }];

/** A passive connection whose peer's SYN carried `options`; returns the endpoint and its SYN-ACK's options. */
function opened(options: TcpOption[], changes: ProfileChanges = {}) {
  const ep = listen(changes);
  const synAck = segments(arrive(ep, { flags: 'S', seq: IRS, ack: 0, options }))[0]!;
  arrive(ep, { options: options.some((o) => o.kind === 'timestamps') ? [{ kind: 'timestamps', tsval: 1000, tsecr: 1 }] : [] });
  return { ep, synAck };
}

const kinds = (options: readonly TcpOption[]) => options.map((o) => o.kind);
const ts = (tsval: number): TcpOption[] => [{ kind: 'timestamps', tsval, tsecr: 1 }];

describe('negotiation (RFC 7323 §2.2, §3.2; RFC 2018 §2)', () => {
  test('a SYN offering everything is answered with everything, the SYN-ACK echoing its TSval', () => {
    const { ep, synAck } = opened(ALL);
    expect(kinds(synAck.options)).toEqual(['mss', 'wscale', 'sack-permitted', 'timestamps']);
    expect(synAck.options.find((o) => o.kind === 'timestamps')).toMatchObject({ tsecr: 1000 });
    expect(ep.tcb.options).toMatchObject({ sndWindShift: 7, rcvWindShift: 0, timestamps: true, sack: true });
  });

  test('a SYN with MSS alone gets MSS alone back, and nothing is in use', () => {
    const { ep, synAck } = opened([{ kind: 'mss', mss: 1460 }]);
    expect(kinds(synAck.options)).toEqual(['mss']);
    expect(ep.tcb.options).toMatchObject({ sndWindShift: 0, timestamps: false, sack: false });
    expect(ep.firedRules).toEqual(expect.arrayContaining(['rfc7323/2.2/window-scale-off', 'rfc7323/3.2/timestamps-off', 'rfc2018/2/sack-off']));
  });

  test('a profile that offers nothing answers nothing', () => {
    const { synAck } = opened(ALL, { windowScaling: false, timestamps: false, sackPermitted: false });
    expect(kinds(synAck.options)).toEqual(['mss']);
  });

  test('a shift above 14 is taken as 14 (RFC 7323 §2.3)', () => {
    const { ep } = opened([{ kind: 'wscale', shift: 15 }]);
    expect(ep.tcb.options.sndWindShift).toBe(14);
    expect(ep.firedRules).toContain('rfc7323/2.3/shift-limited');
  });
});

describe('window scaling (RFC 7323 §2)', () => {
  test("the peer's window fields are scaled: window << shift, and no more", () => {
    const { ep } = opened([{ kind: 'wscale', shift: 7 }], { initialWindow: 10 });
    arrive(ep, { window: 4 });
    expect(ep.tcb.sndWnd).toBe(512);
    expect(sent(ep.send(512, 0))).toEqual([`PA seq ${ISS + 1} ack ${IRS + 1} len 512`]);
    expect(sent(ep.send(10, 0))).toEqual([]);
  });

  test("an active open takes the SYN-ACK's window unscaled, the next window scaled", () => {
    const ep = synSent();
    arrive(ep, { flags: 'SA', seq: IRS, ack: ISS + 1, window: 1000, options: [{ kind: 'wscale', shift: 7 }] });
    expect(ep.tcb.sndWnd).toBe(1000);
    arrive(ep, { window: 1000 });
    expect(ep.tcb.sndWnd).toBe(128_000);
  });
});

describe('timestamps (RFC 7323 §3-§5)', () => {
  test('every segment but a RST carries TSopt, echoing TS.Recent', () => {
    const { ep } = opened(ALL);
    const [ack] = segments(arrive(ep, { flags: 'PA', data: 10, options: ts(2000) }));
    expect(ack!.options.find((o) => o.kind === 'timestamps')).toMatchObject({ tsecr: 2000 });
  });

  test('an out-of-order segment does not become TS.Recent; the one filling the hole does', () => {
    const { ep } = opened(ALL);
    const rcvNxt = ep.tcb.rcvNxt;
    arrive(ep, { flags: 'PA', seq: rcvNxt + 100, data: 10, options: ts(3000) });
    expect(ep.tcb.ts.recent).toBe(1000);
    arrive(ep, { flags: 'PA', seq: rcvNxt, data: 100, options: ts(4000) });
    expect(ep.tcb.ts.recent).toBe(4000);
  });

  test('PAWS: an older TSval is acknowledged and its data dropped; a RST is exempt', () => {
    const { ep } = opened(ALL);
    arrive(ep, { flags: 'PA', data: 10, options: ts(2000) });
    const rcvNxt = ep.tcb.rcvNxt;
    expect(sent(arrive(ep, { flags: 'PA', data: 10, options: ts(1500) }))).toEqual([`A seq ${ISS + 1} ack ${rcvNxt} len 0`]);
    expect(ep.tcb.rcvNxt).toBe(rcvNxt);
    expect(ep.firedRules).toContain('rfc7323/5.3/paws-rejected');
    arrive(ep, { flags: 'R', options: ts(5) });
    expect(ep.state).toBe('CLOSED');
  });

  test('data segments leave room for TSopt: Eff.snd.MSS is 12 octets less (the rest waits for Nagle)', () => {
    const { ep } = opened(ALL, { mss: 1460, initialWindow: 10 });
    expect(segments(ep.send(3000, 0)).map((s) => s.payload.length)).toEqual([1448, 1448]);
  });
});

describe('SACK (RFC 2018 §4)', () => {
  test('blocks report what is held, the latest first, three beside timestamps', () => {
    const { ep } = opened(ALL);
    const base = ep.tcb.rcvNxt;
    for (const offset of [100, 300, 500, 700]) arrive(ep, { flags: 'PA', seq: base + offset, data: 100, options: ts(2000) });
    const [ack] = segments(arrive(ep, { flags: 'PA', seq: base + 200, data: 100, options: ts(2000) }));
    const sack = ack!.options.find((o) => o.kind === 'sack');
    expect(sack).toEqual({ kind: 'sack', blocks: [{ left: base + 100, right: base + 400 }, { left: base + 700, right: base + 800 }, { left: base + 500, right: base + 600 }] });
  });

  test('no blocks without SACK-permitted, nor once the hole is filled', () => {
    const { ep } = opened([{ kind: 'mss', mss: 1460 }]);
    const [ack] = segments(arrive(ep, { flags: 'PA', seq: ep.tcb.rcvNxt + 100, data: 10 }));
    expect(kinds(ack!.options)).toEqual([]);
  });
});

describe('congestion control (RFC 5681)', () => {
  test('the initial window bounds the first flight, and each ACK grows it by at most one segment', () => {
    const ep = established({ initialWindow: 2, mss: 500 });
    expect(segments(ep.send(5000, 0))).toHaveLength(2);
    expect(ep.firedRules).toContain('rfc5681/3.1/congestion-window-full');
    expect(segments(arrive(ep, { ack: ISS + 1 + 1000 }))).toHaveLength(3);
  });

  test('three duplicate ACKs: the segment at SND.UNA again; a timeout: one segment, the loss window', () => {
    const ep = established({ initialWindow: 4, mss: 500 });
    ep.send(2000, 0);
    arrive(ep, { ack: ISS + 1 });
    arrive(ep, { ack: ISS + 1 });
    expect(sent(arrive(ep, { ack: ISS + 1 }))).toEqual([`A seq ${ISS + 1} ack ${IRS + 1} len 500`]);
    expect(ep.tcb.cc).toMatchObject({ ssthresh: 1000, cwnd: 2500, recovering: true });
    arrive(ep, { ack: ISS + 1 + 2000 });
    expect(ep.tcb.cc).toMatchObject({ cwnd: 1000, recovering: false });
    ep.send(2000, 0);
    ep.tick(10_000);
    expect(ep.tcb.cc.cwnd).toBe(500);
    expect(ep.firedRules).toContain('rfc5681/3.1/loss-window');
  });
});
