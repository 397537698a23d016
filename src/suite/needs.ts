/**
 * What a case needs from a target, read from its steps (the preamble's, and every `either` branch's):
 * the application calls it makes, whether it asks the target's state, and how long its timers keep it
 * running, which a virtual clock skips and a real clock waits out.
 */
import type { AppStepCall, Case, SocketOptionName, Step } from './case';
import { timeMs, type TimeValues } from './time';

/** Every step, with the steps of each `either` branch after it. */
function allSteps(steps: readonly Step[]): Step[] {
  return steps.flatMap((step) => (step.kind === 'either' ? [step, ...step.branches.flatMap((b) => allSteps(b.steps))] : [step]));
}

/** The application calls a case makes, so a target that cannot make them skips it. */
export function appCallsNeeded(testCase: Case): Set<AppStepCall['call']> {
  const calls = new Set<AppStepCall['call']>();
  for (const step of allSteps(testCase.steps)) {
    if (step.kind === 'app') calls.add(step.call.call);
    if (step.kind === 'isn') {
      calls.add('listen');
      if (step.plan.active.length > 0) calls.add('connect');
    }
  }
  return calls;
}

/** Whether a case sends ICMP errors (`icmp:` steps); a target that cannot pass them to its stack skips it. */
export function sendsIcmp(testCase: Case): boolean {
  return allSteps(testCase.steps).some((step) => step.kind === 'icmp');
}

/**
 * Whether a case lowers the target host's path MTU to the peer, on a target that acts on ICMP as it
 * should: a fragmentation needed (ICMPv6's packet too big) quoting the segment in flight (RFC 1191,
 * RFC 8201). The host keeps that estimate for the peer's address for minutes after the case, so a target
 * whose host outlives a case gives such a case a peer address no other case uses. A quote the target must
 * ignore (another sequence number or port: RFC 5927) lowers nothing.
 */
export function lowersPathMtu(testCase: Case): boolean {
  return allSteps(testCase.steps).some((step) => step.kind === 'icmp' && step.icmp.kind === 'frag-needed' && step.icmp.seq === undefined && step.icmp.peerPort === undefined);
}

/** The socket options a case sets, so a target that cannot set them skips it. */
export function optionsNeeded(testCase: Case): Set<SocketOptionName> {
  const options = new Set<SocketOptionName>();
  for (const step of allSteps(testCase.steps)) {
    if (step.kind === 'app' && step.call.call === 'set-option') for (const o of step.call.options) options.add(o.name);
  }
  return options;
}

/**
 * Whether a case addresses the broadcast address of the target's subnet (a datagram from or to it, or a
 * connect to it), so that a target whose interface has none skips it.
 */
export function usesBroadcast(testCase: Case): boolean {
  return allSteps(testCase.steps).some((step) =>
    (step.kind === 'send' && step.segments.some((s) => s.ip?.src === 'broadcast' || s.ip?.dst === 'broadcast')) ||
    (step.kind === 'app' && step.call.call === 'connect' && step.call.to === 'broadcast'));
}

/** Whether a case asks the target its state (`state:` steps); a target that cannot tell passes them on the reference machine's word. */
export function asksState(testCase: Case): boolean {
  return allSteps(testCase.steps).some((step) => step.kind === 'state');
}

/** What `tcpconform list` says a case needs. */
export interface CaseNeeds {
  readonly appCalls: readonly AppStepCall['call'][];
  readonly options: readonly SocketOptionName[];
  /** Kernel settings, `name=value`. */
  readonly sysctl: readonly string[];
  /** Whether the case runs only on a virtual clock. */
  readonly virtualClock: boolean;
  readonly state: boolean;
  /** The least time the case takes on a real clock, with the timers of the profile it was reckoned with. */
  readonly realClockMs: number;
}

/** A case longer than this on a real clock is worth a word: a virtual clock runs it in no time. */
export const SLOW_ON_A_REAL_CLOCK_MS = 10_000;

export function caseNeeds(testCase: Case, values: TimeValues): CaseNeeds {
  return {
    appCalls: [...appCallsNeeded(testCase)],
    options: [...optionsNeeded(testCase)],
    sysctl: Object.entries(testCase.sysctl ?? {}).map(([key, value]) => `${key}=${value}`),
    virtualClock: testCase.clock === 'virtual',
    state: asksState(testCase),
    realClockMs: leastDurationMs(testCase.steps, values),
  };
}

/** `app calls listen, close; state queries; timers: ~64 s on a real clock (linux)`, or `nothing but the wire`. */
export function needsText(needs: CaseNeeds, profileName: string): string {
  const parts = [
    ...(needs.appCalls.length > 0 ? [`app calls ${needs.appCalls.join(', ')}`] : []),
    ...(needs.options.length > 0 ? [`socket options ${needs.options.join(', ')}`] : []),
    ...(needs.sysctl.length > 0 ? [`kernel settings ${needs.sysctl.join(', ')}`] : []),
    ...(needs.state ? ['state queries'] : []),
    ...(needs.virtualClock ? ['a virtual clock'] : needs.realClockMs >= SLOW_ON_A_REAL_CLOCK_MS ? [`timers: ~${Math.round(needs.realClockMs / 1000)} s on a real clock (${profileName})`] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : 'nothing but the wire';
}

/**
 * The least time the case takes with these timer values: its waits and quiet spells, and the `after`
 * of its expectations (a timer the target must not fire early). Of an `either`, the longest branch.
 */
export function leastDurationMs(steps: readonly Step[], values: TimeValues): number {
  let total = 0;
  for (const step of steps) {
    if (step.kind === 'wait' || step.kind === 'quiet') total += timeMs(step.duration, values);
    if ((step.kind === 'expect' || step.kind === 'event') && step.after) total += timeMs(step.after, values);
    if (step.kind === 'either') total += Math.max(...step.branches.map((b) => leastDurationMs(b.steps, values)));
    if (step.kind === 'isn') total += (step.plan.active.length > 0 ? 2 : 1) * step.plan.rounds * timeMs(step.plan.apart, values);
  }
  return total;
}
