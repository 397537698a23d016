import { TcpFlag, decodePacket, formatOptions, formatSegment } from '../../src/wire';
import { CAPTURED, basePacket, fromHex } from './samples';

describe('formatOptions', () => {
  it('writes the options of a Linux SYN the way tcpdump would, shortened', () => {
    const options = decodePacket(CAPTURED.syn).tcp?.options ?? [];
    expect(formatOptions(options)).toBe('mss 1460,sackOK,ts 2067929842 0,nop,wscale 10');
  });

  it('writes every kind', () => {
    expect(
      formatOptions([
        { kind: 'eol' },
        { kind: 'nop' },
        { kind: 'sack', blocks: [{ left: 1001, right: 2001 }, { left: 3001, right: 4001 }] },
        { kind: 'unknown', type: 30, data: fromHex('0102') },
        { kind: 'unknown', type: 99, data: new Uint8Array(0) },
        { kind: 'malformed', bytes: fromHex('0201'), reason: 'illegal length 1' },
      ]),
    ).toBe('eol,nop,sack {1001:2001}{3001:4001},opt-30 0x0102,opt-99,malformed 0x0201 (illegal length 1)');
  });

  it('writes nothing for no options', () => {
    expect(formatOptions([])).toBe('');
  });
});

describe('formatSegment', () => {
  it('writes a SYN without its ack', () => {
    expect(formatSegment(decodePacket(CAPTURED.syn).tcp ?? basePacket().tcp)).toBe(
      '60994 > 80 S seq 3286783763 win 64240 [mss 1460,sackOK,ts 2067929842 0,nop,wscale 10] len 0',
    );
  });

  it('writes the ack when ACK is set, and the payload length', () => {
    expect(formatSegment(decodePacket(CAPTURED.data).tcp ?? basePacket().tcp)).toBe(
      '60994 > 80 PA seq 3286783764 ack 5001 win 63 [nop,nop,ts 2067929843 100] len 6',
    );
  });

  it('writes the urgent pointer only when URG is set, and "." for no flags', () => {
    const tcp = { ...basePacket().tcp, urgentPointer: 9 };
    expect(formatSegment({ ...tcp, flags: 0 })).toBe('40000 > 80 . seq 1000 win 65535 len 0');
    expect(formatSegment({ ...tcp, flags: TcpFlag.URG })).toBe('40000 > 80 U seq 1000 win 65535 urg 9 len 0');
  });
});
