/**
 * 32-bit sequence-number arithmetic. RFC 9293 §3.4: "the actual sequence number space is finite ... 0 to
 * 2**32 - 1 ... all arithmetic dealing with sequence numbers must be performed modulo 2**32."
 *
 * Comparisons take the shorter way round the circle, via the signed 32-bit distance (as in RFC 1982
 * serial-number arithmetic): `a` is before `b` when going forward from `a` reaches `b` in fewer than
 * 2^31 steps. Two numbers exactly 2^31 apart have no defined order; here each counts as before the other.
 */

/** A sequence or acknowledgment number, an integer in 0..2^32-1. */
export type Seq = number;

/** `a + n` modulo 2^32; `n` may be negative. */
export function seqAdd(a: Seq, n: number): Seq {
  return (a + n) >>> 0;
}

/** The signed distance `a - b`, in -2^31..2^31-1: how far forward `a` lies from `b`. */
export function seqSub(a: Seq, b: Seq): number {
  return (a - b) | 0;
}

export function seqLt(a: Seq, b: Seq): boolean {
  return seqSub(a, b) < 0;
}

export function seqLe(a: Seq, b: Seq): boolean {
  return seqSub(a, b) <= 0;
}

export function seqGt(a: Seq, b: Seq): boolean {
  return seqSub(a, b) > 0;
}

export function seqGe(a: Seq, b: Seq): boolean {
  return seqSub(a, b) >= 0;
}

/**
 * Whether `start <= x < start + size` modulo 2^32, the form of every window test in RFC 9293 §3.4 and
 * §3.10.7.4. A window of size 0 holds nothing.
 */
export function seqInWindow(x: Seq, start: Seq, size: number): boolean {
  return seqAdd(x, -start) < size;
}
