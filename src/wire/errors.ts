/**
 * Why a packet could not be decoded or encoded.
 *
 * - `truncated`: the bytes end before a length field says they should.
 * - `malformed`: a field holds a value the format does not allow (or, when encoding, a value does not fit
 *   its field).
 * - `unsupported`: well-formed, but outside what this module decodes (IP versions other than 4 and 6,
 *   fragments, IPv6 jumbograms).
 */
export type WireErrorCode = 'truncated' | 'malformed' | 'unsupported';

/**
 * The only error decoding throws, whatever the input: callers can tell "the target sent garbage" (a
 * finding) from "the harness broke" (any other error) by this class alone.
 */
export class WireError extends Error {
  override readonly name = 'WireError';

  /**
   * @param offset byte offset in the packet where the problem is; it is appended to the message so that
   *   logs carry it too.
   * @param problem what was expected and what was found.
   */
  constructor(
    readonly code: WireErrorCode,
    readonly offset: number,
    problem: string,
  ) {
    super(`${problem} (at byte ${offset})`);
  }
}
