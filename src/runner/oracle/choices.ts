/**
 * The oracle where a case lets the target choose. An `either` step's branches each stand for profile
 * values (MAY-2's `reopenFromTimeWait: true` or `false`); one reference machine per branch runs beside
 * the target on the same stimuli. A segment, or a silence, that one machine rules out leaves the others:
 * the target diverges only when every machine rules it out. When the `either` step picks a branch, only
 * that branch's machine stays. A case without `either` has one machine, and this is the plain oracle.
 */
import type { IcmpError, IpFamily, Profile } from '../../reference';
import type { Case } from '../../suite/case';
import { meeting } from '../../suite/when';
import type { AppCall } from '../../targets/target';
import type { IpHeader, TcpSegment, TcpState } from '../../wire';
import { Oracle, type PeerSegment, type Relative, type Violation } from './oracle';
import type { TargetOffer } from './target-offer';

interface Choice {
  /** The `either` branch this machine stands for; undefined for a case without `either`. */
  readonly branch: number | undefined;
  readonly oracle: Oracle;
}

/** The branches of the case's `either` step (its last step), if it has one. */
function branchesOf(testCase: Case) {
  const last = testCase.steps[testCase.steps.length - 1];
  return last?.kind === 'either' ? last.branches : undefined;
}

export class OracleChoices {
  private alive: Choice[];

  /** `family`: the IP version the case runs over. */
  constructor(testCase: Case, profile: Profile, relative: Relative, clock: 'real' | 'virtual', family: IpFamily = 'ipv4') {
    const branches = branchesOf(testCase);
    this.alive = branches
      ? branches.map((b, branch) => ({ branch, oracle: new Oracle(meeting(b.when, profile), relative, clock, 'pattern', family) }))
      : [{ branch: undefined, oracle: new Oracle(profile, relative, clock, 'pattern', family) }];
  }

  private get first(): Oracle {
    return (this.alive[0] as Choice).oracle;
  }

  get state() {
    return this.first.state;
  }

  get rules(): readonly string[] {
    return this.first.rules;
  }

  /** What the target offers the peer (its MSS, its window): every machine saw the same segments. */
  get targetOffer(): TargetOffer {
    return this.first.targetOffer;
  }

  /** Whether the machine of `branch` still agrees with everything the target did. */
  allows(branch: number): boolean {
    return this.alive.some((c) => c.branch === branch);
  }

  /** The `either` step took `branch`: its machine alone goes on. */
  choose(branch: number): void {
    this.alive = this.alive.filter((c) => c.branch === branch);
  }

  /** §3.10.6 STATUS, asked of every machine: the first one's answer. */
  status(atMs: number): TcpState {
    const states = this.alive.map((c) => c.oracle.status(atMs));
    return states[0] as TcpState;
  }

  advance(atMs: number): void {
    for (const c of this.alive) c.oracle.advance(atMs);
  }

  peerSentTogether(sent: readonly PeerSegment[], atMs: number): void {
    for (const c of this.alive) c.oracle.peerSentTogether(sent, atMs);
  }

  icmpSent(error: IcmpError, atMs: number, toShadowPort: boolean): void {
    for (const c of this.alive) c.oracle.icmpSent(error, atMs, toShadowPort);
  }

  appCall(call: AppCall, atMs: number): void {
    for (const c of this.alive) c.oracle.appCall(call, atMs);
  }

  observe(segment: TcpSegment, atMs: number, ip?: IpHeader): Violation | undefined {
    return this.keepAgreeing((oracle) => oracle.observe(segment, atMs, ip));
  }

  overdue(atMs: number): Violation | undefined {
    return this.keepAgreeing((oracle) => oracle.overdue(atMs));
  }

  latestDeadline(): number | undefined {
    const deadlines = this.alive.map((c) => c.oracle.latestDeadline()).filter((d): d is number => d !== undefined);
    return deadlines.length === 0 ? undefined : Math.max(...deadlines);
  }

  /** Drops the machines `judge` finds a violation with, unless all do: then the first one's is the divergence. */
  private keepAgreeing(judge: (oracle: Oracle) => Violation | undefined): Violation | undefined {
    const verdicts = this.alive.map((c) => judge(c.oracle));
    if (verdicts.every((v) => v !== undefined)) return verdicts[0];
    this.alive = this.alive.filter((_, i) => verdicts[i] === undefined);
    return undefined;
  }
}
