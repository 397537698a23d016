/**
 * The ISN statistics on synthetic generators whose verdicts are known: a constant, fixed increments per
 * connection and per clock tick (4.4BSD's, slirp's), a tick counter added up (lwIP's), a bare 4-µs
 * clock (RFC 793's), RFC 6528's clock plus a keyed function of the four-tuple, and pure randomness.
 */
import { isnStatistics, type IsnSample, type IsnStatisticName } from '../../src/runner/isn/statistics';

/** A deterministic stand-in for a secret keyed function (xorshift), so each run is the same. */
function randomSource(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

type Generator = (tuple: string, atMs: number) => number;

/**
 * The case's plan: 6 rounds 500 ms apart of 4 active opens (each from a fresh port of the target's),
 * then 6 rounds of 4 passive opens (the same 4 peer ports each round), 1 ms between connections.
 */
function sample(isn: Generator): IsnSample[] {
  const samples: IsnSample[] = [];
  let atMs = 0;
  let ephemeral = 49152;
  for (const open of ['active', 'passive'] as const) {
    for (let round = 0; round < 6; round++) {
      const start = atMs;
      for (let i = 0; i < 4; i++) {
        const [targetPort, peerPort] = open === 'active' ? [ephemeral++, 9001 + i] : [8080, 41000 + i];
        samples.push({ open, targetPort, peerPort, atMs, isn: isn(`${targetPort}/${peerPort}`, atMs) >>> 0 });
        atMs += 1;
      }
      atMs = start + 500;
    }
  }
  return samples;
}

function verdicts(samples: readonly IsnSample[]): Record<IsnStatisticName, boolean> {
  return Object.fromEntries(isnStatistics(samples).map((s) => [s.name, s.passed])) as Record<IsnStatisticName, boolean>;
}

const ALL_PASS = { repeats: true, clock: true, 'clock-rate': true, 'last-isn': true, 'last-step': true, 'step-set': true, 'time-line': true, 'four-tuples': true };

test('a constant ISN (ns-3) fails every statistic', () => {
  expect(Object.values(verdicts(sample(() => 0)))).toEqual(Object.values(ALL_PASS).map(() => false));
});

test('fixed increments, 64000 a connection and 64000 a 500 ms tick (slirp, 4.4BSD), follow a clock but are predicted', () => {
  let counter = 1;
  let lastTick = 0;
  const slirp: Generator = (_, atMs) => {
    const tick = Math.floor(atMs / 499);
    counter += (tick - lastTick) * 64_000;
    lastTick = tick;
    const isn = counter;
    counter += 64_000;
    return isn;
  };
  const v = verdicts(sample(slirp));
  expect(v).toMatchObject({ repeats: true, clock: true, 'clock-rate': true, 'last-isn': false, 'step-set': false, 'four-tuples': false });
});

test('a tick counter added up at each connection (lwIP: iss += tcp_ticks) neither runs like a clock nor escapes prediction', () => {
  let iss = 6510;
  const lwip: Generator = (_, atMs) => (iss += Math.floor(atMs / 500));
  const v = verdicts(sample(lwip));
  expect(v).toMatchObject({ 'clock-rate': false, 'last-isn': false, 'four-tuples': false });
});

test("a bare 4-µs clock (RFC 793's ISN) is clock-driven but predicted by a line, and ignores the four-tuple", () => {
  const v = verdicts(sample((_, atMs) => atMs * 250));
  expect(v).toMatchObject({ repeats: true, clock: true, 'clock-rate': true, 'last-isn': false, 'time-line': false, 'four-tuples': false });
});

test("RFC 6528's clock plus a keyed function of the four-tuple passes every statistic", () => {
  const keyed = new Map<string, number>();
  const next = randomSource(6528);
  const rfc6528: Generator = (tuple, atMs) => {
    if (!keyed.has(tuple)) keyed.set(tuple, next());
    return (keyed.get(tuple) as number) + atMs * 250;
  };
  expect(verdicts(sample(rfc6528))).toEqual(ALL_PASS);
});

test('Linux-fast clock (64 ns ticks) with a keyed function passes too: the clock has no upper bound', () => {
  const keyed = new Map<string, number>();
  const next = randomSource(64);
  expect(verdicts(sample((tuple, atMs) => {
    if (!keyed.has(tuple)) keyed.set(tuple, next());
    return (keyed.get(tuple) as number) + Math.floor((atMs * 1e6) / 64);
  }))).toEqual(ALL_PASS);
});

test('pure randomness is unpredictable and unrelated but no clock (MUST-8)', () => {
  const next = randomSource(1);
  const v = verdicts(sample(() => next()));
  expect(v).toMatchObject({ repeats: true, clock: false, 'last-isn': true, 'last-step': true, 'step-set': true, 'time-line': true, 'four-tuples': true });
});

test('each statistic says what it measured, over what, and its threshold', () => {
  const [repeats, clock, rate, lastIsn] = isnStatistics(sample(() => 7));
  expect(repeats).toMatchObject({ requirement: 'MUST-8', measured: '47 of 48 ISNs repeat an earlier one (97.9%)', threshold: 'at most 10%' });
  expect(clock).toMatchObject({ measured: '0 of 20 successive ISNs on one four-tuple are ahead of the one before (0%)', threshold: 'at least 90%' });
  expect(rate).toMatchObject({ measured: 'a median of 0 a second over 20 pairs', threshold: 'at least 25,000 a second' });
  expect(lastIsn).toMatchObject({ requirement: 'MUST-9', measured: '47 of 47 guesses hit (100%)' });
});
