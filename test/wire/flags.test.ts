import { TcpFlag, WireError, formatFlags, parseFlags } from '../../src/wire';

describe('TcpFlag', () => {
  it('has the bit positions of RFC 9293 §3.1', () => {
    expect(TcpFlag).toEqual({ FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128 });
  });
});

describe('parseFlags', () => {
  it.each([
    ['S', TcpFlag.SYN],
    ['SA', TcpFlag.SYN | TcpFlag.ACK],
    ['AS', TcpFlag.SYN | TcpFlag.ACK],
    ['FPA', TcpFlag.FIN | TcpFlag.PSH | TcpFlag.ACK],
    ['RA', TcpFlag.RST | TcpFlag.ACK],
    ['UEC', TcpFlag.URG | TcpFlag.ECE | TcpFlag.CWR],
    ['SFRPAUEC', 0xff],
    ['', 0],
    ['.', 0],
  ])('reads %j as %i', (text, mask) => {
    expect(parseFlags(text)).toBe(mask);
  });

  it('rejects an unknown letter, naming it', () => {
    expect(() => parseFlags('SX')).toThrow(WireError);
    expect(() => parseFlags('SX')).toThrow(/unknown TCP flag letter 'X'/);
    expect(() => parseFlags('s')).toThrow(/'s'/);
  });

  it('rejects a repeated letter, naming it', () => {
    expect(() => parseFlags('SAS')).toThrow(/letter 'S' repeated/);
  });

  it('reports errors as malformed at offset 0', () => {
    expect(() => parseFlags('Q')).toThrow(expect.objectContaining({ code: 'malformed', offset: 0 }));
  });
});

describe('formatFlags', () => {
  it.each([
    [TcpFlag.SYN, 'S'],
    [TcpFlag.SYN | TcpFlag.ACK, 'SA'],
    [TcpFlag.FIN | TcpFlag.ACK, 'FA'],
    [TcpFlag.RST | TcpFlag.ACK, 'RA'],
    [TcpFlag.PSH | TcpFlag.ACK, 'PA'],
    [TcpFlag.FIN | TcpFlag.PSH | TcpFlag.ACK, 'FPA'],
    [0xff, 'SFRPAUEC'],
    [0, '.'],
  ])('writes %i as %j', (mask, text) => {
    expect(formatFlags(mask)).toBe(text);
  });

  it('reads back what it writes, for every mask', () => {
    for (let mask = 0; mask <= 0xff; mask++) expect(parseFlags(formatFlags(mask))).toBe(mask);
  });
});
