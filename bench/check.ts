/**
 * Segments a second through `tcpconform check`'s pipeline (capture records → TCP conversations → the
 * endpoint judged against the reference machine) on a capture of a bulk transfer: a handshake, then the
 * server sending 100-octet segments and the client acknowledging every second one. The baseline,
 * measured in the same run on the same bytes, is plain decoding: reading every record and decoding its
 * IP and TCP headers, which check does before anything else.
 *
 * Usage: node -r esbuild-register bench/check.ts [SEGMENTS=1000000] [RUNS=5]
 * Prints medians over the runs (after one warm-up) and the ratio of check's time to decoding's.
 * Goal (issue 19): at least 200,000 segments a second, the server judged.
 */
import { checkCapture } from '../src/check/check-capture';
import { RFC9293_PROFILE } from '../src/reference';
import { CaptureReader, decodePacket, encodePacket, pcapFileHeader, pcapRecord, TcpFlag, type TcpSegment } from '../src/wire';

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

function decodeAll(bytes: Uint8Array): number {
  const reader = new CaptureReader(bytes);
  let segments = 0;
  for (let record = reader.next(); record; record = reader.next()) if (record.packet && decodePacket(record.packet).tcp) segments++;
  return segments;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const capture = bulkTransfer(SEGMENTS);
  const profile = { ...RFC9293_PROFILE, name: 'bench' };
  const decodeSeconds: number[] = [];
  const checkSeconds: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    let start = process.hrtime.bigint();
    const decoded = decodeAll(capture);
    const decodeTime = Number(process.hrtime.bigint() - start) / 1e9;
    start = process.hrtime.bigint();
    const outcome = await checkCapture(capture, { profile, side: 'server' });
    const checkTime = Number(process.hrtime.bigint() - start) / 1e9;
    const verdicts = outcome.conversations.flatMap((c) => c.judgments.map((j) => j.verdict));
    if (decoded !== SEGMENTS || outcome.sorted.segments !== SEGMENTS || verdicts.join() !== 'pass') {
      throw new Error(`the capture did not check as built: ${decoded} decoded, ${outcome.sorted.segments} sorted, verdicts ${verdicts.join()}`);
    }
    // The first run warms the JIT up and is not counted.
    if (run === 0) continue;
    decodeSeconds.push(decodeTime);
    checkSeconds.push(checkTime);
  }
  const decodeRate = SEGMENTS / median(decodeSeconds);
  const checkRate = SEGMENTS / median(checkSeconds);
  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  console.log(`capture: ${SEGMENTS.toLocaleString('en')} segments, ${(capture.length / 1e6).toFixed(1)} MB; medians of ${RUNS} runs`);
  console.log(`decoding alone (baseline): ${fmt(decodeRate)} segments/s (${median(decodeSeconds).toFixed(2)} s)`);
  console.log(`check, the server judged:  ${fmt(checkRate)} segments/s (${median(checkSeconds).toFixed(2)} s), ${(median(checkSeconds) / median(decodeSeconds)).toFixed(1)}× decoding's time`);
  console.log(`goal ${fmt(GOAL)} segments/s: ${checkRate >= GOAL ? 'met' : 'NOT met'}`);
}

void main();
