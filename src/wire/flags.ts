import { WireError } from './errors';

/** The TCP control bits, as they sit in byte 13 of the header (RFC 9293 §3.1, Figure 1). */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

export type TcpFlagName = keyof typeof TcpFlag;

/**
 * One letter per flag, in the order flags are written: S F R P A U E C. This is tcpdump's order for the
 * common ones (`S`, `F`, `R`, `P`, then the ACK), so `SA`, `FA`, `FPA`, `RA` read as people expect.
 */
const LETTERS: readonly (readonly [letter: string, bit: number])[] = [
  ['S', TcpFlag.SYN],
  ['F', TcpFlag.FIN],
  ['R', TcpFlag.RST],
  ['P', TcpFlag.PSH],
  ['A', TcpFlag.ACK],
  ['U', TcpFlag.URG],
  ['E', TcpFlag.ECE],
  ['C', TcpFlag.CWR],
];

/** What a segment with no flags at all is written as, so that it is never an invisible empty string. */
const NO_FLAGS = '.';

/**
 * Reads flags written as letters in any order (`SA`, `AS`, `FPA`); `""` and `"."` mean none.
 * Throws a `malformed` WireError at offset 0 for an unknown or repeated letter: a case file that says
 * `SS` or `X` has a typo, and guessing would test something else than what was meant.
 */
export function parseFlags(text: string): number {
  if (text === NO_FLAGS) return 0;
  let mask = 0;
  for (const letter of text) {
    const bit = LETTERS.find(([l]) => l === letter)?.[1];
    if (bit === undefined) {
      throw new WireError('malformed', 0, `unknown TCP flag letter '${letter}' in '${text}', expected S F R P A U E C`);
    }
    if ((mask & bit) !== 0) {
      throw new WireError('malformed', 0, `TCP flag letter '${letter}' repeated in '${text}'`);
    }
    mask |= bit;
  }
  return mask;
}

/** Writes the flags in `mask` as letters in the order S F R P A U E C, or `.` when there are none. */
export function formatFlags(mask: number): string {
  const text = LETTERS.filter(([, bit]) => (mask & bit) !== 0)
    .map(([letter]) => letter)
    .join('');
  return text === '' ? NO_FLAGS : text;
}
