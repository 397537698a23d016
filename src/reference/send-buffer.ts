/**
 * The octets SEND queued and the peer has not yet acknowledged, oldest first: what RFC 9293 §3.10.2
 * queues for transmission and §3.10.8 retransmits. A growable byte array that drops from the front.
 */

/** The octet SEND queues when the application gives a count: "abc…z" repeating over the connection's output. */
const PATTERN = 'abcdefghijklmnopqrstuvwxyz';
/** The pattern repeated, so that any run of it is copied in blocks rather than octet by octet. */
const PATTERN_BLOCK = Uint8Array.from({ length: PATTERN.length * 256 }, (_, i) => PATTERN.charCodeAt(i % PATTERN.length));
/** The longest copy from PATTERN_BLOCK that may start at any phase of the pattern. */
const COPY = PATTERN_BLOCK.length - PATTERN.length;

/**
 * `length` pattern octets starting at octet `offset` of the connection's output. A run short enough is
 * a view of the shared block rather than a copy: SEND buffers are never written to (see SendBuffer),
 * and a capture's checking queues one such buffer for every data segment it reads.
 */
export function patternOctets(offset: number, length: number): Uint8Array {
  const phase = offset % PATTERN.length;
  if (length <= COPY) return PATTERN_BLOCK.subarray(phase, phase + length);
  const octets = new Uint8Array(length);
  for (let at = 0; at < length; at += COPY) octets.set(PATTERN_BLOCK.subarray(phase, phase + Math.min(COPY, length - at)), at);
  return octets;
}

/**
 * The SEND buffers themselves, as the application gave them, until wholly acknowledged: RFC 9293 returns
 * a SEND buffer to its user only once it is "SENT and fully acknowledged" (§3.10.7.4 fifth), so the
 * application must not change it meanwhile. Nothing is copied on the way in, and a segment's octets are
 * a view of its buffer unless they span two.
 */
export class SendBuffer {
  /** Buffers not yet wholly acknowledged, oldest first. */
  private readonly buffers: Uint8Array[] = [];
  /** Octets at the start of the first buffer that are acknowledged. */
  private acknowledged = 0;
  private held = 0;

  /** Octets held. */
  get length(): number {
    return this.held;
  }

  push(octets: Uint8Array): void {
    if (octets.length === 0) return;
    this.buffers.push(octets);
    this.held += octets.length;
  }

  /** Forgets the `count` oldest octets (they were acknowledged). */
  drop(count: number): void {
    let rest = Math.min(count, this.held);
    this.held -= rest;
    while (rest > 0) {
      const left = this.buffers[0]!.length - this.acknowledged;
      if (rest < left) {
        this.acknowledged += rest;
        return;
      }
      rest -= left;
      this.buffers.shift();
      this.acknowledged = 0;
    }
  }

  /** `count` octets starting `offset` octets after the oldest: a view when one buffer holds them all. */
  read(offset: number, count: number): Uint8Array {
    if (count === 0) return NO_OCTETS;
    let at = this.acknowledged + offset;
    let index = 0;
    while (at >= this.buffers[index]!.length) at -= this.buffers[index++]!.length;
    const first = this.buffers[index]!;
    if (at + count <= first.length) return first.subarray(at, at + count);
    const octets = new Uint8Array(count);
    for (let filled = 0; filled < count; at = 0) {
      const piece = this.buffers[index++]!.subarray(at, at + count - filled);
      octets.set(piece, filled);
      filled += piece.length;
    }
    return octets;
  }
}

const NO_OCTETS = new Uint8Array(0);
