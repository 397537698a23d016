/**
 * What the machine makes of what IP says of a segment (RFC 9293 §3.9.2): address validation (§3.9.2.3),
 * the route back of a source-routed connection (§3.9.2.1), an OPEN to a broadcast address (§3.9.1.1).
 */
import { UserCallError, type Output } from '../../src/reference';
import { arrivalOf, PLAIN_ARRIVAL, sendingFields, type Arrival } from '../../src/reference/ip';
import { arrive, established, IRS, listen, peerSegment, REMOTE, sent, synSent } from './fixtures';

const BROADCAST = '198.18.0.255';

function routes(outputs: readonly Output[]): (readonly string[] | undefined)[] {
  return outputs.flatMap((o) => (o.kind === 'segment' ? [o.route] : []));
}

describe('what IP says of a datagram', () => {
  const header = { version: 4 as const, src: '198.18.0.2', dst: '198.18.0.1', protocol: 6, ttl: 64, id: 0, dontFragment: true };

  test('the destination and source are classified against the subnet broadcast; a visited source route gives the route back', () => {
    expect(arrivalOf(header, BROADCAST)).toEqual(PLAIN_ARRIVAL);
    expect(arrivalOf({ ...header, dst: BROADCAST }, BROADCAST).to).toBe('broadcast');
    expect(arrivalOf({ ...header, dst: '224.0.0.1' }).to).toBe('multicast');
    expect(arrivalOf({ ...header, src: BROADCAST }, BROADCAST).sourceValid).toBe(false);
    expect(arrivalOf({ ...header, src: '127.0.0.1' }).sourceValid).toBe(false);
    expect(arrivalOf({ ...header, ecn: 'ce' }).ecn).toBe('ce');
    const routed = { ...header, options: [{ kind: 'lsrr' as const, pointer: 12, route: ['198.18.0.3', '198.18.0.4'] }] };
    expect(arrivalOf(routed).returnRoute).toEqual(['198.18.0.4', '198.18.0.3', '198.18.0.2']);
    // A route not yet wholly visited is no route back.
    expect(arrivalOf({ ...routed, options: [{ kind: 'lsrr', pointer: 8, route: ['198.18.0.3', '198.18.0.4'] }] }).returnRoute).toBeUndefined();
  });

  test('a route back is sent as its first hop for a destination and the rest in a loose source route', () => {
    expect(sendingFields(undefined, ['198.18.0.3', '198.18.0.2'])).toEqual({ dst: '198.18.0.3', options: [{ kind: 'lsrr', pointer: 4, route: ['198.18.0.2'] }] });
    expect(sendingFields('ect0', undefined)).toEqual({ ecn: 'ect0' });
  });
});

describe('address validation (RFC 9293 §3.9.2.3)', () => {
  test('a SYN to a broadcast or multicast address is discarded silently (MUST-57)', () => {
    for (const to of ['broadcast', 'multicast'] as const) {
      const ep = listen();
      const out = ep.segmentArrives(peerSegment(ep, { flags: 'S', seq: IRS, ack: 0 }), 0, { ...PLAIN_ARRIVAL, to });
      expect(out).toEqual([]);
      expect(ep.state).toBe('LISTEN');
      expect(ep.firedRules).toContain('3.9.2.3/syn-to-broadcast-dropped');
    }
  });

  test('a SYN from an invalid source is ignored (MUST-63); a plain one is answered', () => {
    const ep = listen();
    expect(ep.segmentArrives(peerSegment(ep, { flags: 'S', seq: IRS, ack: 0 }), 0, { ...PLAIN_ARRIVAL, sourceValid: false })).toEqual([]);
    expect(ep.firedRules).toContain('3.9.2.3/syn-from-invalid-source-dropped');
    expect(sent(arrive(ep, { flags: 'S', seq: IRS, ack: 0 }))).toHaveLength(1);
  });

  test('an OPEN to a broadcast address is refused before anything is sent (MUST-46)', () => {
    const ep = listen();
    const error = (() => {
      try {
        ep.openActive(REMOTE, 100, 0, 'broadcast');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UserCallError);
    expect((error as UserCallError).reason).toBe('invalid remote address');
    expect(ep.firedRules).toContain('3.9.1.1/open-invalid-remote');
  });
});

describe('source routes (RFC 9293 §3.9.2.1)', () => {
  const routed = (returnRoute: string[]): Arrival => ({ ...PLAIN_ARRIVAL, returnRoute });

  test('a source-routed SYN keeps its route back for every segment (MUST-53), a later route replaces it (SHLD-24)', () => {
    const ep = listen();
    const synAck = ep.segmentArrives(peerSegment(ep, { flags: 'S', seq: IRS, ack: 0 }), 0, routed(['198.18.0.3', '198.18.0.2']));
    expect(routes(synAck)).toEqual([['198.18.0.3', '198.18.0.2']]);
    ep.segmentArrives(peerSegment(ep), 0);
    expect(ep.state).toBe('ESTABLISHED');
    const ack = ep.segmentArrives(peerSegment(ep, { flags: 'PA', data: 10 }), 0, routed(['198.18.0.4', '198.18.0.2']));
    expect(routes(ack)).toEqual([['198.18.0.4', '198.18.0.2']]);
    expect(ep.firedRules).toEqual(expect.arrayContaining(['3.9.2.1/return-route-kept', '3.9.2.1/return-route-replaced']));
  });

  test('where the profile takes no source routes, IP drops the datagram', () => {
    const ep = listen({ sourceRoute: false });
    expect(ep.segmentArrives(peerSegment(ep, { flags: 'S', seq: IRS, ack: 0 }), 0, routed(['198.18.0.3', '198.18.0.2']))).toEqual([]);
    expect(ep.state).toBe('LISTEN');
    expect(ep.firedRules).toContain('3.9.2.1/source-routed-dropped');
  });

  test('a connection without a source route sends plain datagrams', () => {
    const ep = established();
    expect(routes(arrive(ep, { flags: 'PA', data: 10 }))).toEqual([undefined]);
    expect(synSent().tcb.returnRoute).toBeUndefined();
  });
});
