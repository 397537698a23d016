import { WireError } from './errors';

/**
 * Checks that `value` fits an unsigned field of `bits` bits. DataView setters would silently wrap
 * 70000 into a 16-bit port, and a harness that sends something other than what the case says is worse
 * than one that stops. `what` names the field only when the check fails: building that text for every
 * field of every packet was most of the encoder's time.
 */
export function checkUnsigned(value: number, bits: number, what: () => string, offset: number): void {
  const max = 2 ** bits - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new WireError('malformed', offset, `${what()} must be an integer in 0..${max}, got ${value}`);
  }
}
