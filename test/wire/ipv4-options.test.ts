import { decodeIpv4Options, decodePacket, encodeIpv4Options, encodePacket, WireError } from '../../src/wire';
import type { Ipv4Option } from '../../src/wire';
import { basePacket, fromHex, toHex } from './samples';

/** Options and their area bytes, written out from RFC 791 §3.1; the area starts at byte 20 of the packet. */
const GOLDEN: [string, Ipv4Option[], string][] = [
  ['NOPs, padded with zeros', [{ kind: 'nop' }, { kind: 'nop' }], '01010000'],
  ['an EOL on a word boundary, which is more than padding', [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'eol' }], '0101010100000000'],
  [
    'a loose source route of two hops, pointing at the first',
    [{ kind: 'lsrr', pointer: 4, route: ['198.18.0.9', '198.18.0.1'] }],
    '83' + '0b' + '04' + 'c6120009' + 'c6120001' + '00',
  ],
  ['a strict source route, used up', [{ kind: 'ssrr', pointer: 8, route: ['198.18.0.1'] }], '89' + '07' + '08' + 'c6120001' + '00'],
  ['a record route with two empty slots', [{ kind: 'rr', pointer: 4, route: ['0.0.0.0', '0.0.0.0'] }], '07' + '0b' + '04' + '0000000000000000' + '00'],
  [
    'timestamps only (flag 0), one stamped, overflow 2',
    [{ kind: 'timestamp', pointer: 9, overflow: 2, flag: 0, entries: [{ timestamp: 0x01020304 }, { timestamp: 0 }] }],
    '44' + '0c' + '09' + '20' + '01020304' + '00000000',
  ],
  [
    'prespecified addresses (flag 3)',
    [{ kind: 'timestamp', pointer: 5, overflow: 0, flag: 3, entries: [{ address: '198.18.0.1', timestamp: 0 }] }],
    '44' + '0c' + '05' + '03' + 'c6120001' + '00000000',
  ],
  [
    'address and timestamp pairs (flag 1) after a NOP',
    [{ kind: 'nop' }, { kind: 'timestamp', pointer: 13, overflow: 15, flag: 1, entries: [{ address: '198.18.0.9', timestamp: 0x7fffffff }] }],
    '01' + '44' + '0c' + '0d' + 'f1' + 'c6120009' + '7fffffff' + '000000',
  ],
  ['a Router Alert (RFC 2113), kept verbatim', [{ kind: 'unknown', type: 0x94, data: fromHex('0000') }], '94040000'],
  ['an unknown option with no data', [{ kind: 'unknown', type: 0x1e, data: new Uint8Array(0) }], '1e020000'],
  ['a timestamp with an undefined flag, kept verbatim', [{ kind: 'unknown', type: 0x44, data: fromHex('0502') }], '44040502'],
];

describe('IPv4 options', () => {
  test.each(GOLDEN)('encode and decode %s', (_, options, hex) => {
    expect(toHex(encodeIpv4Options(options, 20))).toBe(hex);
    expect(decodeIpv4Options(fromHex(hex), 20)).toEqual(options);
  });

  it('ride in a SYN that decodes back, with the IHL counting them (RFC 9293 §3.9.2.3 cases)', () => {
    const { ip, tcp } = basePacket();
    const options: Ipv4Option[] = [{ kind: 'lsrr', pointer: 4, route: ['198.18.0.9', '198.18.0.1'] }, { kind: 'unknown', type: 0x1e, data: fromHex('abcd') }];
    const bytes = encodePacket({ ip: { ...ip, options }, tcp });
    expect(bytes[0]).toBe(0x45 + 4); // 16 option bytes: 4 more words
    expect(decodePacket(bytes)).toMatchObject({ ip: { options, headerLength: 36 }, tcp: { srcPort: 40000 }, ipChecksumOk: true, tcpChecksumOk: true });
  });

  it('keep an EOL followed by a whole word of zeros, and leave out the one that only starts the padding', () => {
    expect(decodeIpv4Options(fromHex('0100000000000000'), 20)).toEqual([{ kind: 'nop' }, { kind: 'eol' }]);
    expect(decodeIpv4Options(fromHex('00000000'), 20)).toEqual([{ kind: 'eol' }]);
    expect(decodeIpv4Options(fromHex('01010100'), 20)).toEqual([{ kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }]);
  });

  test.each([
    ['no room for the length', '01010107', 23, 'IPv4 option type 7 has no room for its length octet'],
    ['a length of 1', '07010000', 21, 'IPv4 option type 7 has length 1, the least is 2'],
    ['a length of 0', '01940000', 22, 'IPv4 option type 148 has length 0, the least is 2'],
    ['a length past the header', '830c04c6120009000000', 21, 'IPv4 option type 131 has length 12, only 10 bytes left in the header'],
    ['a route of 3 + 4n + 1 bytes', '8308040000000000', 21, 'IPv4 route option has length 8, expected 3 + 4n (RFC 791 §3.1)'],
    ['a route with no pointer', '07020000', 21, 'IPv4 route option has length 2, expected 3 + 4n (RFC 791 §3.1)'],
    ['a timestamp with no flags octet', '44030500', 21, 'IPv4 timestamp option has length 3, expected 4 + 1n (RFC 791 §3.1)'],
    ['address pairs of 4 bytes', '440805010000000a', 21, 'IPv4 timestamp option has length 8, expected 4 + 8n (RFC 791 §3.1)'],
    ['junk after End of Option List', '00000100', 22, 'IPv4 options: non-zero octet after End of Option List (RFC 791 §3.1 pads with zeros)'],
  ])('throw a malformed WireError at the octet for %s', (_, hex, offset, problem) => {
    expect(() => decodeIpv4Options(fromHex(hex), 20)).toThrow(new WireError('malformed', offset, problem));
  });

  it('make a packet with a malformed option undecodable, at its place in the packet', () => {
    const bytes = encodePacket({ ...basePacket(), ip: { ...basePacket().ip, options: [{ kind: 'nop' }] } });
    bytes.set([0x07, 0x01], 20);
    expect(() => decodePacket(bytes)).toThrow(expect.objectContaining({ code: 'malformed', offset: 21 }));
  });

  test.each([
    ['more than 40 bytes', Array.from({ length: 11 }, (): Ipv4Option => ({ kind: 'unknown', type: 0x1e, data: fromHex('0102') })), 20, /take 44 bytes, at most 40/],
    ['an address that is not a dotted quad', [{ kind: 'nop' }, { kind: 'rr', pointer: 4, route: ['198.18.0'] }], 21, /dotted quad/],
    ['a pointer over 255', [{ kind: 'ssrr', pointer: 256, route: [] }], 20, /pointer must be an integer in 0\.\.255/],
    ['an overflow over 15', [{ kind: 'timestamp', pointer: 5, overflow: 16, flag: 0, entries: [] }], 23, /overflow must be an integer in 0\.\.15/],
    ['entries that do not fit the flag', [{ kind: 'timestamp', pointer: 5, overflow: 0, flag: 1, entries: [{ timestamp: 1 }] }], 23, /flag 1 needs entries with an address/],
    ['an EOL or NOP as unknown', [{ kind: 'unknown', type: 1, data: new Uint8Array(0) }], 20, /single octet/],
  ] as [string, Ipv4Option[], number, RegExp][])('refuse to encode %s', (_, options, offset, message) => {
    expect(() => encodeIpv4Options(options, 20)).toThrow(expect.objectContaining({ code: 'malformed', offset, message: expect.stringMatching(message) }));
  });
});
