import { WireError, decodeTcpOptions, encodeTcpOptions } from '../../src/wire';
import type { TcpOption } from '../../src/wire';
import { fromHex, randomBytes, seededRandom, toHex } from './samples';

const encode = (options: TcpOption[]): string => toHex(encodeTcpOptions(options, 40));
const decode = (hex: string): readonly TcpOption[] => decodeTcpOptions(fromHex(hex), 40);

describe('encodeTcpOptions', () => {
  it.each<[string, TcpOption, string]>([
    ['eol', { kind: 'eol' }, '00'],
    ['nop', { kind: 'nop' }, '01'],
    ['mss', { kind: 'mss', mss: 1460 }, '020405b4'],
    ['wscale', { kind: 'wscale', shift: 7 }, '030307'],
    ['sack-permitted', { kind: 'sack-permitted' }, '0402'],
    ['sack', { kind: 'sack', blocks: [{ left: 1, right: 0xffffffff }] }, '050a00000001ffffffff'],
    ['timestamps', { kind: 'timestamps', tsval: 100, tsecr: 0xdeadbeef }, '080a00000064deadbeef'],
    ['unknown', { kind: 'unknown', type: 30, data: fromHex('abcd') }, '1e04abcd'],
    ['malformed', { kind: 'malformed', bytes: fromHex('0201'), reason: 'test' }, '0201'],
  ])('writes %s as its RFC layout, padded to a word with zeros', (_, option, hex) => {
    expect(encode([option])).toBe(hex.padEnd(Math.ceil(hex.length / 8) * 8, '0'));
  });

  it('keeps the order given and pads once at the end', () => {
    expect(encode([{ kind: 'nop' }, { kind: 'wscale', shift: 14 }, { kind: 'nop' }])).toBe('0103030e01000000');
  });

  it('writes nothing for no options', () => {
    expect(encode([])).toBe('');
  });

  it('accepts exactly 40 bytes and rejects more, with the offset of the area', () => {
    const fourBlocks = { kind: 'sack', blocks: [1, 2, 3, 4].map((n) => ({ left: n, right: n + 1 })) } as const;
    const nop = { kind: 'nop' } as const;
    expect(encodeTcpOptions([nop, nop, fourBlocks, nop, nop], 40)).toHaveLength(40);
    const tooMany = () => encodeTcpOptions([nop, nop, fourBlocks, nop, nop, nop, nop, nop], 40);
    expect(tooMany).toThrow(WireError);
    expect(tooMany).toThrow(expect.objectContaining({ code: 'malformed', offset: 40 }));
    expect(tooMany).toThrow(/TCP options take 41 bytes, at most 40/);
  });

  it('rejects values that do not fit their field, at the option', () => {
    expect(() => encodeTcpOptions([{ kind: 'nop' }, { kind: 'mss', mss: 70000 }], 40)).toThrow(
      expect.objectContaining({
        code: 'malformed',
        offset: 41,
        message: expect.stringMatching(/mss mss must be an integer in 0\.\.65535, got 70000/),
      }),
    );
    expect(() => encode([{ kind: 'timestamps', tsval: -1, tsecr: 0 }])).toThrow(/tsval/);
    expect(() => encode([{ kind: 'wscale', shift: 1.5 }])).toThrow(/shift/);
  });

  it('refuses an unknown option of kind 0 or 1, which have no length byte', () => {
    expect(() => encode([{ kind: 'unknown', type: 1, data: new Uint8Array(2) }])).toThrow(/kind 1 has no length field/);
  });
});

describe('decodeTcpOptions', () => {
  it('reads every interpreted kind', () => {
    const area = '020405b4' + '0402' + '080a00000064' + '00000000' + '01' + '030307' + '050a0000000100000002' + '0000';
    expect(decode(area)).toEqual([
      { kind: 'mss', mss: 1460 },
      { kind: 'sack-permitted' },
      { kind: 'timestamps', tsval: 100, tsecr: 0 },
      { kind: 'nop' },
      { kind: 'wscale', shift: 7 },
      { kind: 'sack', blocks: [{ left: 1, right: 2 }] },
    ]);
  });

  it('reads options that do not start on a word boundary (RFC 9293 MUST-64)', () => {
    expect(decode('01' + '020405b4' + '030307')).toEqual([
      { kind: 'nop' },
      { kind: 'mss', mss: 1460 },
      { kind: 'wscale', shift: 7 },
    ]);
  });

  it('keeps an unknown kind raw and goes on (RFC 9293 MUST-6)', () => {
    expect(decode('fd06 01020304' + '01' + '0402' + '000000')).toEqual([
      { kind: 'unknown', type: 253, data: fromHex('01020304') },
      { kind: 'nop' },
      { kind: 'sack-permitted' },
    ]);
    expect(decode('1e02 0000')).toEqual([{ kind: 'unknown', type: 30, data: new Uint8Array(0) }]);
  });

  describe('an illegal length (RFC 9293 MUST-7)', () => {
    it.each([
      ['length 0', '01 0200 000000', /kind 2 at byte 41 has illegal length 0/],
      ['length 1', '01 0801 000000', /kind 8 at byte 41 has illegal length 1/],
      ['a length past the header', '01 080a 00000000 00', /kind 8 at byte 41 has length 10, only 7 bytes left/],
      ['no room for the length', '010101 fe', /kind 254 at byte 43 has no room for its length byte/],
    ])('yields the options before it, then the rest of the area as malformed, for %s', (_, hex, reason) => {
      const options = decode(hex);
      const area = fromHex(hex);
      const nops = area.findIndex((byte) => byte !== 1);
      expect(options.slice(0, -1)).toEqual(Array.from({ length: nops }, () => ({ kind: 'nop' })));
      expect(options.at(-1)).toEqual({ kind: 'malformed', bytes: area.slice(nops), reason: expect.stringMatching(reason) });
    });
  });

  it('marks a known kind of the wrong length malformed and goes on after it', () => {
    expect(decode('020601020304' + '030307' + '000000')).toEqual([
      { kind: 'malformed', bytes: fromHex('020601020304'), reason: 'MSS option at byte 40 has length 6, expected 4' },
      { kind: 'wscale', shift: 7 },
    ]);
    expect(decode('05030000')).toEqual([
      { kind: 'malformed', bytes: fromHex('050300'), reason: 'SACK option at byte 40 has length 3, expected 2 + 8 per block' },
    ]);
    expect(decode('08040000')).toEqual([expect.objectContaining({ kind: 'malformed', reason: expect.stringMatching(/timestamps/) })]);
  });

  it('leaves out an EOL that only pads the last word', () => {
    expect(decode('020405b4 030307 00')).toEqual([{ kind: 'mss', mss: 1460 }, { kind: 'wscale', shift: 7 }]);
  });

  it('keeps an EOL that starts a word, or is followed by a whole zero word', () => {
    expect(decode('020405b4 00000000')).toEqual([{ kind: 'mss', mss: 1460 }, { kind: 'eol' }]);
    expect(decode('01 00 0000 00000000')).toEqual([{ kind: 'nop' }, { kind: 'eol' }]);
  });

  it('reports non-zero bytes after an EOL as malformed (RFC 9293 MUST-69)', () => {
    expect(decode('01 00 0200')).toEqual([
      { kind: 'nop' },
      { kind: 'eol' },
      {
        kind: 'malformed',
        bytes: fromHex('0200'),
        reason: 'non-zero bytes after End of Option List at byte 41, RFC 9293 MUST-69 requires zeros',
      },
    ]);
  });

  it('gives back what encodeTcpOptions was given, for options that need no padding EOL', () => {
    const options: TcpOption[] = [
      { kind: 'nop' },
      { kind: 'mss', mss: 536 },
      { kind: 'sack', blocks: [] },
      { kind: 'unknown', type: 99, data: fromHex('00ff') },
      { kind: 'timestamps', tsval: 0xffffffff, tsecr: 1 },
      { kind: 'wscale', shift: 255 },
      { kind: 'eol' },
    ];
    expect(decodeTcpOptions(encodeTcpOptions(options, 40), 40)).toEqual(options);
  });

  it('never throws on any bytes (fuzz, seed 1071)', () => {
    const random = seededRandom(1071);
    for (let i = 0; i < 5000; i++) {
      const area = randomBytes(random, Math.floor(random() * 41));
      // Small kinds and lengths are the interesting ones: make them common.
      for (let at = 0; at < area.length; at++) if (random() < 0.5) area[at] = Math.floor(random() * 12);
      expect(() => decodeTcpOptions(area, 40)).not.toThrow();
    }
  });
});
