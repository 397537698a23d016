/**
 * A judged endpoint as a case result, so that `check` writes the same report as `run` (JSON lines, HTML
 * with the ladder, JUnit, pcap): one result per endpoint judged, the endpoint in the target's place and
 * the other side in the peer's. The verdict is `pass` or `fail`; an endpoint the capture cannot settle
 * (a segment it lost, a deadline after its end) is `skip`, with the reason and the packet.
 */
import type { CaseResult, StepOutcome, TraceEvent } from '../runner/result';
import { segmentText, summarizeFromTarget, summarizeIcmpIn, summarizeToTarget } from '../runner/summary';
import type { RequirementLevel } from '../suite/case';
import { decodePacket } from '../wire';
import { socketText, type Conversation } from './conversations';
import type { Judgment } from './judge';

/** The level of the requirement a rule names: `SHLD-14` is a SHOULD, `MAY-2` a MAY, the rest MUST. */
export function levelOf(rule: string): RequirementLevel {
  if (rule.startsWith('SHLD-')) return 'SHOULD';
  if (rule.startsWith('MAY-')) return 'MAY';
  return 'MUST';
}

/** `server/2-198-18-0-1-8080`: a case id (lower-case, digits, dashes), stable for a given capture. */
export function judgmentId(index: number, judgment: Judgment): string {
  const where = `${judgment.endpoint.address}-${judgment.endpoint.port}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `${judgment.role ?? 'endpoint'}/${index + 1}-${where}`;
}

/** The oracle speaks of "the target"; in a capture it is the endpoint judged. */
const endpointWords = (message: string): string => message.replace(/\bthe target\b/g, 'the endpoint');

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function trace(judgment: Judgment): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (const j of judgment.judged) {
    if (j.kind === 'inferred') {
      events.push({ kind: 'app-call', timeMs: j.timeMs, call: j.call, result: { ok: true } });
      continue;
    }
    if (j.kind === 'icmp') {
      const icmp = summarizeIcmpIn(decodePacket(j.icmp.packet), (seq) => judgment.numbering.targetRelative(seq));
      events.push({ kind: 'packet', timeMs: j.icmp.timeMs, direction: 'to-target', hex: hex(j.icmp.packet), ...(icmp && { icmp }), reference: j.state, note: `packet ${j.icmp.number}` });
      continue;
    }
    const { segment, fromEndpoint, state } = j;
    const summary = fromEndpoint ? summarizeFromTarget(segment.tcp, judgment.numbering, segment.checksumOk) : summarizeToTarget(segment.tcp, judgment.numbering, segment.checksumOk);
    events.push({ kind: 'packet', timeMs: segment.timeMs, direction: fromEndpoint ? 'from-target' : 'to-target', hex: hex(segment.packet), segment: summary, reference: state, note: `packet ${segment.number}` });
  }
  return events;
}

export interface ResultContext {
  /** The capture's file, as the user gave it. */
  readonly file: string;
  /** The name results carry as their target: the capture's. */
  readonly target: string;
  /** The capture's first record, in ms since the epoch: pcaps are rebuilt from it. */
  readonly startedAt: number;
}

export function judgmentResult(index: number, conversation: Conversation, judgment: Judgment, context: ResultContext): CaseResult {
  const { divergence, unjudged } = judgment;
  const events = trace(judgment);
  const endpointText = socketText(judgment.endpoint);
  const rule = divergence?.violation.rule;
  const observed = divergence === undefined ? '' : divergence.observed ? segmentText(summarizeFromTarget(divergence.observed.tcp, judgment.numbering, divergence.observed.checksumOk)) : 'nothing';
  const segments = judgment.judged.filter((j) => j.kind === 'segment' && j.fromEndpoint).length;
  const step: StepOutcome = {
    index: 0,
    line: divergence?.number ?? unjudged?.number ?? 0,
    text: `every segment of ${endpointText} held against the reference machine (${segments} judged)`,
    outcome: divergence ? 'fail' : 'pass',
    ...(divergence && {
      expected: divergence.violation.expected,
      observed,
      mismatches: [{ field: divergence.violation.rule, expected: divergence.violation.expected, observed }],
      message: `${divergence.violation.rule}: ${endpointWords(divergence.violation.message)}`,
    }),
  };
  const where = (number: number) => `${context.file}: packet ${number}`;
  const reason = divergence ? `${where(divergence.number)}: ${divergence.violation.rule}: ${endpointWords(divergence.violation.message)}` : unjudged ? `not judged past ${where(unjudged.number)}: ${unjudged.reason}` : undefined;
  const durationMs = events.length === 0 ? 0 : events[events.length - 1]!.timeMs - events[0]!.timeMs;
  return {
    id: judgmentId(index, judgment),
    title: `${endpointText}${judgment.role ? `, the ${judgment.role},` : ''} in ${conversation.name}`,
    area: judgment.role ?? 'endpoint',
    level: rule === undefined ? 'MUST' : levelOf(rule),
    spec: { rfc9293: [], requirements: rule !== undefined && /^(MUST|SHLD|MAY)-/.test(rule) ? [rule] : [] },
    tags: ['capture'],
    file: context.file,
    target: context.target,
    verdict: divergence ? 'fail' : judgment.verdict === 'inconclusive' ? 'skip' : 'pass',
    ...(reason !== undefined && { reason }),
    ...(divergence && { divergence: { step: 0, file: context.file, line: divergence.number, expected: divergence.violation.expected, observed, mismatches: step.mismatches ?? [] } }),
    startedAt: context.startedAt,
    durationMs,
    steps: [step],
    trace: events,
    rules: judgment.rules,
  };
}
