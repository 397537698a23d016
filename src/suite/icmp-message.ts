/**
 * The ICMP errors a case's `icmp` step can send, by the names a reader knows them by: each Destination
 * Unreachable code (RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1; `frag-needed` with RFC 1191's MTU),
 * Source Quench, each Time Exceeded code, and the Parameter Problem codes. Pure.
 */
import { ICMPV4_PARAMETER_PROBLEM_CODES, ICMPV4_TIME_EXCEEDED_CODES, ICMPV4_UNREACHABLE_CODES } from '../wire';
import type { IcmpErrorKind, IcmpTemplate } from './case';

/** A message's ICMP kind (as src/wire names it) and code. */
export interface IcmpMessage {
  readonly kind: IcmpErrorKind;
  readonly code: number;
}

const byCode = <K extends IcmpErrorKind>(names: readonly string[], kind: (name: string) => K, prefix = ''): [string, IcmpMessage][] =>
  names.map((name, code) => [`${prefix}${name}`, { kind: kind(name), code }]);

/** Every name case.schema.json's `icmp.message` allows, and the message it stands for. */
export const ICMP_MESSAGES: Readonly<Record<string, IcmpMessage>> = Object.fromEntries([
  ...byCode(ICMPV4_UNREACHABLE_CODES, (name) => (name === 'frag-needed' ? 'frag-needed' : 'unreachable')),
  ['source-quench', { kind: 'source-quench', code: 0 }],
  ...byCode(ICMPV4_TIME_EXCEEDED_CODES, () => 'time-exceeded'),
  // Code 0 is the parameter problem RFC 792 defines, with its pointer; the others name theirs.
  ...byCode(ICMPV4_PARAMETER_PROBLEM_CODES, () => 'parameter-problem', 'parameter-problem-').map(
    ([name, message]): [string, IcmpMessage] => [name === 'parameter-problem-pointer' ? 'parameter-problem' : name, message],
  ),
]);

/** The `icmp` step as the schema admits it. */
export interface RawIcmp {
  message: string;
  mtu?: number;
  pointer?: number;
  seq?: number;
  peerPort?: number;
}

/**
 * The step's message with the fields its kind takes, or the problems with them: an MTU only on
 * `frag-needed`, where it is required (RFC 1191 §4), a pointer only on `parameter-problem`.
 */
export function icmpTemplate(raw: RawIcmp): { template?: IcmpTemplate; problems: { field: keyof RawIcmp; message: string }[] } {
  const message = ICMP_MESSAGES[raw.message] as IcmpMessage;
  const problems: { field: keyof RawIcmp; message: string }[] = [];
  if (message.kind === 'frag-needed' && raw.mtu === undefined) {
    problems.push({ field: 'message', message: 'frag-needed needs the next hop\'s MTU (RFC 1191 §4), e.g. mtu: 552' });
  }
  if (message.kind !== 'frag-needed' && raw.mtu !== undefined) {
    problems.push({ field: 'mtu', message: `an MTU belongs to frag-needed only (RFC 1191 §4), not to ${raw.message}` });
  }
  if (raw.pointer !== undefined && raw.message !== 'parameter-problem') {
    problems.push({ field: 'pointer', message: `a pointer belongs to parameter-problem only (RFC 792), not to ${raw.message}` });
  }
  if (problems.length > 0) return { problems };
  return {
    problems,
    template: {
      message: raw.message,
      ...message,
      ...(raw.mtu !== undefined && { nextHopMtu: raw.mtu }),
      ...(raw.pointer !== undefined && { pointer: raw.pointer }),
      ...(raw.seq !== undefined && { seq: raw.seq }),
      ...(raw.peerPort !== undefined && { peerPort: raw.peerPort }),
    },
  };
}

/** The name a case gives the error of `kind` and `code`; undefined for a code no name stands for. */
export function icmpMessageName(kind: IcmpErrorKind, code: number): string | undefined {
  return Object.entries(ICMP_MESSAGES).find(([, m]) => m.kind === kind && m.code === code)?.[0];
}
