/**
 * Segments a second through `tcpconform check`'s pipeline (capture records → TCP conversations → the
 * endpoint judged against the reference machine) on a capture of a bulk transfer: a handshake, then the
 * server sending 100-octet segments and the client acknowledging every second one. The baseline,
 * measured in the same run on the same bytes, is plain decoding: reading every record and decoding its
 * IP and TCP headers, which check does before anything else. Both in the package's build (dist/, compiled
 * by tsc: what an installed tcpconform runs), and check in the sources as a clone's bin/tcpconform runs
 * them (esbuild-register, whose modules reach each other's functions through property getters).
 * Alternating run by run, so that the machine's load falls on each alike.
 *
 * Usage: npm run bench:check -- [SEGMENTS=1000000] [RUNS=5]   (builds dist/ first)
 * Prints medians over the runs (after one warm-up) and the ratio of check's time to decoding's.
 * Goal (issue 19): at least 200,000 segments a second, the server judged, in the package's build.
 */
import type * as CheckCapture from '../src/check/check-capture';
import type * as Reference from '../src/reference';
import type * as Wire from '../src/wire';
import { encodePacket, pcapFileHeader, pcapRecord, TcpFlag, type TcpSegment } from '../src/wire';

/** The modules check runs on: the package's build, which `npm run build` wrote, or the sources. */
interface Build {
  readonly checkCapture: typeof CheckCapture.checkCapture;
  readonly RFC9293_PROFILE: typeof Reference.RFC9293_PROFILE;
  readonly CaptureReader: typeof Wire.CaptureReader;
  readonly decodePacket: typeof Wire.decodePacket;
}
const load = (root: string): Build => ({ ...require(`${root}/check/check-capture`), ...require(`${root}/reference`), ...require(`${root}/wire`) }) as Build;
const PACKAGE = load('../dist');
const CLONE = load('../src');

const GOAL = 200_000;
const SEGMENTS = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 5);
const PAYLOAD = new Uint8Array(100).fill(0x61);
const CLIENT = { address: '198.18.0.2', port: 40000 };
const SERVER = { address: '198.18.0.1', port: 8080 };
const CLIENT_ISN = 1000;
const SERVER_ISN = 5000;

/** The capture: every segment 10 µs after the one before. */
function bulkTransfer(segments: number): Uint8Array {
  const records: Uint8Array[] = [pcapFileHeader()];
  let timeNs = 1_700_000_000_000_000_000n;
  const add = (fromServer: boolean, tcp: Omit<TcpSegment, 'srcPort' | 'dstPort' | 'window' | 'urgentPointer' | 'options'> & Partial<TcpSegment>): void => {
    const [src, dst] = fromServer ? [SERVER, CLIENT] : [CLIENT, SERVER];
    const ip = { version: 4 as const, src: src.address, dst: dst.address, protocol: 6, ttl: 64, id: 0, dontFragment: true };
    records.push(pcapRecord(timeNs, encodePacket({ ip, tcp: { srcPort: src.port, dstPort: dst.port, window: 65535, urgentPointer: 0, options: [], ...tcp } })));
    timeNs += 10_000n;
  };
  const none = new Uint8Array(0);
  add(false, { seq: CLIENT_ISN, ack: 0, flags: TcpFlag.SYN, payload: none, options: [{ kind: 'mss', mss: 1460 }] });
  add(true, { seq: SERVER_ISN, ack: CLIENT_ISN + 1, flags: TcpFlag.SYN | TcpFlag.ACK, payload: none, options: [{ kind: 'mss', mss: 1460 }] });
  add(false, { seq: CLIENT_ISN + 1, ack: SERVER_ISN + 1, flags: TcpFlag.ACK, payload: none });
  let sent = SERVER_ISN + 1;
  for (let n = 3; n < segments; ) {
    for (let i = 0; i < 2 && n < segments; i++, n++) {
      add(true, { seq: sent >>> 0, ack: CLIENT_ISN + 1, flags: TcpFlag.ACK | TcpFlag.PSH, payload: PAYLOAD });
      sent += PAYLOAD.length;
    }
    if (n < segments) {
      add(false, { seq: CLIENT_ISN + 1, ack: sent >>> 0, flags: TcpFlag.ACK, payload: none });
      n++;
    }
  }
  return Buffer.concat(records);
}

function decodeAll(build: Build, bytes: Uint8Array): number {
  const reader = new build.CaptureReader(bytes);
  let segments = 0;
  for (let record = reader.next(); record; record = reader.next()) if (record.packet && build.decodePacket(record.packet).tcp) segments++;
  return segments;
}

/** Seconds for `work`, which must come to the capture's segment count. */
async function timed(what: string, work: () => number | Promise<number>): Promise<number> {
  const start = process.hrtime.bigint();
  const segments = await work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (segments !== SEGMENTS) throw new Error(`${what}: ${segments} segments, not the ${SEGMENTS} the capture holds`);
  return seconds;
}

/** check on `build`: the segments it sorted into conversations, once every verdict came out a pass. */
function checkAll(build: Build, capture: Uint8Array): number {
  const outcome = build.checkCapture(capture, { profile: { ...build.RFC9293_PROFILE, name: 'bench' }, side: 'server' });
  const verdicts = outcome.conversations.flatMap((c) => c.judgments.map((j) => j.verdict));
  if (verdicts.join() !== 'pass') throw new Error(`the capture did not check as built: verdicts ${verdicts.join()}`);
  return outcome.sorted.segments;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const capture = bulkTransfer(SEGMENTS);
  const seconds = { decode: [] as number[], check: [] as number[], clone: [] as number[] };
  for (let run = 0; run <= RUNS; run++) {
    const decode = await timed('decoding', () => decodeAll(PACKAGE, capture));
    const check = await timed('check', () => checkAll(PACKAGE, capture));
    const clone = await timed('check through esbuild-register', () => checkAll(CLONE, capture));
    // The first run warms the JIT up and is not counted.
    if (run === 0) continue;
    seconds.decode.push(decode);
    seconds.check.push(check);
    seconds.clone.push(clone);
  }
  const rate = (values: number[]): number => SEGMENTS / median(values);
  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  console.log(`capture: ${SEGMENTS.toLocaleString('en')} segments, ${(capture.length / 1e6).toFixed(1)} MB; medians of ${RUNS} runs`);
  console.log(`package build, decoding alone (baseline): ${fmt(rate(seconds.decode))} segments/s (${median(seconds.decode).toFixed(2)} s)`);
  console.log(`package build, check, the server judged:  ${fmt(rate(seconds.check))} segments/s (${median(seconds.check).toFixed(2)} s), ${(median(seconds.check) / median(seconds.decode)).toFixed(1)}× decoding's time`);
  console.log(`sources through esbuild-register, check:  ${fmt(rate(seconds.clone))} segments/s, ${(median(seconds.check) / median(seconds.clone)).toFixed(2)} of the package build's rate`);
  console.log(`goal ${fmt(GOAL)} segments/s, package build: ${rate(seconds.check) >= GOAL ? 'met' : 'NOT met'}`);
}

void main();
