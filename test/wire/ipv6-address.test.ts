import { formatIpv6Address, parseIpv6Address, WireError } from '../../src/wire';
import { fromHex, toHex } from './samples';

describe('IPv6 addresses', () => {
  test.each([
    // RFC 5952 §4: canonical text from the many ways of writing one address.
    ['2001:db8::1', '20010db8000000000000000000000001', ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:DB8:0:0:0:0:0:1', '2001:db8::0:1']],
    ['2001:2::1', '20010002000000000000000000000001', ['2001:2:0:0:0:0:0:1']],
    // §4.2.2: a single zero group is not shortened.
    ['2001:db8:0:1:1:1:1:1', '20010db8000000010001000100010001', ['2001:db8::1:1:1:1:1']],
    // §4.2.3: the longest run is shortened; on a tie, the first.
    ['2001:0:0:1::1', '20010000000000010000000000000001', ['2001:0:0:1:0:0:0:1']],
    ['2001:db8::1:0:0:1', '20010db8000000000001000000000001', ['2001:db8:0:0:1:0:0:1']],
    ['::', '00000000000000000000000000000000', ['0:0:0:0:0:0:0:0', '::0']],
    ['::1', '00000000000000000000000000000001', ['0:0:0:0:0:0:0:1']],
    ['1::', '00010000000000000000000000000000', ['1:0:0:0:0:0:0:0']],
    ['fe80::a:b:c:d', 'fe80000000000000000a000b000c000d', ['FE80:0:0:0:A:B:C:D']],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008', []],
    // §5: an IPv4-mapped address ends in a dotted quad.
    ['::ffff:198.18.0.1', '00000000000000000000ffffc6120001', ['::ffff:c612:1', '0:0:0:0:0:ffff:198.18.0.1']],
    // A dotted quad elsewhere is read, but written in hex.
    ['::c612:1', '000000000000000000000000c6120001', ['::198.18.0.1']],
    ['64:ff9b::c612:1', '0064ff9b0000000000000000c6120001', ['64:ff9b::198.18.0.1']],
  ])('%s is the canonical text of %s', (canonical, hex, others) => {
    for (const text of [canonical, ...others]) expect(toHex(parseIpv6Address(text, 8))).toBe(hex);
    expect(formatIpv6Address(fromHex(hex))).toBe(canonical);
  });

  it('formats an address in the middle of a larger buffer', () => {
    const packet = fromHex(`ffff${'20010002000000000000000000000002'}ffff`);
    expect(formatIpv6Address(packet.subarray(2, 18))).toBe('2001:2::2');
  });

  test.each([
    '',
    ':',
    ':::',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '::1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7::8',
    '12345::1',
    'g::1',
    ':1::',
    '1:',
    '::1:',
    '2001:2::1%eth0',
    '[2001:2::1]',
    '2001:2::/48',
    '::198.18.0.256',
    '198.18.0.1::',
    '::198.18.0.1:1',
    '1:2:3:4:5:6:7:198.18.0.1',
    ' ::1',
    '198.18.0.1',
  ])('%j is refused with a WireError at the given offset', (text) => {
    expect(() => parseIpv6Address(text, 24)).toThrow(
      new WireError('malformed', 24, `IPv6 address must be RFC 4291 text like 2001:2::1, got '${text}'`),
    );
  });
});
