/**
 * SYN -> SYN-ACK round trips through the local kernel: the linux target's TUN path from Node, against a
 * minimal C program (bench/roundtrip.c) doing the same exchanges on a TUN of its own. Each exchange uses
 * a fresh source port and ends with the peer's RST, which clears the half-open connection. Over IPv4 and
 * over IPv6, each against the C loop on the same family.
 *
 * Usage (as root): node -r esbuild-register bench/roundtrip.ts [EXCHANGES=1000] [RUNS=5]
 * Prints, for each family, p50, p90 and the total for both, each the median over the runs, and the
 * Node/C ratios; then how long one linux target takes to create and to close.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { createLinuxTarget } from '../src/targets/linux';
import type { LinuxTarget } from '../src/targets/linux';
import type { AddressFamily, TimedPacket } from '../src/targets/target';
import { IpProtocol, TcpFlag, decodePacket, encodePacket, type IpHeader } from '../src/wire';

const LISTEN_PORT = 8080;
const SETUP_SAMPLES = 20;

interface RunFigures {
  p50Ns: number;
  p90Ns: number;
  totalNs: number;
}

const FAMILIES: readonly AddressFamily[] = ['ipv4', 'ipv6'];

function segmentToListener(target: LinuxTarget, srcPort: number, seq: number, flags: number): Uint8Array {
  const ip: IpHeader = target.address.includes(':')
    ? { version: 6, src: target.peerAddress, dst: target.address, protocol: IpProtocol.TCP, hopLimit: 64 }
    : { version: 4, src: target.peerAddress, dst: target.address, protocol: IpProtocol.TCP, ttl: 64, id: 0, dontFragment: true };
  return encodePacket({
    ip,
    tcp: {
      srcPort,
      dstPort: LISTEN_PORT,
      seq,
      ack: 0,
      flags,
      window: 65535,
      urgentPointer: 0,
      options: flags === TcpFlag.SYN ? [{ kind: 'mss', mss: 1460 }] : [],
      payload: new Uint8Array(),
    },
  });
}

/** Throws unless `bytes` is the kernel's SYN-ACK to `port`. */
function checkSynAck(bytes: Uint8Array, port: number): void {
  const { tcp } = decodePacket(bytes);
  if (tcp?.dstPort !== port || tcp.flags !== (TcpFlag.SYN | TcpFlag.ACK)) {
    throw new Error(`expected the SYN-ACK to port ${port}, got ${JSON.stringify(tcp)}`);
  }
}

/**
 * The segments are encoded before the clock starts and the answers decoded after it stops: the wire codec
 * is not what is measured here. The driver passes the namespace's own IPv6 chatter over, and the RSTs
 * leave nothing to retransmit, so each exchange's next packet is its SYN-ACK (checked afterwards).
 */
async function runNode(exchanges: number, family: AddressFamily): Promise<RunFigures> {
  const target = await createLinuxTarget(family);
  try {
    await target.app({ call: 'listen', port: LISTEN_PORT });
    const ports = Array.from({ length: exchanges }, (_, i) => 10000 + (i % 50000));
    const seqs = ports.map(() => Math.floor(Math.random() * 2 ** 32));
    const syns = ports.map((port, i) => segmentToListener(target, port, seqs[i]!, TcpFlag.SYN));
    const resets = ports.map((port, i) => segmentToListener(target, port, (seqs[i]! + 1) >>> 0, TcpFlag.RST));
    const answers: TimedPacket[] = [];
    const samples: number[] = [];
    const start = process.hrtime.bigint();
    for (let i = 0; i < exchanges; i++) {
      const sent = target.send(syns[i]!);
      const answer = await target.receive(2000);
      if (answer === undefined) throw new Error(`no answer to port ${ports[i]} within 2 s`);
      target.send(resets[i]!);
      answers.push(answer);
      samples.push(Number(answer.timeNs - sent.timeNs));
    }
    const totalNs = Number(process.hrtime.bigint() - start);
    answers.forEach((answer, i) => checkSynAck(answer.bytes, ports[i]!));
    return summarize(samples, totalNs);
  } finally {
    await target.close();
  }
}

function compileC(): string {
  const source = path.join(__dirname, 'roundtrip.c');
  const binary = path.join(__dirname, 'out', 'roundtrip');
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-o', binary, source], { stdio: 'inherit' });
  return binary;
}

function runC(binary: string, exchanges: number, family: AddressFamily): RunFigures {
  const output = execFileSync(binary, [String(exchanges), family], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const { samplesNs, totalNs } = JSON.parse(output) as { samplesNs: number[]; totalNs: number };
  return summarize(samplesNs, totalNs);
}

/** Nearest-rank percentile. */
function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}

function summarize(samplesNs: readonly number[], totalNs: number): RunFigures {
  return { p50Ns: percentile(samplesNs, 0.5), p90Ns: percentile(samplesNs, 0.9), totalNs };
}

function medianOf(runs: readonly RunFigures[], figure: keyof RunFigures): number {
  return percentile(
    runs.map((run) => run[figure]),
    0.5,
  );
}

async function measureSetup(): Promise<{ createNs: number; closeNs: number }> {
  const creates: number[] = [];
  const closes: number[] = [];
  for (let i = 0; i < SETUP_SAMPLES; i++) {
    const start = process.hrtime.bigint();
    const target = await createLinuxTarget('ipv4');
    const created = process.hrtime.bigint();
    await target.close();
    creates.push(Number(created - start));
    closes.push(Number(process.hrtime.bigint() - created));
  }
  return { createNs: percentile(creates, 0.5), closeNs: percentile(closes, 0.5) };
}

async function main(): Promise<void> {
  const exchanges = Number(process.argv[2] ?? 1000);
  const runs = Number(process.argv[3] ?? 5);
  const binary = compileC();
  const row = (label: string, p50: string, p90: string, total: string): string =>
    `${label.padEnd(12)}${p50.padStart(10)}${p90.padStart(10)}${total.padStart(12)}`;
  const micro = (ns: number): string => (ns / 1e3).toFixed(1);
  const milli = (ns: number): string => (ns / 1e6).toFixed(1);
  console.log(`SYN -> SYN-ACK through the kernel: ${exchanges} exchanges, median of ${runs} runs`);
  console.log(row('', 'p50 µs', 'p90 µs', 'total ms'));
  for (const family of FAMILIES) {
    await runNode(50, family); // warm-up: JIT, the addon, the first namespace of the process
    const nodeRuns: RunFigures[] = [];
    const cRuns: RunFigures[] = [];
    for (let run = 0; run < runs; run++) {
      nodeRuns.push(await runNode(exchanges, family));
      cRuns.push(runC(binary, exchanges, family));
    }
    const ratio = (figure: keyof RunFigures): string => `${(medianOf(nodeRuns, figure) / medianOf(cRuns, figure)).toFixed(2)}x`;
    for (const [label, figures] of [['node', nodeRuns], ['c', cRuns]] as const) {
      console.log(row(`${family} ${label}`, micro(medianOf(figures, 'p50Ns')), micro(medianOf(figures, 'p90Ns')), milli(medianOf(figures, 'totalNs'))));
    }
    console.log(row(`${family} node/c`, ratio('p50Ns'), ratio('p90Ns'), ratio('totalNs')));
  }
  const setup = await measureSetup();
  console.log(`linux target, median of ${SETUP_SAMPLES}: create ${milli(setup.createNs)} ms, close ${milli(setup.closeNs)} ms`);
}

void main();
