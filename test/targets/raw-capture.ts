/**
 * A capture in the harness's namespace (dumpcap, from Debian's wireshark-common, which tshark brings),
 * and the check that the harness's kernel sent no RST of its own: every RST from the peer on the wire
 * must be one the case sent. Captured on the harness's end of the link, it shows what the RST rule let
 * out; the kernel's resets would be extra.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import type { TraceEvent } from '../../src/runner/result';
import { DEFAULT_PEER_PORTS } from '../../src/targets/raw/config';
import { TcpFlag, decodePacket } from '../../src/wire';
import { TARGET } from './raw-host';

/** The discard port: the datagram that marks the end of a capture goes there, and nothing listens. */
const MARKER_PORT = 9;
/** How long a capture waits to see its end marker before it gives up with an error. */
const MARKER_WAIT_MS = 10_000;

/** A RST as the check compares them: what the kernel's would share with a case's is all there. */
export interface Reset {
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
}

export interface Capture {
  /** Stops capturing and returns the RSTs the peer sent on the wire. */
  stop(): Promise<Reset[]>;
  /** After stop: how many captured TCP segments from `source` (of the peer's family) carry `flag` (a TcpFlag). */
  countFrom(source: string, flag: number): number;
}

function readFields(file: string, filter: string, fields: readonly string[]): string[][] {
  const output = execFileSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', ...fields.flatMap((field) => ['-e', field])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.split('\t'));
}

/** Whether the capture file holds the end marker yet; a file cut short in mid-write does not, yet. */
function markerSeen(file: string): boolean {
  try {
    return readFields(file, `udp.dstport == ${MARKER_PORT}`, ['frame.number']).length > 0;
  } catch {
    return false;
  }
}

export async function startCapture(namespace: string, device: string, peer: string): Promise<Capture> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpconform-raw-'));
  const file = path.join(directory, 'capture.pcapng');
  const child = spawn('ip', ['netns', 'exec', namespace, 'dumpcap', '-i', device, '-f', `tcp or udp port ${MARKER_PORT}`, '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (line.startsWith('Capturing on')) resolve();
    });
    void exited.then(() => reject(new Error('dumpcap exited before capturing')));
  });
  let packets: string[][] = [];
  // The peer's family names the source field: tshark's ip.src or ipv6.src.
  const source = peer.includes(':') ? 'ipv6.src' : 'ip.src';
  return {
    async stop() {
      // What dumpcap has not read from the kernel's buffer when told to stop is lost, and on a loaded
      // machine it may read late: a datagram sent now marks the end, and once the file holds it, it
      // holds everything the link carried before it.
      execFileSync('ip', ['netns', 'exec', namespace, process.execPath, '-e', `const s = require('dgram').createSocket('udp4'); s.send('end', ${MARKER_PORT}, '${TARGET}', () => s.close());`]);
      const started = Date.now();
      while (!markerSeen(file)) {
        // Stopping anyway could lose the very RSTs the check looks for, and pass it.
        if (Date.now() - started > MARKER_WAIT_MS) {
          child.kill('SIGINT');
          throw new Error(`the capture on ${device} in ${namespace} never showed its end marker in ${MARKER_WAIT_MS / 1000} s`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      child.kill('SIGINT');
      await exited;
      // From the peer's ports only: the control connection to the agent is the harness's own channel,
      // which a case's end may reset (closed with an agent line still unread), not an answer to the target.
      const fromPeerPorts = `tcp.srcport >= ${DEFAULT_PEER_PORTS.first} && tcp.srcport <= ${DEFAULT_PEER_PORTS.last}`;
      const resets = readFields(file, `${source} == ${peer} && tcp.flags.reset == 1 && ${fromPeerPorts}`, ['tcp.dstport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags']);
      packets = readFields(file, 'tcp', ['frame.number', source, 'tcp.flags']);
      fs.rmSync(directory, { recursive: true, force: true });
      return resets.map(([dstPort, seq, ack, flags]) => ({ dstPort: Number(dstPort), seq: Number(seq), ack: Number(ack), flags: Number(flags) }));
    },
    countFrom(source: string, flag: number) {
      return packets.filter(([, src, flags]) => src === source && (Number(flags) & flag) !== 0).length;
    },
  };
}

/** The RSTs a case sent, from its trace. */
export function sentResets(trace: readonly TraceEvent[]): Reset[] {
  return trace.flatMap((event) => {
    if (event.kind !== 'packet' || event.direction !== 'to-target') return [];
    const tcp = decodePacket(Buffer.from(event.hex, 'hex')).tcp;
    return tcp && tcp.flags & TcpFlag.RST ? [{ dstPort: tcp.dstPort, seq: tcp.seq, ack: tcp.ack, flags: tcp.flags }] : [];
  });
}

/** The captured RSTs that no RST the harness sent accounts for (each sent one accounts for one). */
export function unexplainedResets(captured: readonly Reset[], sent: readonly Reset[]): Reset[] {
  const left = [...sent];
  return captured.filter((reset) => {
    const match = left.findIndex((s) => s.dstPort === reset.dstPort && s.seq === reset.seq && s.ack === reset.ack && s.flags === reset.flags);
    if (match < 0) return true;
    left.splice(match, 1);
    return false;
  });
}
