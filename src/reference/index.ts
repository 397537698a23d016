/**
 * The reference machine: RFC 9293 as executable code, the oracle every verdict comes from. Pure and
 * deterministic: no I/O, no clock, no randomness; imports only from `wire/`.
 *
 * Read RFC 9293 §3.10 beside it: user calls (user-calls.ts), SEGMENT ARRIVES state by state
 * (segment-arrives.ts, arrives/), timeouts (timeouts.ts), and §3.9.2.2's ICMP errors (icmp.ts, with
 * RFC 5927 and RFC 1191). RFC 6298 (rtt.ts), RFC 5681 (congestion.ts), RFC 7323 and RFC 2018 (the
 * options two SYNs negotiate, syn-options.ts; timestamps and PAWS, timestamps.ts; SACK blocks, sack.ts),
 * RFC 5961 (the `rfc5961Rst`, `rfc5961Syn` and `rfc5961Ack` profile flags) and RFC 1337 (`rfc1337`)
 * complete it.
 *
 * Every rule goes through `fire`, every segment through `emit` (segments.ts), every boundary comparison
 * through the functions of boundaries.ts and every timer through `arm` (timers.ts): the four seams a
 * mutant of `tcpconform mutate` goes through (mutation.ts). New code keeps to them, so that its rules,
 * forms, comparisons and timers get their mutants.
 *
 * Its modules import wire's own files (`wire/seq`, `wire/flags`) rather than wire's index: loaded file by
 * file as CommonJS, as the CLI loads them (esbuild-register), every call through a re-export costs two
 * property getters, which took half the machine's time in bench/reference.ts.
 */
export { ReferenceEndpoint, type Socket } from './endpoint';
export type { ConnectionSettings, EndpointOptions, KeepAlive } from './machine';
export type { SettingChanges } from './settings';
export type { Output, UserEvent } from './output';
export type { IcmpError, IcmpErrorKind } from './icmp';
export { RFC9293_PROFILE, checkProfile, toleranceMs, type Profile, type TimingTolerance } from './profile';
export { ALL_RULES, describeRule, unreachableBecause, type Rule } from './rules';
export type { HeldRange, RttState, Tcb, Timers } from './tcb';
export { UserCallError, type UserCallErrorReason } from './user-call-error';
export { acceptable, segLen } from './acceptable';
export { ALL_BOUNDARIES, boundaryInfo, relationHolds, relationOf, type Boundary, type Relation } from './boundaries';
export { BranchSkipped, type Mutation, type TimerName } from './mutation';
export { SEGMENT_FORMS, urgentPointerAt, type SegmentForm } from './segments';
export { TIMER_ORDER as ALL_TIMERS } from './timeouts';
export { IP_FACTS, familyOfAddress, mssIn, type IpFacts, type IpFamily } from './ip';
export { icmpErrorOfIcmpv4, icmpErrorOfIcmpv6, icmpv6Counterpart, type Icmpv6Kind } from './icmpv6';
