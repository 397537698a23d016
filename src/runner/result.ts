/**
 * What running a case produced: a verdict and the trace behind it. These types are the contract
 * between the runner and everything after it (JSON results, HTML, JUnit, pcap), so they hold plain
 * JSON only: a results file can be re-rendered without rerunning anything.
 */
import type { AppCall, AppCallName, AppEvent, AppResult, RunFamily } from '../targets/target';
import type { RequirementLevel } from '../suite/case';
import type { TcpState } from '../wire';
import type { IsnSample, IsnStatistic } from './isn/statistics';

/**
 * - `pass`: every step did what the case says.
 * - `fail`: the target diverged from the case; `divergence` says where and how.
 * - `error`: the harness or the target's surroundings broke — not a conformance finding.
 * - `skip`: the target lacks something the case needs; `reason` says what.
 * - `waived`: the case failed, but the target's profile declares this deviation; `reason` says why.
 */
export type Verdict = 'pass' | 'fail' | 'error' | 'skip' | 'waived';

/** Every verdict, worst first: the order summaries sort and colour by. */
export const VERDICTS: readonly Verdict[] = ['fail', 'error', 'waived', 'pass', 'skip'];

/** A TCP segment as a person reads it: numbers relative to each side's ISN where known. */
export interface SegmentSummary {
  readonly flags: string;
  /** Relative to the sender's ISN once known, else as on the wire. */
  readonly seq: number;
  /** Relative to the receiver's ISN once known, else as on the wire. */
  readonly ack: number;
  readonly window: number;
  readonly length: number;
  /** The urgent pointer, on a segment with URG. */
  readonly urgent?: number;
  /** tcpdump-like: `mss 1460,sackOK,nop,wscale 7`. */
  readonly options: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly checksumOk: boolean;
  /** What the datagram's IPv4 header says beyond the plain one: other addresses, an ECN codepoint, options. */
  readonly ip?: string;
}

/** An ICMP message as a person reads it, with what its quote shows of the segment it is about. */
export interface IcmpSummary {
  /** 6 for ICMPv6 (RFC 4443); ICMP for IPv4 when absent. */
  readonly version?: 6;
  /** As a case names it (`port-unreachable`, `frag-needed`), or `type 8 code 0` for a message that is no error. */
  readonly message: string;
  readonly type: number;
  readonly code: number;
  /** Fragmentation needed, or ICMPv6 packet too big: the next hop's MTU (RFC 1191 §4, RFC 4443 §3.2). */
  readonly nextHopMtu?: number;
  /** Parameter problem: the octet in error (RFC 792). */
  readonly pointer?: number;
  /** The quoted segment: its ports and sequence number (relative to its sender's ISN where known). */
  readonly quoted?: { readonly srcPort: number; readonly dstPort: number; readonly seq?: number };
  readonly checksumOk: boolean;
}

export type Direction = 'to-target' | 'from-target';

export type TraceEvent =
  | {
      readonly kind: 'packet';
      /** Milliseconds since the case started. */
      readonly timeMs: number;
      readonly direction: Direction;
      /** The whole IPv4 packet, hex: the pcap is rebuilt from this. */
      readonly hex: string;
      /** Absent when the packet is not TCP or does not parse; `note` then says why. */
      readonly segment?: SegmentSummary;
      /** For an ICMP message, what it says. */
      readonly icmp?: IcmpSummary;
      readonly note?: string;
      /** The reference machine's state once the packet was taken into account. */
      readonly reference?: TcpState;
    }
  | { readonly kind: 'app-call'; readonly timeMs: number; readonly call: AppCall; readonly result: AppResult; readonly reference?: TcpState }
  | { readonly kind: 'app-event'; readonly timeMs: number; readonly event: AppEvent };

/** One field that differed: the heart of a failure message. */
export interface Mismatch {
  readonly field: string;
  readonly expected: string;
  readonly observed: string;
}

export type StepOutcomeKind = 'pass' | 'fail' | 'error' | 'not-run';

export interface StepOutcome {
  readonly index: number;
  readonly line: number;
  /** The step as written, in one line: `expect SA ack 1`. */
  readonly text: string;
  readonly outcome: StepOutcomeKind;
  /** For expect steps: what was expected and what came, in the same one-line form. */
  readonly expected?: string;
  readonly observed?: string;
  readonly mismatches?: readonly Mismatch[];
  readonly message?: string;
  /**
   * For a timed expectation: its bounds with the target profile's tolerance, and when the segment came
   * on the wire, e.g. `within 1s (+104ms tolerance); on the wire 0.05ms after the step's previous event`.
   */
  readonly timing?: string;
  readonly note?: string;
  /** The preamble the step comes from, when it is not the case's own. */
  readonly preamble?: string;
}

export interface Divergence {
  readonly step: number;
  readonly file: string;
  readonly line: number;
  readonly expected: string;
  readonly observed: string;
  readonly mismatches: readonly Mismatch[];
}

export interface CaseResult {
  readonly id: string;
  readonly title: string;
  readonly area: string;
  readonly level: RequirementLevel;
  readonly spec: { readonly rfc9293: readonly string[]; readonly requirements: readonly string[] };
  readonly tags: readonly string[];
  /** The kernel settings the case applied to its target (sysctl name → value). */
  readonly sysctl?: Readonly<Record<string, string>>;
  readonly file: string;
  readonly target: string;
  /** The family the case ran in; IPv4 when absent (results written before families were a dimension). */
  readonly family?: RunFamily;
  readonly verdict: Verdict;
  /** One line: the first divergence, the error, or why the case was skipped. */
  readonly reason?: string;
  readonly divergence?: Divergence;
  /** Wall-clock start, ms since the Unix epoch (pcap timestamps are rebuilt from it). */
  readonly startedAt: number;
  readonly durationMs: number;
  readonly steps: readonly StepOutcome[];
  readonly trace: readonly TraceEvent[];
  /** The reference machine's rules (RFC 9293 §3.10 branches) the case made it apply. */
  readonly rules?: readonly string[];
  /** For a waived case: the profile's deviation that waived it, and what that deviation allows. */
  readonly waiver?: Waiver;
  /** The profile the target ran with: its name, and each parameter that departs from RFC 9293's. */
  readonly profile?: ProfileSummary;
  /** What the target said of itself when the case started; absent when it could not be set up. */
  readonly targetInfo?: TargetInfo;
  /** For a case with an `isn` step: the ISNs it saw and what they show. */
  readonly isn?: IsnReport;
  /** The harness's largest delay beyond the profile's timing tolerance, where it fell behind the case. */
  readonly harnessLate?: HarnessLate;
  /** Earlier runs of the case, which failed while the harness was late (run-suite.ts ran it again). */
  readonly earlierRuns?: readonly EarlierRun[];
}

/** The harness acted `ms` later than the case meant: doing `what`, at the step `at` (file:line). */
export interface HarnessLate {
  readonly ms: number;
  readonly what: string;
  readonly at: string;
}

/** A run of a case that did not count: it failed while the harness was late. */
export interface EarlierRun {
  readonly reason: string;
  readonly harnessLate: HarnessLate;
}

/** The initial sequence numbers an `isn` step saw, each statistic of them, and what a pass means. */
export interface IsnReport {
  readonly samples: readonly IsnSample[];
  /** Every statistic; `judged` where the case names its requirement, and so its verdict follows it. */
  readonly statistics: readonly (IsnStatistic & { readonly judged: boolean })[];
  readonly caveat: string;
}

/** A target as it describes itself: the stack behind it (an adapter's hello), its clock, families and calls. */
export interface TargetInfo {
  readonly stack?: { readonly name: string; readonly version: string };
  readonly clock: 'real' | 'virtual';
  readonly families: readonly RunFamily[];
  readonly appCalls: readonly AppCallName[];
  readonly notes?: readonly string[];
}

export interface Waiver {
  /** The profile file, e.g. `profiles/linux.yaml`. */
  readonly profile: string;
  readonly reason: string;
  readonly source?: string;
  /** What the deviation lets through, in words: `a 'time' mismatch at 'expect S seq 0 *'`. */
  readonly allows: readonly string[];
}

export interface ProfileSummary {
  readonly name: string;
  readonly title: string;
  readonly departures: readonly { readonly parameter: string; readonly value: string; readonly rfcValue: string; readonly source: string }[];
}

/** The family a result's case ran in. */
export function familyOf(result: Pick<CaseResult, 'family'>): RunFamily {
  return result.family ?? 'ipv4';
}

/**
 * The run a result belongs to, as a report's column and a gate's key name it: the target, with the
 * family beside it unless IPv4 (`linux`, `linux-ipv6`, `linux-ipv4-mapped`). A case's result is unique
 * per run.
 */
export function runOf(result: Pick<CaseResult, 'target' | 'family'>): string {
  const family = familyOf(result);
  return family === 'ipv4' ? result.target : `${result.target}-${family}`;
}
