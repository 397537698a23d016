/**
 * The one retransmission timing a passive observer can hold an endpoint to without knowing its round
 * trip estimates: an unanswered SYN (or SYN-ACK). No RTT has been measured yet, and SYN retransmissions
 * follow the general mechanism (RFC 9293 §3.8.3, MUST-22), which doubles the timer on every expiry
 * (§3.8.2, MUST-19; RFC 6298 §5.5) up to its ceiling. A tick-based timer fires up to a tick early, hence
 * the 0.8 factor the suite's own backoff case allows, beside the profile's timing tolerance.
 */
import { toleranceMs, type Profile } from '../reference';
import { TcpFlag } from '../wire/flags';
import type { TcpSegment } from '../wire/tcp';
import type { Violation } from '../runner/oracle/oracle';

const EARLY_TICK = 0.8;

export class SynBackoff {
  /** The SYN being retransmitted: its flags and sequence number, and when its copies went out. */
  private syn: { readonly flags: number; readonly seq: number; readonly times: number[] } | undefined;

  constructor(private readonly profile: Profile) {}

  /** Anything the peer sent answers or abandons the SYN: the count starts again with the next one. */
  peerSent(): void {
    this.syn = undefined;
  }

  /** A segment of the endpoint's at `atMs`: a violation when it retransmits a SYN sooner than backoff allows. */
  endpointSent(segment: TcpSegment, atMs: number): Violation | undefined {
    if (!(segment.flags & TcpFlag.SYN)) return undefined;
    const syn = this.syn;
    if (syn === undefined || syn.flags !== segment.flags || syn.seq !== segment.seq) {
      this.syn = { flags: segment.flags, seq: segment.seq, times: [atMs] };
      return undefined;
    }
    syn.times.push(atMs);
    const n = syn.times.length;
    if (n < 3) return undefined;
    const previous = syn.times[n - 2]! - syn.times[n - 3]!;
    const interval = atMs - syn.times[n - 2]!;
    const doubled = Math.min(2 * previous, this.profile.maxRtoMs);
    const least = EARLY_TICK * doubled - toleranceMs(this.profile.timingTolerance, doubled);
    if (interval >= least) return undefined;
    return {
      rule: 'MUST-22',
      expected: `the SYN's retransmission ${Math.round(doubled)} ms after the one before (twice ${Math.round(previous)} ms), no earlier than ${Math.round(least)} ms`,
      message: `the target sent retransmission ${n - 1} of its SYN ${Math.round(interval)} ms after the one before, which came ${Math.round(previous)} ms after its own: the timer was not backed off (RFC 9293 §3.8.3, RFC 6298 §5.5)`,
    };
  }
}
