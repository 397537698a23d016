import { ECN_CODEPOINTS, TcpFlag, WireError, decodePacket, encodePacket } from '../../src/wire';
import type { Ecn } from '../../src/wire';
import { basePacket } from './samples';

const v6 = { version: 6, src: '2001:2::2', dst: '2001:2::1', hopLimit: 64, protocol: 6 } as const;

describe('the ECN field (RFC 3168 §5)', () => {
  test.each([
    ['not-ect', 0b00],
    ['ect1', 0b01],
    ['ect0', 0b10],
    ['ce', 0b11],
  ] as const)('%s is the two bits %i of the IPv4 TOS byte and the IPv6 traffic class', (ecn, bits) => {
    const { tcp } = basePacket();
    const ipv4 = encodePacket({ ip: { ...basePacket().ip, dscp: 0b101110, ecn }, tcp });
    expect(ipv4[1]).toBe((0b101110 << 2) | bits);
    expect(decodePacket(ipv4).ip).toMatchObject({ dscp: 0b101110, ecn });
    const ipv6 = encodePacket({ ip: { ...v6, dscp: 0b101110, ecn, flowLabel: 0xfffff }, tcp });
    // Traffic class: the low nibble of octet 0 and the high nibble of octet 1; the flow label after it.
    expect([ipv6[0], ipv6[1], ipv6[2], ipv6[3]]).toEqual([0x60 | 0b1011, (0b10 << 6) | (bits << 4) | 0xf, 0xff, 0xff]);
    expect(decodePacket(ipv6).ip).toMatchObject({ dscp: 0b101110, ecn, flowLabel: 0xfffff });
  });

  it('is Not-ECT with DSCP 0 when a header leaves them out', () => {
    const { tcp } = basePacket();
    expect(encodePacket({ ip: basePacket().ip, tcp })[1]).toBe(0);
    expect(decodePacket(encodePacket({ ip: v6, tcp })).ip).toMatchObject({ dscp: 0, ecn: 'not-ect' });
  });

  it('names the four codepoints in the order of their values', () => {
    expect(ECN_CODEPOINTS).toEqual(['not-ect', 'ect1', 'ect0', 'ce']);
  });

  it('refuses a name that is not a codepoint, and a DSCP over 6 bits, at the traffic class', () => {
    const { ip, tcp } = basePacket();
    expect(() => encodePacket({ ip: { ...ip, ecn: 'ect2' as Ecn }, tcp })).toThrow(
      new WireError('malformed', 1, "ECN codepoint must be one of not-ect, ect1, ect0, ce, got 'ect2'"),
    );
    expect(() => encodePacket({ ip: { ...v6, dscp: 64 }, tcp })).toThrow(expect.objectContaining({ code: 'malformed', offset: 0 }));
  });

  it("has TCP's ECE and CWR flags named beside it (RFC 3168 §6.1)", () => {
    expect([TcpFlag.ECE, TcpFlag.CWR]).toEqual([0x40, 0x80]);
  });
});
