/**
 * Segments processed per second by the reference machine on a long established-state exchange: two
 * endpoints wired back to back, each sending data to the other, every segment (data, ACKs, data carrying
 * ACKs) handed to the other side's SEGMENT ARRIVES at once. Virtual time moves a microsecond per segment.
 * Measured with the options of RFC 7323 and RFC 2018 negotiated (window scaling, timestamps on every
 * segment, SACK) and congestion control (RFC 5681), and, as the baseline, with none of the options (MSS
 * alone), in the package's build (dist/, compiled by tsc: what an installed tcpconform runs); and with the
 * options in the sources as a clone runs them (bin/tcpconform compiles them in memory with
 * esbuild-register, whose modules reach each other's functions through property getters). Alternating
 * run by run, so that the machine's load falls on all three alike.
 *
 * Usage: npm run bench:reference -- [SEGMENTS=1000000] [RUNS=7]   (builds dist/ first)
 * Prints the median segments per second of each over the runs (after one warm-up run), the spread, and
 * the ratios of the medians.
 * Goal (issue 18): at least 2,000,000 segments a second with timestamps and SACK on, on this 2-core
 * machine, in the package's build.
 */
import type { Output, Profile, ReferenceEndpoint } from '../src/reference';
import type { TcpSegment } from '../src/wire';

type Machine = typeof import('../src/reference');
/** The package's build, which `npm run build` wrote; and the sources as esbuild-register compiles them. */
const PACKAGE: Machine = require('../dist/reference');
const CLONE: Machine = require('../src/reference');

const GOAL = 2_000_000;
/** Octets each side queues whenever its data has gone out: enough for a window's worth of segments. */
const CHUNK = 64 * 1024;
/** Window scaling, timestamps and SACK, as RFC 9293's profile offers them, and a 10-segment initial window. */
const WITH_OPTIONS: Profile = { ...PACKAGE.RFC9293_PROFILE, name: 'bench', mss: 1460, initialWindow: 10 };
/** The baseline: MSS alone. */
const MSS_ONLY: Profile = { ...WITH_OPTIONS, name: 'bench-mss-only', windowScaling: false, timestamps: false, sackPermitted: false };
/** The application's octets, made once: what is measured is the machine, not the making of data. */
const DATA = new Uint8Array(CHUNK).fill(0x61);

interface Run {
  segments: number;
  seconds: number;
}

/** A segment on its way, and the endpoint it goes to. */
interface InFlight {
  readonly to: ReferenceEndpoint;
  readonly segment: TcpSegment;
}

/**
 * Hands every segment in flight to its receiver, and what that produces back to the other side, until
 * both are quiet. Returns how many segments were processed.
 */
function deliver(a: ReferenceEndpoint, b: ReferenceEndpoint, fromA: Output[], fromB: Output[], clock: { ms: number }): number {
  let processed = 0;
  let inFlight: InFlight[] = [];
  const post = (outputs: Output[], to: ReferenceEndpoint): void => {
    for (const output of outputs) if (output.kind === 'segment') inFlight.push({ to, segment: output.segment });
  };
  post(fromA, b);
  post(fromB, a);
  while (inFlight.length > 0) {
    const batch = inFlight;
    inFlight = [];
    for (const { to, segment } of batch) {
      clock.ms += 0.001;
      post(to.segmentArrives(segment, clock.ms), to === a ? b : a);
      processed++;
    }
  }
  return processed;
}

function run(machine: Machine, profile: Profile, target: number): Run {
  const a = new machine.ReferenceEndpoint(profile, { address: '198.18.0.1', port: 40000 });
  const b = new machine.ReferenceEndpoint(profile, { address: '198.18.0.2', port: 80 }, { iss: 5000 });
  const clock = { ms: 0 };
  b.openPassive(0);
  deliver(a, b, a.openActive({ address: '198.18.0.2', port: 80 }, 1000, 0), [], clock);
  let segments = 0;
  const start = process.hrtime.bigint();
  while (segments < target) {
    // Both sides send at once, so that data segments carry the ACKs of the other side's data.
    segments += deliver(a, b, a.send(DATA, clock.ms), b.send(DATA, clock.ms), clock);
    // What each side read is gone: the data itself is not the machine's business.
    a.receive(undefined, clock.ms);
    b.receive(undefined, clock.ms);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  for (const side of [a, b]) {
    if (side.state !== 'ESTABLISHED' || side.tcb.sndUna !== side.tcb.sndQueueEnd) throw new Error(`the exchange broke: ${side.state}, SND.UNA ${side.tcb.sndUna}, queued up to ${side.tcb.sndQueueEnd}`);
    const wanted = profile.timestamps && profile.sackPermitted;
    if (side.tcb.options.timestamps !== wanted || side.tcb.options.sack !== wanted) throw new Error(`the options did not negotiate as ${profile.name} offers them`);
  }
  return { segments, seconds };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function main(): void {
  const target = Number(process.argv[2] ?? 1_000_000);
  const runs = Number(process.argv[3] ?? 7);
  const measures = { options: [PACKAGE, WITH_OPTIONS], baseline: [PACKAGE, MSS_ONLY], clone: [CLONE, WITH_OPTIONS] } as const;
  const rates = { options: [] as number[], baseline: [] as number[], clone: [] as number[] };
  for (const [machine, profile] of Object.values(measures)) run(machine, profile, Math.min(target, 100_000));
  for (let i = 0; i < runs; i++) {
    for (const [name, [machine, profile]] of Object.entries(measures) as [keyof typeof measures, (typeof measures)[keyof typeof measures]][]) {
      const measured = run(machine, profile, target);
      rates[name].push(measured.segments / measured.seconds);
    }
  }
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  const line = (label: string, values: number[]): string => `${label} ${fmt(median(values))} segments/s  (min ${fmt(Math.min(...values))}, max ${fmt(Math.max(...values))})`;
  const rate = median(rates.options);
  console.log(`reference machine, established exchange both ways (MSS ${WITH_OPTIONS.mss}, ${fmt(target)} segments a run, ${runs} runs each)`);
  console.log(line('package build, timestamps, SACK, window scaling: median', rates.options));
  console.log(line('package build, baseline, MSS alone:              median', rates.baseline));
  console.log(line('sources through esbuild-register, with options:  median', rates.clone));
  console.log(`ratios: options ${(rate / median(rates.baseline)).toFixed(2)} of the baseline; esbuild-register ${(median(rates.clone) / rate).toFixed(2)} of the package build`);
  console.log(`goal:   ${fmt(GOAL)} segments/s with timestamps and SACK, package build  ${rate >= GOAL ? 'met' : 'NOT met'}`);
}

main();
