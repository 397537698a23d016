/**
 * Every decision the reference machine takes, named after the section that prescribes it (RFC 9293 unless
 * the prefix says otherwise), with what it does. A run records the rules it fired (`firedRules`), so a
 * suite can report which rules it never reaches.
 */
const RULES = {
  // §3.6 Closing a connection, §3.6.1 half-closed connections.
  '3.6/fin-sent': 'the FIN CLOSE queued goes out, after all data before it',
  '3.6.1/unread-data-reset': 'a close ending reading too, with received data unread: RST, data was lost (SHLD-3)',
  '3.6.1/data-after-close-reset': 'new data after a close that ended reading: RST (SHLD-3)',
  '3.6.1/time-wait-reopen': 'TIME-WAIT: a new SYN above RCV.NXT reopens the connection, ISS above the old sequence space (MAY-2)',
  // §3.7 Segmentation.
  '3.7.1/mss-option': "SendMSS from the peer's MSS option",
  '3.7.1/mss-default': 'no MSS option on the SYN: SendMSS 536 (MUST-15)',
  '3.7.4/nagle': 'small data waits while data is in flight (Nagle, SHLD-7)',
  // §3.8.4 Keep-alives.
  '3.8.4/keep-alive-probe': 'keep-alives on, idle for their interval, nothing outstanding: a probe, <SEQ=SND.NXT-1> without data (SHLD-12)',
  '3.8.4/keep-alive-deferred': 'keep-alive due while data is outstanding: no probe (MUST-26)',
  '3.8.4/keep-alive-answered': 'the peer heard from after unanswered probes: the connection goes on (MUST-29)',
  '3.8.4/keep-alive-give-up': "the profile's count of probes unanswered: CLOSED, the user told (timeout)",
  // §3.8.6 Managing the window.
  '3.8.6.1/window-closed': 'data or FIN waits: the send window is closed',
  '3.8.6.1/probe': 'zero window for one RTO: one new octet (or the FIN) probes it (SHLD-29)',
  '3.8.6.1/probe-again': 'retransmission timeout with a zero window: the probe octet again, backed off (SHLD-30)',
  '3.8.6.1/zero-window-acknowledged': 'the peer acknowledges with a zero window: the connection stays open (MUST-37)',
  '3.8.6.2.1/full-segment': 'send: a full-sized segment fits (SWS rule 1)',
  '3.8.6.2.1/pushed': 'send: all queued data fits the window (SWS rule 2)',
  '3.8.6.2.1/half-max-window': 'send: half the largest window offered fits (SWS rule 3)',
  '3.8.6.2.1/sws-avoidance': 'data waits: too little window for the sender SWS rules (MUST-38)',
  '3.8.6.2.1/override': 'the override timeout: what the small window allows goes (SWS rule 4)',
  '3.8.6.2.2/window-update': 'reading freed enough buffer to move the right edge: window update (MUST-39)',
  // §3.9.2.2 Receiving ICMP messages from IP, with RFC 5927 and RFC 1191.
  '3.9.2.2/no-connection': 'an ICMP error whose quote names no connection of this endpoint: ignored (MUST-54)',
  '3.9.2.2/source-quench-ignored': 'ICMP Source Quench: silently discarded (MUST-55)',
  'rfc5927/4.1/outside-send-window-ignored': 'an ICMP error quoting a sequence number outside SND.UNA..SND.NXT: ignored (RFC 5927 §4.1)',
  'rfc1191/6.4/path-mtu-lowered': 'fragmentation needed: the path MTU drops to the next hop\'s, and Eff.snd.MSS with it (MUST-16)',
  'rfc1191/6.4/path-mtu-kept': 'fragmentation needed naming an MTU no lower than the path MTU: nothing changes',
  'rfc8201/4/below-minimum-discarded': 'an ICMPv6 packet too big naming less than IPv6\'s minimum link MTU of 1280: discarded (RFC 8201 §4)',
  '3.9.2.2/hard-error-abort': 'port or protocol unreachable: the connection is aborted and the user told (SHLD-26)',
  'rfc5927/5.2/hard-error-as-soft': 'port or protocol unreachable on a synchronized connection, where the profile says so: a soft error (RFC 5927 §5.2)',
  '3.9.2.2/soft-error': 'a soft ICMP error: the connection stays (MUST-56) and the user is told (SHLD-25)',
  // §3.9.1.1 OPEN (the interface), §3.9.2 the IP interface.
  '3.9.1.1/open-invalid-remote': 'OPEN active to a broadcast or multicast address: refused, nothing sent (MUST-46)',
  '3.9.2.1/source-routed-dropped': 'a source-routed datagram where the profile takes none: IP drops it',
  '3.9.2.1/return-route-kept': "a source-routed datagram opens the connection: its route back carries every segment (MUST-53)",
  '3.9.2.1/return-route-replaced': 'a later segment comes by another source route: that one carries the segments from now on (SHLD-24)',
  '3.9.2.3/syn-to-broadcast-dropped': 'a SYN addressed to a broadcast or multicast address: silently discarded (MUST-57)',
  '3.9.2.3/syn-from-invalid-source-dropped': 'a SYN from an address no datagram may come from (broadcast, multicast, ...): ignored (MUST-63)',
  // §3.10.1 OPEN.
  '3.10.1/closed/passive': 'OPEN passive in CLOSED: LISTEN',
  '3.10.1/closed/active': 'OPEN active in CLOSED: SYN, SYN-SENT',
  '3.10.1/listen/active': 'OPEN active in LISTEN: passive to active, SYN, SYN-SENT',
  '3.10.1/already-exists': 'OPEN on an open connection: "connection already exists"',
  // §3.10.2 SEND.
  '3.10.2/closed/does-not-exist': 'SEND in CLOSED: "connection does not exist"',
  '3.10.2/listen/remote-unspecified': 'SEND in LISTEN: "remote socket unspecified"',
  '3.10.2/queue-until-established': 'SEND in SYN-SENT or SYN-RECEIVED: queued until ESTABLISHED',
  '3.10.2/segmentize': 'SEND in ESTABLISHED or CLOSE-WAIT: queued and sent as the window allows',
  '3.10.2/urgent': 'SEND with the URGENT flag: SND.UP after the data; segments before it carry the urgent pointer (MUST-62)',
  '3.10.2/closing': 'SEND after CLOSE: "connection closing"',
  // §3.10.3 RECEIVE.
  '3.10.3/closed/does-not-exist': 'RECEIVE in CLOSED: "connection does not exist"',
  '3.10.3/queue-until-established': 'RECEIVE before ESTABLISHED: nothing yet',
  '3.10.3/deliver': 'RECEIVE: data on hand delivered',
  '3.10.3/nothing-on-hand': 'RECEIVE: no data on hand yet',
  '3.10.3/closing-eof': 'RECEIVE after the peer\'s FIN with nothing on hand: "connection closing", end of data',
  // §3.10.4 CLOSE.
  '3.10.4/closed/does-not-exist': 'CLOSE in CLOSED: "connection does not exist"',
  '3.10.4/listen/delete': 'CLOSE in LISTEN: CLOSED',
  '3.10.4/syn-sent/delete': 'CLOSE in SYN-SENT: CLOSED',
  '3.10.4/syn-received/fin': 'CLOSE in SYN-RECEIVED, nothing to send: FIN, FIN-WAIT-1',
  '3.10.4/syn-received/queued': 'CLOSE in SYN-RECEIVED with data queued: waits for ESTABLISHED',
  '3.10.4/established/fin-wait-1': 'CLOSE in ESTABLISHED: FIN queued after the data, FIN-WAIT-1',
  '3.10.4/fin-wait/ok': 'CLOSE in FIN-WAIT-1 or FIN-WAIT-2: ok, no second FIN',
  '3.10.4/close-wait/last-ack': 'CLOSE in CLOSE-WAIT: FIN queued after the data, LAST-ACK',
  '3.10.4/closing': 'CLOSE in CLOSING, LAST-ACK, TIME-WAIT: "connection closing"',
  // §3.10.5 ABORT.
  '3.10.5/closed/does-not-exist': 'ABORT in CLOSED: "connection does not exist"',
  '3.10.5/listen/delete': 'ABORT in LISTEN: CLOSED',
  '3.10.5/syn-sent/delete': 'ABORT in SYN-SENT: CLOSED',
  '3.10.5/reset': 'ABORT from SYN-RECEIVED to CLOSE-WAIT: <SEQ=SND.NXT><CTL=RST>, CLOSED',
  '3.10.5/closing/delete': 'ABORT in CLOSING, LAST-ACK, TIME-WAIT: CLOSED, no RST',
  // §3.10.6 STATUS.
  '3.10.6/closed/does-not-exist': 'STATUS in CLOSED: "connection does not exist"',
  // §3.10.7.1 CLOSED.
  '3.10.7.1/rst-discarded': 'CLOSED: a RST is discarded',
  '3.10.7.1/reset-ack-off': 'CLOSED: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>',
  '3.10.7.1/reset-ack-on': 'CLOSED: <SEQ=SEG.ACK><CTL=RST>',
  // §3.10.7.2 LISTEN.
  '3.10.7.2/rst-ignored': 'LISTEN: a RST is ignored',
  '3.10.7.2/ack-reset': 'LISTEN: an ACK draws <SEQ=SEG.ACK><CTL=RST>',
  '3.10.7.2/syn': 'LISTEN: a SYN draws the SYN-ACK, SYN-RECEIVED',
  '3.10.7.2/text-queued': 'LISTEN: text or FIN on the SYN waits for ESTABLISHED',
  '3.10.7.2/other-dropped': 'LISTEN: anything else is dropped',
  // §3.10.7.3 SYN-SENT.
  '3.10.7.3/unacceptable-ack-reset': 'SYN-SENT: an ACK of nothing sent draws <SEQ=SEG.ACK><CTL=RST>',
  '3.10.7.3/unacceptable-ack-rst-dropped': 'SYN-SENT: a RST with an ACK of nothing sent is dropped',
  '3.10.7.3/rst-refused': 'SYN-SENT: a RST acknowledging the SYN: CLOSED, refused',
  '3.10.7.3/rst-without-ack-dropped': 'SYN-SENT: a RST without ACK is dropped',
  '3.10.7.3/syn-ack-established': 'SYN-SENT: a SYN acknowledging ours: ESTABLISHED, ACK',
  '3.10.7.3/simultaneous-open': 'SYN-SENT: a SYN without ACK: SYN-ACK, SYN-RECEIVED',
  '3.10.7.3/text-queued': 'SYN-SENT: text or FIN on the SYN waits for ESTABLISHED',
  '3.10.7.3/other-dropped': 'SYN-SENT: neither SYN nor RST: dropped',
  // §3.10.7.4 other states: first, sequence number.
  '3.10.7.4/seq/unacceptable-ack': 'unacceptable segment (Table 6): <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, dropped',
  '3.10.7.4/seq/unacceptable-rst-dropped': 'unacceptable RST: dropped',
  '3.10.7.4/seq/zero-window-allowance': 'zero window, segment at RCV.NXT: its ACK, URG, RST processed, its text not',
  '3.10.7.4/seq/trimmed': 'only the part inside the window is processed',
  '3.10.7.4/seq/crossing-syn-trimmed': "SYN-RECEIVED: the peer's SYN-ACK of a simultaneous open, its old SYN trimmed off (Figure 7)",
  // Second, RST.
  '3.10.7.4/rst/in-window-not-exact': 'RST in the window, not at RCV.NXT: challenge ACK (RFC 5961 §3)',
  '3.10.7.4/rst/syn-received-passive-listen': 'RST in SYN-RECEIVED after a passive OPEN: LISTEN (MUST-11)',
  '3.10.7.4/rst/syn-received-active-refused': 'RST in SYN-RECEIVED after an active OPEN: CLOSED, refused',
  '3.10.7.4/rst/reset': 'RST in ESTABLISHED to CLOSE-WAIT: CLOSED, connection reset',
  '3.10.7.4/rst/closed': 'RST in CLOSING, LAST-ACK, TIME-WAIT: CLOSED',
  // Fourth, SYN (third, security, has nothing to check).
  '3.10.7.4/syn/syn-received-passive-listen': 'SYN in SYN-RECEIVED after a passive OPEN: LISTEN',
  '3.10.7.4/syn/challenge-ack': 'SYN in a synchronized state: challenge ACK (RFC 5961 §4)',
  '3.10.7.4/syn/in-window-reset': 'SYN in the window (RFC 793): reset, CLOSED',
  // Fifth, ACK.
  '3.10.7.4/ack/off-dropped': 'no ACK bit: dropped',
  '3.10.7.4/ack/syn-received-established': 'SYN-RECEIVED: an acceptable ACK: ESTABLISHED',
  '3.10.7.4/ack/syn-received-unacceptable-reset': 'SYN-RECEIVED: an unacceptable ACK draws <SEQ=SEG.ACK><CTL=RST>',
  '3.10.7.4/ack/outside-range-challenge': 'ACK outside SND.UNA-MAX.SND.WND..SND.NXT: ACK sent, dropped (RFC 5961 §5)',
  '3.10.7.4/ack/not-yet-sent': 'ACK of something not yet sent: ACK sent, dropped',
  '3.10.7.4/ack/new': 'ACK of new data: SND.UNA advances',
  '3.10.7.4/ack/duplicate': 'duplicate ACK: ignored',
  '3.10.7.4/ack/window-update': 'SND.WND, SND.WL1, SND.WL2 updated',
  '3.10.7.4/ack/aggregated': 'segments queued together: processed all, then one ACK for what they owe (MUST-58, MUST-59)',
  '3.10.7.4/ack/fin-wait-1-fin-acked': 'FIN-WAIT-1: our FIN acknowledged: FIN-WAIT-2',
  '3.10.7.4/ack/closing-fin-acked': 'CLOSING: our FIN acknowledged: TIME-WAIT',
  '3.10.7.4/ack/closing-fin-not-acked': 'CLOSING: our FIN not acknowledged: segment ignored',
  '3.10.7.4/ack/last-ack-fin-acked': 'LAST-ACK: our FIN acknowledged: CLOSED',
  // Sixth, URG.
  '3.10.7.4/urg/signal': 'the urgent pointer advances: the user is told (MUST-32)',
  '3.10.7.4/urg/ignored-after-fin': 'URG after the peer\'s FIN: ignored',
  // Seventh, segment text.
  '3.10.7.4/text/taken': 'text at RCV.NXT taken, RCV.NXT advanced, acknowledged',
  '3.10.7.4/text/out-of-order-held': 'text beyond RCV.NXT held (SHLD-31), RCV.NXT acknowledged (MAY-13)',
  '3.10.7.4/text/gap-filled': 'held text now at RCV.NXT taken',
  '3.10.7.4/text/ignored-after-fin': 'text after the peer\'s FIN: ignored',
  // Eighth, FIN.
  '3.10.7.4/fin/close-wait': 'FIN in ESTABLISHED: CLOSE-WAIT',
  '3.10.7.4/fin/fin-wait-1-closing': 'FIN in FIN-WAIT-1, our FIN not acknowledged: CLOSING',
  '3.10.7.4/fin/fin-wait-2-time-wait': 'FIN in FIN-WAIT-2 (or in FIN-WAIT-1 acknowledging our FIN): TIME-WAIT',
  '3.10.7.4/fin/repeated': 'FIN again in CLOSE-WAIT, CLOSING, LAST-ACK: acknowledged, state kept',
  '3.10.7.4/fin/time-wait-restart': 'FIN in TIME-WAIT: acknowledged, 2×MSL restarted',
  // §3.10.8 Timeouts.
  '3.10.8/user-timeout': 'user timeout: CLOSED, the user told',
  '3.10.8/retransmission/syn': 'retransmission timeout: the SYN again (MUST-22)',
  '3.10.8/retransmission/syn-ack': 'retransmission timeout: the SYN-ACK again',
  '3.10.8/retransmission/data': 'retransmission timeout: the first unacknowledged segment again',
  '3.10.8/time-wait': 'TIME-WAIT timeout: CLOSED',
  // RFC 1337.
  'rfc1337/3/time-wait-rst-ignored': 'TIME-WAIT: a RST is ignored (RFC 1337 fix 1, where RFC 9293 closes)',
  // RFC 3168 §6.1, ECN in TCP (RFC 9293 §3.8.2, SHLD-8).
  'rfc3168/6.1.1/setup-syn': 'OPEN active: an ECN-setup SYN (ECE and CWR), as the profile asks for ECN',
  'rfc3168/6.1.1/setup-accepted': 'LISTEN: an ECN-setup SYN is answered with an ECN-setup SYN-ACK (ECE): ECN-capable',
  'rfc3168/6.1.1/setup-declined': 'LISTEN: an ECN-setup SYN, ECN off in the profile: a SYN-ACK without ECE',
  'rfc3168/6.1.1/negotiated': 'SYN-SENT: an ECN-setup SYN-ACK answers the ECN-setup SYN: ECN-capable',
  'rfc3168/6.1.2/window-reduced': 'an ECN-Echo once per window of data: the window is reduced, CWR on the next new data',
  'rfc3168/6.1.2/cwr-sent': 'new data after a window reduction carries CWR',
  'rfc3168/6.1.3/ce-echoed': 'Congestion Experienced on an arriving datagram: ECE on every ACK until CWR',
  'rfc3168/6.1.3/cwr-ends-echo': 'CWR from the peer: no more ECE',
  // RFC 7323: window scaling (§2) and timestamps (§3-§5).
  'rfc7323/2.2/window-scale-on': "both SYNs carry a Window Scale option: the peer's window fields scaled by its shift, this endpoint's by its own",
  'rfc7323/2.2/window-scale-off': 'a SYN without a Window Scale option: no window is scaled either way (and a SYN-ACK carries none)',
  'rfc7323/2.3/shift-limited': 'a Window Scale shift above 14: 14 is used instead',
  'rfc7323/3.2/timestamps-on': 'both SYNs carry TSopt: every segment but a RST carries one, TS.Recent from the SYN',
  'rfc7323/3.2/timestamps-off': 'a SYN without TSopt: no segment carries one',
  'rfc7323/4.3/ts-recent-updated': 'SEG.TSval >= TS.Recent and SEG.SEQ =< Last.ACK.sent: TS.Recent <- SEG.TSval, echoed in TSecr',
  'rfc7323/5.3/paws-rejected': 'PAWS (R1): SEG.TSval < TS.Recent on a segment without RST: acknowledged and dropped',
  // RFC 6191 (RFC 9293 §3.6.1, SHLD-4).
  'rfc6191/2/time-wait-reopen-by-timestamp': 'TIME-WAIT, timestamps in use: a new SYN with a TSval newer than TS.Recent reopens the connection, whatever its sequence number',
  // RFC 2018, selective acknowledgment.
  'rfc2018/2/sack-on': 'both SYNs carry SACK-permitted: ACKs report data held out of order',
  'rfc2018/2/sack-off': 'a SYN without SACK-permitted: no SACK option is sent',
  'rfc2018/4/blocks-reported': 'an ACK while data is held out of order: SACK blocks, the most recent first',
  // RFC 5681 congestion control (RFC 9293 §3.8.2, MUST-19), with RFC 6928's initial window.
  'rfc5681/3.1/slow-start': 'an ACK of new data below ssthresh: cwnd += min(N, SMSS)',
  'rfc5681/3.1/congestion-avoidance': 'an ACK of new data at or above ssthresh: cwnd += SMSS*SMSS/cwnd',
  'rfc5681/3.1/congestion-window-full': 'data waits: the congestion window, smaller than the peer\'s, is full',
  'rfc5681/3.1/loss-window': 'retransmission timeout: ssthresh = max(FlightSize/2, 2*SMSS), cwnd = 1 SMSS',
  'rfc5681/3.2/fast-retransmit': 'the third duplicate ACK: the segment at SND.UNA again, ssthresh = max(FlightSize/2, 2*SMSS), cwnd = ssthresh + 3*SMSS',
  'rfc5681/3.2/window-inflated': 'a further duplicate ACK in fast recovery: cwnd += SMSS',
  'rfc5681/3.2/recovery-ended': 'an ACK of new data in fast recovery: cwnd = ssthresh',
  // RFC 6298.
  'rfc6298/2/rtt-sample': 'a round-trip measurement: SRTT, RTTVAR, RTO updated',
  'rfc6298/5.7/syn-timeout-rto': 'the SYN was retransmitted: RTO 3 s once ESTABLISHED',
} as const;

/** The name of one decision of the machine, e.g. `3.10.7.4/rst/in-window-not-exact`. */
export type Rule = keyof typeof RULES;

/**
 * Rules no case can reach through a target, each with the reason: the machine has them because the RFC
 * does, but neither the wire nor an application's calls on a socket lead there.
 */
const UNREACHABLE: Partial<Record<Rule, string>> = {
  '3.10.1/listen/active':
    'a socket that listens never connects (POSIX listen() and connect()): an application opens a new socket instead, which starts in CLOSED',
};

/** Why no case can reach `rule`, or undefined for a rule a case can reach. */
export function unreachableBecause(rule: Rule): string | undefined {
  return UNREACHABLE[rule];
}

/** Every rule the machine can fire, in the RFC's order. */
export const ALL_RULES: readonly Rule[] = Object.keys(RULES) as Rule[];

/** What `rule` decides, in a line. */
export function describeRule(rule: Rule): string {
  return RULES[rule];
}

const RULE_NUMBERS = new Map<Rule, number>(ALL_RULES.map((rule, number) => [rule, number]));

/**
 * The rules fired, in order. Kept as numbers: a long run records millions of them, which an array of
 * strings would make the garbage collector walk again and again.
 */
export class RuleLog {
  private numbers = new Uint16Array(64);
  private count = 0;

  record(rule: Rule): void {
    if (this.count === this.numbers.length) {
      const larger = new Uint16Array(this.count * 2);
      larger.set(this.numbers);
      this.numbers = larger;
    }
    this.numbers[this.count++] = RULE_NUMBERS.get(rule)!;
  }

  get length(): number {
    return this.count;
  }

  /** Whether any of `rules` fired from the `start`-th on: what one event did, asked without copying the log. */
  firedSince(start: number, rules: readonly Rule[]): boolean {
    for (let i = start; i < this.count; i++) if (rules.includes(ALL_RULES[this.numbers[i]!]!)) return true;
    return false;
  }

  /** The rules fired, each once, in the order each first fired: a long run's summary, without a copy of the log. */
  distinct(): Rule[] {
    const seen = new Uint8Array(ALL_RULES.length);
    const rules: Rule[] = [];
    for (let i = 0; i < this.count; i++) {
      const number = this.numbers[i]!;
      if (seen[number] === 0) rules.push(ALL_RULES[number]!);
      seen[number] = 1;
    }
    return rules;
  }

  toArray(): Rule[] {
    return Array.from(this.numbers.subarray(0, this.count), (number) => ALL_RULES[number]!);
  }
}
