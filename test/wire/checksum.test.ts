import { internetChecksum, onesComplementSum, tcpChecksum } from '../../src/wire';
import { CAPTURED, fromHex } from './samples';

describe('the Internet checksum (RFC 1071)', () => {
  // RFC 1071 §3, "Numerical Examples": the bytes 00 01 f2 03 f4 f5 f6 f7.
  const example = fromHex('0001f203f4f5f6f7');

  it('sums RFC 1071 §3 example to ddf2', () => {
    // 0001 + f203 + f4f5 + f6f7 = 2ddf0, and folding the carry gives ddf0 + 2 = ddf2.
    expect(onesComplementSum([example])).toBe(0xddf2);
  });

  it('gives the complement 220d as the checksum', () => {
    expect(internetChecksum(example)).toBe(0x220d);
  });

  it('verifies to 0 once the checksum is appended', () => {
    expect(internetChecksum(example, fromHex('220d'))).toBe(0);
  });

  it('pads an odd final byte with zero on its right', () => {
    expect(onesComplementSum([fromHex('0102ab')])).toBe(0x0102 + 0xab00);
  });

  it('sums chunks as if concatenated, even at odd boundaries', () => {
    expect(onesComplementSum([fromHex('00'), fromHex('01f2'), fromHex('03f4f5f6f7')])).toBe(0xddf2);
  });
});

describe('the TCP checksum over a captured SYN', () => {
  const segment = CAPTURED.syn.slice(20);

  // By hand, in 16-bit words:
  //   pseudo-header  c612 + 0001 + c612 + 0002 + 0006 (zero, PTCL) + 0028 (TCP length 40) = 1 8c55
  //   TCP header     ee42 + 0050 + c3e8 + 5713 + 0000 + 0000 + a002 + faf0 + 0000 (checksum as zero)
  //                  + 0000 + 0204 + 05b4 + 0402 + 080a + 7b42 + 1af2 + 0000 + 0000 + 0103 + 030a = 4 5284
  //   total 5 ded9; folded dede + 5 = dede; complement 2121, the value on the wire.
  it('is 2121, as computed by hand', () => {
    const zeroed = segment.slice();
    zeroed.set([0, 0], 16);
    expect(tcpChecksum({ version: 4, src: '198.18.0.1', dst: '198.18.0.2' }, zeroed)).toBe(0x2121);
    expect(segment.slice(16, 18)).toEqual(fromHex('2121'));
  });

  it('verifies to 0 with the checksum in place', () => {
    expect(tcpChecksum({ version: 4, src: '198.18.0.1', dst: '198.18.0.2' }, segment)).toBe(0);
  });

  it('catches a segment for another host, though not swapped addresses', () => {
    // The ones' complement sum is commutative, so the pseudo-header cannot tell source from
    // destination; it does catch a segment delivered to the wrong host.
    expect(tcpChecksum({ version: 4, src: '198.18.0.2', dst: '198.18.0.1' }, segment)).toBe(0);
    expect(tcpChecksum({ version: 4, src: '198.18.0.1', dst: '198.18.0.3' }, segment)).not.toBe(0);
  });

  it('rejects an address that is not a dotted quad', () => {
    expect(() => tcpChecksum({ version: 4, src: '198.18.0', dst: '198.18.0.2' }, segment)).toThrow(/dotted quad.*'198\.18\.0'/);
  });
});
