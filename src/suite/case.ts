/**
 * A conformance case, as the runner consumes it: loaded from YAML, validated and normalised.
 *
 * Sequence and acknowledgment numbers are relative, as in packetdrill: numbers the peer sends are
 * relative to the peer's ISN (`seq`) and to the target's ISN (`ack`); numbers expected from the target
 * are relative to the target's ISN (`seq`) and to the peer's ISN (`ack`). The target's ISN is learned
 * from the first SYN it sends; until then its sequence numbers are compared as they are on the wire
 * (a RST answering a segment without ACK carries seq 0, RFC 9293 §3.5.2).
 */

import type { Ecn, Icmpv4Message, Ipv4Option, TcpState } from '../wire';
import type { TimeExpr } from './time';
import type { When } from './when';

export type RequirementLevel = 'MUST' | 'SHOULD' | 'MAY';

/** Where a thing stands in its suite file, for messages a person can act on. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface CaseSpec {
  /** RFC 9293 sections the case proves, e.g. `3.5`, `3.10.7.4`. */
  readonly rfc9293: readonly string[];
  /** RFC 9293 Appendix B requirement IDs (`MUST-13`) or synthetic IDs for procedural rules. */
  readonly requirements: readonly string[];
  /** Sections of the RFCs RFC 9293 leans on that the case proves, by RFC: `{ rfc7323: ['2.2'] }`. */
  readonly others?: Readonly<Record<string, readonly string[]>>;
}

export interface Case {
  /** Stable, never a position: `area/name`. */
  readonly id: string;
  /** The behaviour in one sentence. */
  readonly title: string;
  /** The first segment of the id: handshake, window, close, time-wait, rst, options. */
  readonly area: string;
  readonly spec: CaseSpec;
  readonly level: RequirementLevel;
  readonly tags: readonly string[];
  readonly description?: string;
  /** The port the target's application listens on or connects to. */
  readonly port: number;
  /** The port the harness speaks from as the remote peer. */
  readonly peerPort: number;
  /** The peer's initial sequence number. */
  readonly peerIsn: number;
  /** Every step, the preamble's first. */
  readonly steps: readonly Step[];
  /** The preamble the case starts from, if any. */
  readonly from?: string;
  /** The profile values the case is written for; a target whose profile differs skips it. */
  readonly when?: When;
  /**
   * Kernel settings the case needs (sysctl names and values, `net.ipv4.tcp_syn_retries: "1"`), applied
   * to the target alone; a target that cannot apply them skips the case.
   */
  readonly sysctl?: Readonly<Record<string, string>>;
  /** `virtual`: the case waits too long for a real clock (hours); a real-clock target skips it. */
  readonly clock?: 'virtual';
  /** The MTU of the target's interface, set before the first step; a target that cannot set it skips the case. */
  readonly mtu?: number;
  /** The one address family the case is for; absent, it runs in every family a run asks for. */
  readonly family?: 'ipv4' | 'ipv6';
  readonly source: SourcePosition;
}

/** Named steps that bring a connection to a state (suites/preambles/): a case's `from:`. */
export interface Preamble {
  readonly name: string;
  readonly title: string;
  /** Resolved: the steps of the preambles it builds on come first. */
  readonly steps: readonly Step[];
  readonly source: SourcePosition;
}

/** The application calls a case can ask of the target, with arguments filled in from the case. */
export type AppStepCall =
  | { readonly call: 'listen' }
  /** To the peer; `to: broadcast`, to the directed broadcast address of the target's subnet (MUST-46). */
  | { readonly call: 'connect'; readonly to?: 'broadcast' }
  | { readonly call: 'write'; readonly bytes: number }
  /** Octets of the pattern sent as urgent data: the urgent pointer goes to the octet after them. */
  | { readonly call: 'write-urgent'; readonly bytes: number }
  | { readonly call: 'read'; readonly bytes?: number }
  | { readonly call: 'stop-reading' }
  | { readonly call: 'shutdown' }
  | { readonly call: 'close' }
  | { readonly call: 'abort' }
  /** Whether the next read begins at the urgent mark (SIOCATMARK). */
  | { readonly call: 'at-mark' }
  /** Socket options, set one after the other in the order the case writes them. */
  | { readonly call: 'set-option'; readonly options: readonly OptionSetting[] };

/**
 * The socket options a case may set, as the adapter protocol names them (docs/adapter-protocol.md,
 * `set-option`): nodelay, keepalive (flags), rcvbuf, sndbuf (octets), keepalive-idle,
 * keepalive-interval, user-timeout, linger (durations), keepalive-count (a count), dscp (the
 * Differentiated Services codepoint the application asks IP to send with, RFC 9293 §3.9.1.9).
 */
export type SocketOptionName =
  | 'nodelay' | 'rcvbuf' | 'sndbuf' | 'keepalive' | 'keepalive-idle' | 'keepalive-interval' | 'keepalive-count' | 'user-timeout' | 'linger' | 'dscp';

/** One option and its value as the protocol carries it: a flag as 0 or 1, a duration in milliseconds. */
export interface OptionSetting {
  readonly name: SocketOptionName;
  readonly value: number;
  /** As the case wrote it: `1s`, `true`. */
  readonly text: string;
}

/** What a call's result must be: the octets it moved, whether a read reached the peer's FIN, whether the next read is at the urgent mark. */
export interface ResultExpectation {
  readonly bytes?: Range;
  readonly eof?: boolean;
  readonly atMark?: boolean;
}

/**
 * The application events a case can wait for: RFC 9293's signals to the user (src/reference/output.ts),
 * `reset`, `refused` and `timeout` being the errors a socket reports as ECONNRESET, ECONNREFUSED and
 * ETIMEDOUT.
 */
export const CASE_EVENTS = ['connected', 'accepted', 'eof', 'closing', 'reset', 'refused', 'timeout', 'urgent'] as const;
export type CaseEventName = (typeof CASE_EVENTS)[number];

/** One TCP option as a case writes it; order is kept because order is on the wire. */
export type OptionTemplate =
  | { readonly kind: 'nop' }
  | { readonly kind: 'eol' }
  | { readonly kind: 'mss'; readonly mss: number }
  | { readonly kind: 'wscale'; readonly shift: number }
  | { readonly kind: 'sack-permitted' }
  /** TSecr `echo`: the target's latest TSval (RFC 7323 §3.2), which a case cannot know in advance. */
  | { readonly kind: 'timestamps'; readonly tsval: number; readonly tsecr: number | 'echo' }
  /** SACK blocks, each [left, right) relative to the target's ISN (RFC 2018 §3). */
  | { readonly kind: 'sack'; readonly blocks: readonly (readonly [number, number])[] }
  /** Bytes written verbatim into the option area: unknown kinds, illegal lengths. */
  | { readonly kind: 'raw'; readonly bytes: Uint8Array };

/**
 * Where a segment the peer sends starts: relative to the peer's ISN, or relative to the right edge of
 * the window the target advertised last (`{ edge: -1 }`: the last sequence number inside it), which a
 * case cannot know in advance since the window is the target's own.
 */
export type SeqTemplate = number | { readonly edge: number };

/**
 * An address a case writes: a dotted quad in 198.18.0.0/15, or `broadcast`, the directed broadcast
 * address of the target's subnet.
 */
export type AddressTemplate = string;

/** The IPv4 header of the peer's datagram, where it is not the plain one (peer to target, Not-ECT, no options). */
export interface IpTemplate {
  readonly src?: AddressTemplate;
  readonly dst?: AddressTemplate;
  readonly ecn?: Ecn;
  readonly options?: readonly Ipv4Option[];
}

/**
 * The octets a segment the peer sends carries: these, or `mss`, as many as the MSS the target announced
 * (a full-sized segment in either family: 1460 over IPv4 and 1440 over IPv6 on a 1500-octet link).
 */
export type PayloadTemplate = Uint8Array | 'mss';

/** A segment the peer sends. Absent numbers are filled in from the connection so far. */
export interface SegmentTemplate {
  readonly flags: string;
  readonly seq?: SeqTemplate;
  readonly ack?: number;
  readonly window: number;
  readonly urgentPointer: number;
  readonly options: readonly OptionTemplate[];
  readonly payload: PayloadTemplate;
  /** `bad` sends a deliberately wrong TCP checksum. */
  readonly checksum: 'good' | 'bad';
  readonly ip?: IpTemplate;
}

/**
 * The segments of a `fill` step: each continues the connection (sequence number and acknowledgment filled
 * in) and carries as many octets as the target's MSS and the rest of its window allow.
 */
export type FillTemplate = Omit<SegmentTemplate, 'seq' | 'ack' | 'payload' | 'checksum' | 'ip'>;

/** The ICMP errors an `icmp` step sends, as src/wire names their kinds. */
export type IcmpErrorKind = Exclude<Icmpv4Message['kind'], 'other'>;

/**
 * An ICMP error the peer sends about the target's last segment (RFC 9293 §3.9.2.2): the message, and
 * the quote of that segment, whose sequence number a case may change.
 */
export interface IcmpTemplate {
  /** As the case names it: `port-unreachable`, `frag-needed`, `ttl-exceeded` (src/suite/icmp-message.ts). */
  readonly message: string;
  readonly kind: IcmpErrorKind;
  readonly code: number;
  /** For `frag-needed`: the next hop's MTU (RFC 1191 §4). */
  readonly nextHopMtu?: number;
  /** For `parameter-problem`: the octet of the quoted packet in error (RFC 792). */
  readonly pointer?: number;
  /** The quoted sequence number, relative to the target's ISN; absent, the segment's own. */
  readonly seq?: number;
  /** The remote port the quote names; absent, the peer's own. Another makes the error about no connection the target has. */
  readonly peerPort?: number;
}

/**
 * What an `isn` step opens: connections on several four-tuples, round after round, `apart` from one
 * round's start to the next's; first the active opens (if any), then the passive ones.
 */
export interface IsnPlan {
  /** The peer's ports: from each, the peer opens a connection to the case's port, where the target listens. */
  readonly passive: readonly number[];
  /** The peer's ports the target's application connects to, from ports of its own choosing. */
  readonly active: readonly number[];
  readonly rounds: number;
  readonly apart: TimeExpr;
}

/** An inclusive range; `min === max` for an exact value. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/** What an option must be in an expected segment. Options not named are not checked. */
export type OptionExpectation =
  | { readonly kind: 'mss'; readonly mss: Range | 'present' | 'absent' }
  | { readonly kind: 'wscale'; readonly shift: Range | 'present' | 'absent' }
  | { readonly kind: 'sack-permitted'; readonly presence: 'present' | 'absent' }
  | { readonly kind: 'timestamps'; readonly presence: 'present' | 'absent' }
  /** The TSecr of the segment's TSopt (RFC 7323 §4.3). */
  | { readonly kind: 'tsecr'; readonly tsecr: number }
  /** SACK blocks in order, each [left, right) relative to the peer's ISN (RFC 2018 §4), or present/absent. */
  | { readonly kind: 'sack'; readonly blocks: readonly (readonly [number, number])[] | 'present' | 'absent' };

/** What an expected segment must look like. Fields not named are not checked. */
export interface SegmentMatch {
  /** Exactly this set of flags, or one of several separated by `|` (`PA|A`). */
  readonly flags: string;
  readonly seq?: number;
  readonly ack?: number;
  readonly window?: Range;
  /** Payload length in octets. */
  readonly length?: Range;
  /** The urgent pointer field (meaningful with the URG flag): the octet after the urgent data, from SEG.SEQ. */
  readonly urgentPointer?: number;
  readonly options: readonly OptionExpectation[];
  readonly ip?: IpMatch;
  /** How many other segments may come before this one in its step (a burst's partial ACKs); any when absent. */
  readonly preceded?: Range;
}

/** What the IPv4 header of an expected segment's datagram must carry. Fields not named are not checked. */
export interface IpMatch {
  /** The ECN field; `ect` is either ECT codepoint (RFC 3168 §5). */
  readonly ecn?: Ecn | 'ect';
  /** The source route it follows: its destination, then the addresses its route option lists; or none. */
  readonly sourceRoute?: readonly string[] | 'absent';
  /** Whether a retransmission's datagram repeats the IPv4 Identification of the datagram it repeats (MAY-4). */
  readonly idRepeated?: boolean;
  /** The Differentiated Services codepoint: the six high bits of the TOS byte (RFC 2474). */
  readonly dscp?: number;
}

interface StepBase {
  /** Where the step is written, for failures that name `file:line`. */
  readonly source: SourcePosition;
  /** The preamble the step comes from, when it is not the case's own. */
  readonly preamble?: string;
}

export type Step =
  /** One segment, or several sent back to back (a burst: nothing is waited for between them). */
  | (StepBase & { readonly kind: 'send'; readonly segments: readonly SegmentTemplate[] })
  /**
   * The peer fills the target's window: full-sized segments up to the right edge the target advertised,
   * then its ACKs awaited, again and again until the window it advertises is zero (`send: { fill: window }`).
   */
  | (StepBase & { readonly kind: 'fill'; readonly segment: FillTemplate })
  | (StepBase & {
      readonly kind: 'expect';
      readonly match: SegmentMatch;
      /** The segment must come within this, and (for timers) not before `after`, from the step's start. */
      readonly within: TimeExpr;
      readonly after?: TimeExpr;
    })
  /**
   * Nothing from the target for `duration`; with `allowRetransmissions`, a segment that repeats one the
   * target sent before (a timer's retransmission) does not break it.
   */
  | (StepBase & { readonly kind: 'quiet'; readonly duration: TimeExpr; readonly allowRetransmissions: boolean })
  | (StepBase & { readonly kind: 'wait'; readonly duration: TimeExpr })
  | (StepBase & { readonly kind: 'app'; readonly call: AppStepCall; readonly error?: string; readonly result?: ResultExpectation })
  /**
   * The target's application learned of `event`, within `within` of the step's start and (for timers)
   * not before `after`; each event step takes the oldest such event no earlier step took.
   */
  | (StepBase & { readonly kind: 'event'; readonly event: CaseEventName; readonly within: TimeExpr; readonly after?: TimeExpr })
  /** The connection is in this state: always checked on the reference machine, on the target where it can tell. */
  | (StepBase & { readonly kind: 'state'; readonly state: TcpState })
  /** The peer sends an ICMP error about the target's last segment (RFC 9293 §3.9.2.2). */
  | (StepBase & { readonly kind: 'icmp'; readonly icmp: IcmpTemplate })
  /**
   * Many connections, each answered with a RST once the target has chosen its ISN, and the statistics
   * of those ISNs (RFC 9293 §3.4.1): a case's only step.
   */
  | (StepBase & { readonly kind: 'isn'; readonly plan: IsnPlan })
  /**
   * Where the RFC lets a target choose (a MAY): the case goes on as one of these branches, the first
   * whose opening `expect` the target's next segment matches. Always the case's last step.
   */
  | (StepBase & { readonly kind: 'either'; readonly branches: readonly Branch[] });

/** One way an `either` goes on: the profile values this outcome stands for, and the steps that follow. */
export interface Branch {
  /** The reference machine takes these values for this branch (`reopenFromTimeWait: true`). */
  readonly when?: When;
  /** Opens with an `expect`: the segment that tells this outcome from the others. */
  readonly steps: readonly Step[];
  readonly source: SourcePosition;
}

export type StepKind = Step['kind'];
