/**
 * How a mutant alters a segment form (src/reference/segments.ts, SEGMENT_FORMS): a control bit added
 * or dropped, the sequence or acknowledgment number one off, or the other form of a reset. Which
 * alterations a form takes follows from the bits the form carries, so a new form gets its own.
 */
import { SEGMENT_FORMS, type SegmentForm } from '../reference';
import type { TcpSegment } from '../wire';
import { TcpFlag } from '../wire/flags';
import { seqAdd } from '../wire/seq';

export interface Alteration {
  /** Short and stable, part of the mutant's id: `seq+1`, `+FIN`, `other-form`. */
  readonly name: string;
  /** Completes "every <form> it sends ...". */
  readonly words: string;
  /** The segment altered, or the same segment where the alteration does not apply to it. */
  apply(segment: TcpSegment, other: TcpSegment | undefined): TcpSegment;
}

/** The control bits each form always carries (PSH comes and goes with the data). */
const FORM_FLAGS: Readonly<Record<SegmentForm, number>> = {
  ack: TcpFlag.ACK,
  syn: TcpFlag.SYN,
  'syn-ack': TcpFlag.SYN | TcpFlag.ACK,
  data: TcpFlag.ACK,
  fin: TcpFlag.FIN | TcpFlag.ACK,
  'keep-alive': TcpFlag.ACK,
  'abort-reset': TcpFlag.RST,
  reset: TcpFlag.RST,
  'reset-ack': TcpFlag.RST | TcpFlag.ACK,
};

/** The forms with an alternative the machine could have sent instead: §3.5.2's two resets. */
const HAS_OTHER_FORM: readonly SegmentForm[] = ['reset', 'reset-ack'];

const BITS = { SYN: TcpFlag.SYN, FIN: TcpFlag.FIN, RST: TcpFlag.RST, ACK: TcpFlag.ACK } as const;

const numberOff = (field: 'seq' | 'ack', by: 1 | -1): Alteration => ({
  name: `${field}${by > 0 ? '+1' : '-1'}`,
  words: `carries ${field === 'seq' ? 'a sequence' : 'an acknowledgment'} number one too ${by > 0 ? 'high' : 'low'}`,
  apply: (segment) => ({ ...segment, [field]: seqAdd(segment[field], by) }),
});

const bitAdded = (name: keyof typeof BITS): Alteration => ({
  name: `+${name}`,
  words: `has the ${name} bit set as well`,
  apply: (segment) => ({ ...segment, flags: segment.flags | BITS[name] }),
});

const bitDropped = (name: keyof typeof BITS | 'PSH', bit: number): Alteration => ({
  name: `-${name}`,
  words: `lacks the ${name} bit`,
  apply: (segment) => ({ ...segment, flags: segment.flags & ~bit }),
});

const otherForm: Alteration = {
  name: 'other-form',
  words: 'takes the other reset form of §3.5.2 (the one for a segment with the ACK bit the other way)',
  apply: (segment, other) => other ?? segment,
};

/** Every alteration of `form`. */
export function alterationsOf(form: SegmentForm): Alteration[] {
  const flags = FORM_FLAGS[form];
  const alterations = [numberOff('seq', 1), numberOff('seq', -1)];
  if (flags & TcpFlag.ACK) alterations.push(numberOff('ack', 1), numberOff('ack', -1));
  for (const name of Object.keys(BITS) as (keyof typeof BITS)[]) {
    alterations.push(flags & BITS[name] ? bitDropped(name, BITS[name]) : bitAdded(name));
  }
  // PSH marks the last data queued (MUST-61): only a form carrying data can drop it.
  if (form === 'data' || form === 'fin') alterations.push(bitDropped('PSH', TcpFlag.PSH));
  if (HAS_OTHER_FORM.includes(form)) alterations.push(otherForm);
  return alterations;
}

export const ALL_FORMS = Object.keys(SEGMENT_FORMS) as SegmentForm[];
