/** Captures rebuilt from traces: the results file is enough to make them again. */
import { pcapFileHeader, pcapRecord } from '../wire';
import type { CaseResult } from '../runner/result';

interface Record {
  readonly timeNs: bigint;
  readonly bytes: Uint8Array;
}

function records(result: CaseResult): Record[] {
  // A start taken from a capture (tcpconform check) has a fraction of a millisecond, which BigInt refuses;
  // the whole milliseconds and the fraction go separately, as a double would lose nanoseconds at epoch scale.
  const wholeMs = Math.floor(result.startedAt);
  const startNs = BigInt(wholeMs) * 1_000_000n + BigInt(Math.round((result.startedAt - wholeMs) * 1e6));
  return result.trace.flatMap((event) =>
    event.kind === 'packet' ? [{ timeNs: startNs + BigInt(Math.round(event.timeMs * 1e6)), bytes: Buffer.from(event.hex, 'hex') }] : [],
  );
}

function pcap(all: readonly Record[]): Uint8Array {
  return Buffer.concat([pcapFileHeader(), ...all.map((r) => pcapRecord(r.timeNs, r.bytes))]);
}

export function casePcap(result: CaseResult): Uint8Array {
  return pcap(records(result));
}

/**
 * One capture of the whole run, in time order. Cases ran in namespaces of their own with the same
 * addresses, so Wireshark may take packets of concurrent cases for one conversation: the per-case
 * captures are the ones to read a case by.
 */
export function runPcap(results: readonly CaseResult[]): Uint8Array {
  return pcap(results.flatMap(records).sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0)));
}
