/**
 * The parameters RFC 9293 leaves to the implementation. The reference machine takes every one of them
 * from a profile, so that a target's declared values (a Linux TIME-WAIT of 60 s, say) change the oracle's
 * expectations without changing its code, and a report can list each value that departs from the RFC's.
 */

export interface Profile {
  /** A short name for reports, e.g. `rfc9293`. */
  readonly name: string;
  /** MSL, the Maximum Segment Lifetime. TIME-WAIT lasts 2×MSL (RFC 9293 §3.6.1, MUST-13). */
  readonly mslMs: number;
  /** The RTO before any round-trip time has been measured (RFC 6298 §2.1). */
  readonly initialRtoMs: number;
  /** The floor of a computed RTO (RFC 6298 §2.4). */
  readonly minRtoMs: number;
  /** The ceiling of the RTO, backed off or computed (RFC 6298 §2.5). */
  readonly maxRtoMs: number;
  /**
   * How late an ACK may come (RFC 9293 §3.8.6.3, MUST-40). The machine itself acknowledges at once, the
   * earliest conforming moment; this is the bound an oracle grants a target that delays its ACKs.
   */
  readonly maxAckDelayMs: number;
  /**
   * RFC 5961's three mitigations, which stacks adopt separately; each off is RFC 793's behaviour.
   * §3: a RST in the window but not at RCV.NXT draws a challenge ACK instead of a reset.
   */
  readonly rfc5961Rst: boolean;
  /** RFC 5961 §4: a SYN in a synchronized state draws a challenge ACK instead of a reset. */
  readonly rfc5961Syn: boolean;
  /** RFC 5961 §5 (RFC 9293 MAY-12): an ACK outside (SND.UNA - MAX.SND.WND)..SND.NXT is dropped and answered. */
  readonly rfc5961Ack: boolean;
  /** RFC 1337's remedy for TIME-WAIT assassination: a RST in TIME-WAIT is ignored, where RFC 9293 closes. */
  readonly rfc1337: boolean;
  /**
   * MAY-2 (RFC 9293 §3.6.1): a new SYN above RCV.NXT in TIME-WAIT reopens the connection, with an ISS
   * above the old connection's sequence space; off, TIME-WAIT's own rules answer it.
   */
  readonly reopenFromTimeWait: boolean;
  /**
   * SHLD-26 once the connection is synchronized: an ICMP port or protocol unreachable aborts it. Off, such
   * an error is soft there, as RFC 5927 §5.2 advises against blind connection resets; before the
   * connection is synchronized a hard error aborts it either way.
   */
  readonly icmpHardErrorsAbort: boolean;
  /**
   * RFC 3168 §6.1.1 (SHLD-8): an ECN-setup SYN (ECE and CWR) is answered with an ECN-setup SYN-ACK (ECE
   * alone), and the connection is then ECN-capable.
   */
  readonly ecnAccept: boolean;
  /** RFC 3168 §6.1.1: the endpoint's own SYN is an ECN-setup SYN, asking for ECN. */
  readonly ecnRequest: boolean;
  /**
   * RFC 9293 §3.9.2.1 (MUST-53, SHLD-24): a datagram that arrives by a source route is taken, and the
   * route back, reversed, carries every segment sent on the connection; off, IP drops source-routed
   * datagrams, as most hosts are configured to (RFC 7126 §4.3).
   */
  readonly sourceRoute: boolean;
  /**
   * RFC 7323 §2: the endpoint offers a Window Scale option in its SYN, and answers one in a SYN-ACK, with
   * `windowShift`; scaling is on when both SYNs carry the option (§2.2).
   */
  readonly windowScaling: boolean;
  /** RFC 7323 §2.3: the shift this endpoint's Window Scale option carries, 0 to 14. */
  readonly windowShift: number;
  /** RFC 7323 §3: the endpoint offers timestamps (TSopt) in its SYN and answers them in a SYN-ACK. */
  readonly timestamps: boolean;
  /** RFC 2018 §2: the endpoint sends SACK-permitted in its SYN, and in a SYN-ACK answering one. */
  readonly sackPermitted: boolean;
  /**
   * IW, the initial congestion window in full-sized segments (RFC 5681 §3.1: at most 4; RFC 6928 §2:
   * 10): the most a sender has in flight before the first acknowledgment of new data.
   */
  readonly initialWindow: number;
  /**
   * RFC 8985 §7: on a connection with SACK, a tail loss probe may send one new segment even when cwnd is
   * full. Not the machine's (it sends none); an oracle grants the target that segment beyond RFC 5681's
   * bound.
   */
  readonly tailLossProbe: boolean;
  /**
   * β, the share of the congestion window that ssthresh keeps when duplicate ACKs show a loss: 0.5 by
   * RFC 5681 §3.2 (FlightSize / 2), 0.7 by CUBIC (RFC 9438 §4.6); 1 declares no cut (BBR). Not the
   * machine's (it follows RFC 5681); an oracle holds what a target sends once fast recovery ends to β of
   * the window before the loss.
   */
  readonly multiplicativeDecrease: number;
  /** RCV.BUFF in octets: the receive buffer, and so the initial RCV.WND (RFC 9293 §3.8.6.2.2). */
  readonly receiveBuffer: number;
  /** The MSS this endpoint advertises, and the largest segment its interface sends (RFC 9293 §3.7.1). */
  readonly mss: number;
  /** R2: how long the same segment may go unacknowledged before the connection is aborted (RFC 9293 §3.8.3). */
  readonly userTimeoutMs: number;
  /** R2 for a SYN: how long an active open retransmits its SYN before it gives up (RFC 9293 §3.8.3, MUST-23). */
  readonly synUserTimeoutMs: number;
  /** How long a connection with keep-alives on is idle before the first probe (RFC 9293 §3.8.4, MUST-28). */
  readonly keepAliveIdleMs: number;
  /** The time between keep-alive probes that go unanswered. */
  readonly keepAliveIntervalMs: number;
  /** How many keep-alive probes go unanswered before the connection is given up (MUST-29: never one alone by default). */
  readonly keepAliveCount: number;
  /**
   * Not an RFC parameter and never read by the machine: how far the target's timers may stray, as seen
   * on the wire, from the times a case or this profile gives (packetdrill's tolerance). An oracle grants
   * it on every timed check; a virtual-clock target needs none.
   */
  readonly timingTolerance: TimingTolerance;
}

/** An absolute floor plus a share of the interval judged: `4ms + 10%` of a 200 ms timer is 24 ms. */
export interface TimingTolerance {
  readonly floorMs: number;
  readonly percent: number;
}

/** The slack a timed check of `intervalMs` is granted under `tolerance`. */
export function toleranceMs(tolerance: TimingTolerance, intervalMs: number): number {
  return tolerance.floorMs + (tolerance.percent / 100) * Math.max(0, intervalMs);
}

/** The RFC's own defaults. */
export const RFC9293_PROFILE: Profile = {
  name: 'rfc9293',
  // RFC 9293 §3.4.2: "For this specification the MSL is taken to be 2 minutes."
  mslMs: 120_000,
  // RFC 6298 §2.1: "the sender SHOULD set RTO <- 1 second" until a measurement is made.
  initialRtoMs: 1_000,
  // RFC 6298 §2.4: a computed RTO below 1 second "SHOULD be rounded up to 1 second".
  minRtoMs: 1_000,
  // RFC 6298 §2.5: "A maximum value MAY be placed on RTO provided it is at least 60 seconds."
  maxRtoMs: 60_000,
  // RFC 9293 §3.8.6.3: "the delay MUST be less than 0.5 seconds (MUST-40)".
  maxAckDelayMs: 500,
  // RFC 9293 §3.10.7.4 describes RFC 5961's checks, which RFC 5961 makes SHOULD (RST, SYN) and MAY (ACK).
  rfc5961Rst: true,
  rfc5961Syn: true,
  rfc5961Ack: true,
  // RFC 9293 §3.10.7.4, second check: in TIME-WAIT an acceptable RST closes; RFC 1337 is informational.
  rfc1337: false,
  // RFC 9293 §3.6.1: reopening from TIME-WAIT is a MAY (MAY-2); the machine follows TIME-WAIT's rules.
  reopenFromTimeWait: false,
  // RFC 9293 §3.9.2.2: "Destination Unreachable -- codes 2-4 ... SHOULD abort the connection (SHLD-26)".
  icmpHardErrorsAbort: true,
  // RFC 9293 §3.8.2: "TCP implementations SHOULD implement ECN" (SHLD-8), and RFC 3168 §6.1.1 has an
  // ECN-capable host answer an ECN-setup SYN with an ECN-setup SYN-ACK. Whether to ask for ECN in its own
  // SYN is the host's choice; the machine does not, as most hosts do not by default.
  ecnAccept: true,
  ecnRequest: false,
  // RFC 9293 §3.9.2.1: the return route of a source-routed SYN MUST be kept and used (MUST-53).
  sourceRoute: true,
  // RFC 9293 §3.2 lists the options of RFC 7323 and RFC 2018, which every modern stack offers; the
  // machine offers them all, with a shift of 0: its own window stays within the 16-bit field.
  windowScaling: true,
  windowShift: 0,
  timestamps: true,
  sackPermitted: true,
  // RFC 5681 §3.1, equation (1): IW = min(4*SMSS, max(2*SMSS, 4380 bytes)), at most 4 segments.
  initialWindow: 4,
  // RFC 8985's tail loss probe is a standard of its own, not RFC 9293's or RFC 5681's.
  tailLossProbe: false,
  // RFC 5681 §3.2 step 2, equation (4): ssthresh = max(FlightSize / 2, 2*SMSS).
  multiplicativeDecrease: 0.5,
  // RFC 9293 has no default buffer: 65535 is the largest window the 16-bit field offers without window
  // scaling (RFC 9293 §3.1, Window).
  receiveBuffer: 65_535,
  // RFC 9293 §3.7.1: the default send MSS for IPv4 (MUST-15), 576 - 40: the interface the RFC assumes.
  mss: 536,
  // RFC 9293 §3.9.1.1: "The present global default is five minutes." It satisfies both R2 at least
  // 100 seconds (SHLD-11) and, for a SYN, at least 3 minutes (MUST-23).
  userTimeoutMs: 300_000,
  // RFC 9293 §3.8.3: "R2 for a SYN segment MUST be set large enough to provide retransmission of the
  // segment for at least 3 minutes" (MUST-23); the global default of §3.9.1.1 is above it.
  synUserTimeoutMs: 300_000,
  // RFC 9293 §3.8.4: the keep-alive interval "MUST default to no less than two hours" (MUST-28).
  keepAliveIdleMs: 7_200_000,
  // RFC 9293 §3.8.4 leaves the interval between probes and their number open: 75 s and 9, the values
  // BSD's and Linux's stacks take.
  keepAliveIntervalMs: 75_000,
  keepAliveCount: 9,
  // The machine's own timers are exact.
  timingTolerance: { floorMs: 0, percent: 0 },
};

/** Largest window the 16-bit Window field can carry (RFC 9293 §3.1). */
const MAX_WINDOW = 0xffff;
/** RFC 7323 §2.3: the largest shift a Window Scale option may carry. */
export const MAX_SHIFT = 14;

/** Throws a RangeError naming the first value of `profile` that the machine cannot run with. */
export function checkProfile(profile: Profile): void {
  const positive: (keyof Profile)[] = ['mslMs', 'initialRtoMs', 'minRtoMs', 'maxRtoMs', 'mss', 'userTimeoutMs', 'synUserTimeoutMs', 'keepAliveIdleMs', 'keepAliveIntervalMs', 'keepAliveCount', 'initialWindow'];
  for (const key of positive) {
    const value = profile[key];
    if (typeof value !== 'number' || !(value > 0)) throw new RangeError(`profile ${profile.name}: ${key} must be positive, got ${String(value)}`);
  }
  if (profile.minRtoMs > profile.maxRtoMs) throw new RangeError(`profile ${profile.name}: minRtoMs ${profile.minRtoMs} exceeds maxRtoMs ${profile.maxRtoMs}`);
  if (!Number.isInteger(profile.windowShift) || profile.windowShift < 0 || profile.windowShift > MAX_SHIFT) {
    throw new RangeError(`profile ${profile.name}: windowShift must be 0..${MAX_SHIFT} (RFC 7323 §2.3), got ${profile.windowShift}`);
  }
  // What the window field can offer: 65535, scaled by the shift when the profile scales (RFC 7323 §2.2).
  const largest = MAX_WINDOW * 2 ** (profile.windowScaling ? profile.windowShift : 0);
  if (!Number.isInteger(profile.receiveBuffer) || profile.receiveBuffer < 0 || profile.receiveBuffer > largest) {
    throw new RangeError(`profile ${profile.name}: receiveBuffer must be 0..${largest} octets (what its window field can offer), got ${profile.receiveBuffer}`);
  }
}
