import { formatIpv4Address, parseIpv4Address, WireError } from '../../src/wire';

describe('IPv4 addresses', () => {
  test.each([
    ['198.18.0.1', 0xc6120001],
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['10.0.2.15', 0x0a00020f],
  ])('%s parses to its 32-bit value and formats back', (text, value) => {
    expect(parseIpv4Address(text, 12)).toBe(value);
    expect(formatIpv4Address(value)).toBe(text);
  });

  test.each(['', '1.2.3', '1.2.3.4.5', '1.2.3.256', '01.2.3.4', '1.2.3.4.', '.1.2.3', '1..2.3', '1.2.3.-4', 'a.b.c.d', '1.2.3.4 ', '1000.2.3.4'])(
    '%j is refused with a WireError at the given offset',
    (text) => {
      expect(() => parseIpv4Address(text, 16)).toThrow(WireError);
      try {
        parseIpv4Address(text, 16);
      } catch (error) {
        expect((error as WireError).offset).toBe(16);
        expect((error as WireError).message).toContain('dotted quad');
      }
    },
  );
});
