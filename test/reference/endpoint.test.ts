/**
 * The endpoint's API around the RFC's events: profiles, the virtual clock, errors that carry the
 * outputs of timers, adopting another ISS, and the buffers underneath.
 */
import { RFC9293_PROFILE, ReferenceEndpoint, UserCallError, checkProfile } from '../../src/reference';
import { arrive, endpoint, established, IRS, ISS, listen, LOCAL, profile, REMOTE, sent, synReceived, synSent } from './fixtures';

const RCV = IRS + 1;
const SND = ISS + 1;

describe('profile', () => {
  test('the RFC 9293 profile is valid', () => {
    expect(() => checkProfile(RFC9293_PROFILE)).not.toThrow();
    expect(RFC9293_PROFILE).toMatchObject({ mslMs: 120_000, initialRtoMs: 1_000, maxAckDelayMs: 500, rfc5961Rst: true, rfc5961Syn: true, rfc5961Ack: true, rfc1337: false, reopenFromTimeWait: false });
  });

  test.each([
    [{ mslMs: 0 }, 'mslMs must be positive'],
    [{ initialRtoMs: Number.NaN }, 'initialRtoMs must be positive'],
    [{ minRtoMs: 2_000, maxRtoMs: 1_000 }, 'minRtoMs 2000 exceeds maxRtoMs 1000'],
    [{ receiveBuffer: 70_000 }, 'receiveBuffer must be 0..65535'],
    [{ receiveBuffer: 1.5 }, 'receiveBuffer must be 0..65535'],
  ])('an endpoint refuses %j', (changes, message) => {
    expect(() => new ReferenceEndpoint(profile(changes), LOCAL)).toThrow(message);
  });

  test('RCV.WND starts at the receive buffer, and the SYN offers it', () => {
    const ep = synSent({ receiveBuffer: 1234 });
    expect(ep.tcb.rcvWnd).toBe(1234);
  });
});

describe('virtual time', () => {
  test('an event before the last one is refused: time runs forward', () => {
    const ep = established();
    ep.tick(10);
    expect(() => ep.send(1, 5)).toThrow('time runs forward');
  });

  test('a user call fires the timers due before it, and a refused call carries their outputs', () => {
    const ep = synSent();
    let error: unknown;
    try {
      ep.openPassive(1_000);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserCallError);
    expect(sent((error as UserCallError).outputs)).toEqual([`S seq ${ISS} ack 0 len 0`]);
  });

  test('other errors pass through untouched', () => {
    const ep = established();
    expect(() => ep.send(-1, 0)).toThrow('SEND: -1 is not a count of octets');
  });
});

describe('adoptIss', () => {
  test('in SYN-SENT it moves the whole sending sequence space, so the next segments continue from the new ISS', () => {
    const ep = synSent();
    ep.send(10, 0);
    ep.adoptIss(0xffff_fff0);
    expect(ep.tcb).toMatchObject({ iss: 0xffff_fff0, sndUna: 0xffff_fff0, sndNxt: 0xffff_fff1, sndQueueEnd: 0xffff_fffb, sndUp: 0xffff_fff0 });
    expect(sent(arrive(ep, { flags: 'SA', seq: IRS, ack: 0xffff_fff1 }))).toEqual([`PA seq ${0xffff_fff1} ack ${RCV} len 10`]);
  });

  test('in SYN-RECEIVED, and in LISTEN for the SYN-ACK to come', () => {
    const received = synReceived();
    received.adoptIss(5000);
    expect(sent(arrive(received, { flags: 'PA', data: 1, ack: 5001 }))).toEqual([`A seq 5001 ack ${RCV + 1} len 0`]);
    const listening = listen();
    listening.adoptIss(7000);
    expect(sent(arrive(listening, { flags: 'S', seq: IRS, ack: 0 }))).toEqual([`SA seq 7000 ack ${RCV} len 0`]);
  });

  test('refused once anything but the SYN has been sent', () => {
    const ep = established();
    ep.send(1, 0);
    expect(() => ep.adoptIss(1)).toThrow('only possible while nothing but the SYN has been sent; the endpoint is ESTABLISHED with SND.NXT ISS+2');
    expect(() => endpoint().adoptIss(1)).toThrow('the endpoint is CLOSED');
  });
});

describe('buffers', () => {
  test('the send buffer keeps the SEND buffers until acknowledged, and joins a segment that spans two', () => {
    // An initial window wide enough for the 3000 octets acknowledged below (RFC 5681 §3.1 would send 4 segments).
    const ep = established({ initialWindow: 10 });
    arrive(ep, { window: 0 });
    const own = new Uint8Array(6_000).fill(1);
    ep.send(5_000, 0);
    ep.send(own, 0);
    expect(ep.tcb.sndBuffer.length).toBe(11_000);
    arrive(ep, { window: 65535 });
    arrive(ep, { ack: SND + 3_000 });
    ep.send(3_000, 0);
    expect(ep.tcb.sndBuffer.length).toBe(11_000);
    // Octets 4995 to 5004 of the output: the end of the pattern buffer (4995 = 26 × 192 + 3), then ours.
    expect([...ep.tcb.sndBuffer.read(1_995, 10)]).toEqual([100, 101, 102, 103, 104, 1, 1, 1, 1, 1]);
    // Octets 13990 to 13999, inside the last buffer (13990 = 26 × 538 + 2): a view, not a copy.
    const view = ep.tcb.sndBuffer.read(10_990, 10);
    expect(Buffer.from(view).toString()).toBe('cdefghijkl');
    // The pattern buffer is itself a view of the shared pattern block, from phase 2 (11000 = 26 × 423 + 2).
    expect(view.byteOffset).toBe(2 + 2_990);
    expect(ep.tcb.sndBuffer.read(11_000, 0)).toHaveLength(0);
  });

  test('held ranges merge with the ranges they overlap or touch', () => {
    const ep = established();
    arrive(ep, { flags: 'PA', seq: RCV + 10, data: 10 });
    arrive(ep, { flags: 'PA', seq: RCV + 12, data: 3 });
    arrive(ep, { flags: 'PA', seq: RCV + 5, data: 30 });
    expect(ep.tcb.held).toMatchObject([{ start: RCV + 5, end: RCV + 35 }]);
  });

  test('the remote socket is known once the connection exists', () => {
    const ep = endpoint();
    expect(ep.remotePort).toBeUndefined();
    ep.openActive(REMOTE, ISS, 0);
    expect(ep.remotePort).toBe(REMOTE.port);
    expect(ep.local).toEqual(LOCAL);
  });
});
