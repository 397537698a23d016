/** A case's capture, rebuilt from its trace: the results file is enough to make it again. */
import { pcapFileHeader, pcapRecord } from '../wire';
import type { CaseResult } from '../runner/result';

export function casePcap(result: CaseResult): Uint8Array {
  const startNs = BigInt(result.startedAt) * 1_000_000n;
  const parts: Uint8Array[] = [pcapFileHeader()];
  for (const event of result.trace) {
    if (event.kind !== 'packet') continue;
    const timeNs = startNs + BigInt(Math.round(event.timeMs * 1e6));
    parts.push(pcapRecord(timeNs, Buffer.from(event.hex, 'hex')));
  }
  return Buffer.concat(parts);
}
