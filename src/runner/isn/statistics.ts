/**
 * What the initial sequence numbers of many connections show about how a target chooses them (RFC 9293
 * §3.4.1; RFC 6528): each statistic asks one question of the samples, measures one number, and holds
 * it to a threshold. Pure: samples in, statistics out.
 *
 * RFC 6528's generator is ISN = M + F(four-tuple, secret), M a 4-µs clock. So on one four-tuple the
 * ISNs advance with time (MUST-8); across four-tuples they differ by F, which an outsider cannot
 * compute (MUST-9) and which leaves four-tuples unrelated (SHLD-1). The statistics follow that shape:
 * the clock is measured on a four-tuple opened again and again, and predictions are made the way an
 * off-path attacker would make them, from the ISNs of connections on other four-tuples. A pass is
 * evidence, not proof: a generator can pass every statistic and still be predictable to whoever knows
 * it (ISN_CAVEAT).
 */
import { seqSub } from '../../wire/seq';

/** One connection's ISN, and when and on which four-tuple it was chosen. The addresses never change. */
export interface IsnSample {
  /** `passive`: the ISN of the target's SYN-ACK; `active`: of its SYN. */
  readonly open: 'passive' | 'active';
  readonly targetPort: number;
  readonly peerPort: number;
  /** When the segment carrying it was on the wire, ms since the case began (the target's clock). */
  readonly atMs: number;
  readonly isn: number;
}

export type IsnStatisticName = 'repeats' | 'clock' | 'clock-rate' | 'last-isn' | 'last-step' | 'step-set' | 'time-line' | 'four-tuples';

export interface IsnStatistic {
  readonly name: IsnStatisticName;
  /** The requirement it gives evidence for: a case judges the statistics of the requirements it names. */
  readonly requirement: 'MUST-8' | 'MUST-9' | 'SHLD-1';
  /** The question, in a sentence. */
  readonly question: string;
  /** What was measured, with what it was measured over. */
  readonly measured: string;
  /** The threshold, e.g. `at most 10%`. */
  readonly threshold: string;
  readonly passed: boolean;
}

export const ISN_CAVEAT =
  'A pass is evidence, not proof: these statistics catch ISNs that are constant, that do not follow a clock, ' +
  'that simple models predict from other connections, or that relate four-tuples simply. A generator can pass ' +
  'them all and still be predictable to whoever knows its algorithm; that its keyed function is secret (MUST-9) ' +
  'cannot be shown from the wire.';

/** At most this share of the samples may repeat an earlier ISN. */
const MAX_REPEATS = 0.1;
/** At least this share of successive ISNs on one four-tuple must advance. */
const MIN_ADVANCING = 0.9;
/** RFC 9293 §3.4.1's clock: the low-order bit "incremented roughly every 4 microseconds". */
const RFC_CLOCK_PER_SECOND = 250_000;
/** The least clock rate taken as that clock: a tenth of it, "roughly" read generously. */
const MIN_CLOCK_PER_SECOND = RFC_CLOCK_PER_SECOND / 10;
/**
 * A guess this close to an ISN is a hit: a blind attacker's segment inside an unscaled window of the
 * right sequence number is accepted (RFC 5961 §1).
 */
const GUESS_WINDOW = 65_535;
/** At most this share of a model's guesses may hit. Random 32-bit ISNs give about 3 hits in 100,000. */
const MAX_HITS = 0.1;
/** Two connections opened within this of each other count as opened together (the same round). */
const TOGETHER_MS = 250;
/** At most this share of connections opened together on different four-tuples may have related ISNs. */
const MAX_RELATED = 0.1;
/** The step-set model guesses with at most this many of the steps it has seen, the commonest first. */
const STEP_SET_SIZE = 8;

const percent = (share: number): string => `${+(share * 100).toFixed(1)}%`;
const tupleOf = (s: IsnSample): string => `${s.targetPort}/${s.peerPort}`;

/** Successive samples on each four-tuple: the pairs the clock is measured on. */
function sameTuplePairs(samples: readonly IsnSample[]): [IsnSample, IsnSample][] {
  const last = new Map<string, IsnSample>();
  const pairs: [IsnSample, IsnSample][] = [];
  for (const s of samples) {
    const before = last.get(tupleOf(s));
    if (before) pairs.push([before, s]);
    last.set(tupleOf(s), s);
  }
  return pairs;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** ISN advance per second between two samples of one four-tuple (sequence arithmetic: forward is positive). */
function ratePerSecond([a, b]: [IsnSample, IsnSample]): number {
  return b.atMs > a.atMs ? (seqSub(b.isn, a.isn) / (b.atMs - a.atMs)) * 1000 : 0;
}

function repeats(samples: readonly IsnSample[]): IsnStatistic {
  const seen = new Set<number>();
  let repeated = 0;
  for (const s of samples) {
    if (seen.has(s.isn)) repeated++;
    seen.add(s.isn);
  }
  const share = samples.length === 0 ? 0 : repeated / samples.length;
  return {
    name: 'repeats',
    requirement: 'MUST-8',
    question: 'Do ISNs repeat? A constant ISN, or one that stands still, is no clock-driven choice.',
    measured: `${repeated} of ${samples.length} ISNs repeat an earlier one (${percent(share)})`,
    threshold: `at most ${percent(MAX_REPEATS)}`,
    passed: share <= MAX_REPEATS,
  };
}

function clock(pairs: readonly [IsnSample, IsnSample][]): IsnStatistic {
  const advancing = pairs.filter(([a, b]) => seqSub(b.isn, a.isn) > 0).length;
  const share = pairs.length === 0 ? 0 : advancing / pairs.length;
  return {
    name: 'clock',
    requirement: 'MUST-8',
    question: 'Does each four-tuple\'s ISN move forward with time, as a clock-driven ISN does?',
    measured: `${advancing} of ${pairs.length} successive ISNs on one four-tuple are ahead of the one before (${percent(share)})`,
    threshold: `at least ${percent(MIN_ADVANCING)}`,
    passed: pairs.length > 0 && share >= MIN_ADVANCING,
  };
}

function clockRate(pairs: readonly [IsnSample, IsnSample][], rate: number): IsnStatistic {
  return {
    name: 'clock-rate',
    requirement: 'MUST-8',
    question: 'Does that clock run about as fast as RFC 9293 §3.4.1\'s, one tick every 4 µs (250,000 a second)?',
    measured: `a median of ${Math.round(rate).toLocaleString('en-US')} a second over ${pairs.length} pairs`,
    threshold: `at least ${MIN_CLOCK_PER_SECOND.toLocaleString('en-US')} a second`,
    passed: pairs.length > 0 && rate >= MIN_CLOCK_PER_SECOND,
  };
}

/** A model: the guesses it makes for an ISN from the ISNs of earlier connections on other four-tuples. */
type Model = (earlier: readonly IsnSample[], at: IsnSample) => number[];

const lastIsn: Model = (earlier) => (earlier.length >= 1 ? [(earlier[earlier.length - 1] as IsnSample).isn] : []);

const lastStep: Model = (earlier) => {
  if (earlier.length < 2) return [];
  const [a, b] = earlier.slice(-2) as [IsnSample, IsnSample];
  return [(b.isn + seqSub(b.isn, a.isn)) >>> 0];
};

const stepSet: Model = (earlier) => {
  const counts = new Map<number, number>();
  for (let i = 1; i < earlier.length; i++) {
    const step = seqSub((earlier[i] as IsnSample).isn, (earlier[i - 1] as IsnSample).isn);
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  const last = earlier[earlier.length - 1];
  if (last === undefined) return [];
  const commonest = [...counts.entries()].sort((x, y) => y[1] - x[1]).slice(0, STEP_SET_SIZE);
  return commonest.map(([step]) => (last.isn + step) >>> 0);
};

/** The least-squares line through (time, ISN), the ISNs unwrapped from one sample to the next. */
const timeLine: Model = (earlier, at) => {
  if (earlier.length < 2) return [];
  const first = earlier[0] as IsnSample;
  let unwrapped = 0;
  const points = earlier.map((s, i) => {
    if (i > 0) unwrapped += seqSub(s.isn, (earlier[i - 1] as IsnSample).isn);
    return { t: s.atMs - first.atMs, y: unwrapped };
  });
  const n = points.length;
  const meanT = points.reduce((sum, p) => sum + p.t, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  const spread = points.reduce((sum, p) => sum + (p.t - meanT) ** 2, 0);
  if (spread === 0) return [];
  const slope = points.reduce((sum, p) => sum + (p.t - meanT) * (p.y - meanY), 0) / spread;
  const guess = meanY + slope * (at.atMs - first.atMs - meanT);
  return [(first.isn + Math.round(guess)) >>> 0];
};

const MODELS: readonly { name: IsnStatisticName; model: Model; question: string }[] = [
  { name: 'last-isn', model: lastIsn, question: 'Is an ISN close to the last one another four-tuple got?' },
  { name: 'last-step', model: lastStep, question: 'Is an ISN the last one plus the last step between two others?' },
  { name: 'step-set', model: stepSet, question: `Is an ISN the last one plus one of the ${STEP_SET_SIZE} commonest steps seen so far?` },
  { name: 'time-line', model: timeLine, question: 'Does a straight line through the earlier ISNs against time predict it?' },
];

/** Each model's guesses for every sample, from the samples before it on other four-tuples. */
function prediction(samples: readonly IsnSample[], name: IsnStatisticName, model: Model, question: string): IsnStatistic {
  let guessed = 0;
  let hits = 0;
  samples.forEach((s, i) => {
    const earlier = samples.slice(0, i).filter((e) => tupleOf(e) !== tupleOf(s));
    const guesses = model(earlier, s);
    if (guesses.length === 0) return;
    guessed++;
    if (guesses.some((g) => Math.abs(seqSub(s.isn, g)) <= GUESS_WINDOW)) hits++;
  });
  const share = guessed === 0 ? 0 : hits / guessed;
  return {
    name,
    requirement: 'MUST-9',
    question: `${question} (a hit: within ${GUESS_WINDOW.toLocaleString('en-US')}, an unscaled window)`,
    measured: `${hits} of ${guessed} guesses hit (${percent(share)})`,
    threshold: `at most ${percent(MAX_HITS)}`,
    passed: share <= MAX_HITS,
  };
}

/**
 * Connections opened together on different four-tuples: their ISNs' difference, less what the clock
 * moved in between, is what separates the four-tuples; within a window of zero they are related.
 */
function fourTuples(samples: readonly IsnSample[], rate: number): IsnStatistic {
  let pairs = 0;
  let related = 0;
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1] as IsnSample, samples[i] as IsnSample];
    if (tupleOf(a) === tupleOf(b) || b.atMs - a.atMs > TOGETHER_MS) continue;
    pairs++;
    const apart = seqSub(b.isn, a.isn) - (rate * (b.atMs - a.atMs)) / 1000;
    if (Math.abs(apart) <= GUESS_WINDOW) related++;
  }
  const share = pairs === 0 ? 0 : related / pairs;
  return {
    name: 'four-tuples',
    requirement: 'SHLD-1',
    question: `Do connections opened together on different four-tuples get ISNs within ${GUESS_WINDOW.toLocaleString('en-US')} of each other, once the clock is taken out?`,
    measured: `${related} of ${pairs} pairs opened within ${TOGETHER_MS} ms of each other (${percent(share)})`,
    threshold: `at most ${percent(MAX_RELATED)}`,
    passed: pairs > 0 && share <= MAX_RELATED,
  };
}

/** Every statistic, in the order a report shows them. `samples` are in the order they were taken. */
export function isnStatistics(samples: readonly IsnSample[]): IsnStatistic[] {
  const pairs = sameTuplePairs(samples);
  const rate = median(pairs.map(ratePerSecond));
  return [
    repeats(samples),
    clock(pairs),
    clockRate(pairs, rate),
    ...MODELS.map(({ name, model, question }) => prediction(samples, name, model, question)),
    fourTuples(samples, rate),
  ];
}
