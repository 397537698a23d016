/** RFC 3168's rules on the ECN field of the target's datagrams, negotiation read off the wire. */
import { EcnWatch } from '../../src/runner/oracle/ecn-rules';
import { parseFlags, type TcpSegment } from '../../src/wire';

function segment(flags: string, data = 0): TcpSegment {
  return { srcPort: 1, dstPort: 2, seq: 1, ack: 1, flags: parseFlags(flags), window: 100, urgentPointer: 0, options: [], payload: new Uint8Array(data) };
}

describe('the ECN field of the target', () => {
  test('ECT only on new data of a connection both SYNs set up for ECN', () => {
    const watch = new EcnWatch();
    watch.peerSent(segment('SEC'));
    expect(watch.targetSent(segment('SAE'), 'ect0', false)?.rule).toBe('RFC 3168 §6.1.1');
    expect(watch.negotiated).toBe(true);
    expect(watch.targetSent(segment('PA', 10), 'ect0', false)).toBeUndefined();
    expect(watch.targetSent(segment('PA', 10), 'ect1', false)).toBeUndefined();
    expect(watch.targetSent(segment('A'), 'ect0', false)?.rule).toBe('RFC 3168 §6.1.4');
    expect(watch.targetSent(segment('PA', 10), 'ect0', true)?.rule).toBe('RFC 3168 §6.1.5');
    expect(watch.targetSent(segment('PA', 10), 'ce', false)?.rule).toBe('RFC 3168 §5');
  });

  test('without both ECN-setup SYNs, no ECT at all', () => {
    const plain = new EcnWatch();
    plain.peerSent(segment('S'));
    plain.targetSent(segment('SA'), 'not-ect', false);
    expect(plain.targetSent(segment('PA', 10), 'ect0', false)?.rule).toBe('RFC 3168 §6.1.1');
    const declined = new EcnWatch();
    declined.targetSent(segment('SEC'), 'not-ect', false);
    declined.peerSent(segment('SA'));
    expect(declined.negotiated).toBe(false);
    expect(declined.targetSent(segment('PA', 10), 'not-ect', false)).toBeUndefined();
  });
});
