/**
 * A generated sequence as a case file of the suite's own format: YAML text that `validate` and `run`
 * take as they take any case, parsed back here the way the loader parses files, so that what explore
 * runs is exactly what it writes.
 */
import { stringify } from 'yaml';
import type { Case, Preamble, Step } from '../suite/case';
import { buildCase, readSuiteDocuments } from '../suite/parse';
import { formatProblem } from '../suite/problem';
import { caseSteps, type GeneratedStep } from './steps';

/** Where a generated sequence starts: a preamble of the suite's, or a bare listen or connect. */
export interface Start {
  readonly name: string;
  /** The preamble's name for `from:`, when the start is one. */
  readonly from?: string;
  /** Steps the case opens with before the generated ones (a bare start's listen or connect). */
  readonly opening: readonly unknown[];
  /** The peer's next new sequence number (relative) once the start's steps have run. */
  readonly peerNext: number;
}

/** The starts without a preamble: the target's application listens, or connects. */
export const BARE_STARTS: readonly Start[] = [
  { name: 'listen', opening: [{ app: 'listen' }], peerNext: 0 },
  { name: 'connect', opening: [{ app: 'connect' }], peerNext: 0 },
];

/**
 * The peer's next new sequence number after `steps`, as the runner's numbering counts; undefined after
 * a fill, a segment placed at the target's window edge or one full-sized for the target's MSS, whose
 * number only the target decides.
 */
export function peerNextAfter(steps: readonly Step[]): number | undefined {
  let next = 0;
  for (const step of steps) {
    if (step.kind === 'fill') return undefined;
    if (step.kind !== 'send') continue;
    for (const segment of step.segments) {
      if (typeof segment.seq === 'object' || segment.payload === 'mss') return undefined;
      const seq = segment.seq ?? next;
      const space = segment.payload.length + (segment.flags.includes('S') ? 1 : 0) + (segment.flags.includes('F') ? 1 : 0);
      const end = (seq + space) >>> 0;
      if (space > 0 && ((end - next) | 0) > 0) next = end;
    }
  }
  return next;
}

/** A preamble as a start; undefined when explore cannot follow the peer's numbers through it. */
export function preambleStart(preamble: Preamble): Start | undefined {
  const peerNext = peerNextAfter(preamble.steps);
  return peerNext === undefined ? undefined : { name: preamble.name, from: preamble.name, opening: [], peerNext };
}

export interface CaseText {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** RFC 9293 sections the case touches (at least one: the schema asks for it). */
  readonly sections: readonly string[];
}

/** One step as the suite's files write them: `- send: { flags: PA, data: 100 }`. */
function stepLine(step: unknown): string {
  const [[kind, value]] = Object.entries(step as Record<string, unknown>) as [[string, unknown]];
  return `  - ${kind}: ${stringify(value, { collectionStyle: 'flow', flowCollectionPadding: true, lineWidth: 0 }).trim()}`;
}

/** The YAML text of a case: `start`, then `steps`. */
export function caseYaml(start: Start, steps: readonly GeneratedStep[], text: CaseText): string {
  const head = {
    id: text.id,
    title: text.title,
    description: text.description,
  };
  const spec = { rfc9293: text.sections.length > 0 ? [...text.sections] : ['3.10'], requirements: [] };
  return [
    stringify(head, { lineWidth: 100, blockQuote: 'folded' }).trimEnd(),
    `spec: ${stringify(spec, { collectionStyle: 'flow', flowCollectionPadding: true }).trim()}`,
    'level: MUST',
    'tags: [explore]',
    ...(start.from !== undefined ? [`from: ${start.from}`] : []),
    'steps:',
    ...[...start.opening, ...caseSteps(steps, start.peerNext)].map(stepLine),
    '',
  ].join('\n');
}

/** The case `yaml` describes, as the loader would build it from a file named `file`; throws with every problem otherwise. */
export function parseCase(file: string, yaml: string, preambles: ReadonlyMap<string, Preamble>): Case {
  const { documents, problems } = readSuiteDocuments(file, yaml);
  const document = documents[0];
  if (problems.length > 0 || document?.kind !== 'case') throw new Error(`explore wrote a case the suite does not take:\n${problems.map(formatProblem).join('\n')}`);
  const built = buildCase(document, preambles);
  if (!built.case) throw new Error(`explore wrote a case the suite does not take:\n${built.problems.map(formatProblem).join('\n')}`);
  return built.case;
}
