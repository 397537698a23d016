import { execFileSync } from 'node:child_process';

/** Runs tshark, failing (not skipping) when it is missing: the interop check must not vanish silently. */
export function tshark(args: string[]): string {
  try {
    return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('tshark is not installed, so the pcap cannot be checked against Wireshark: apt-get install tshark');
    }
    throw error;
  }
}

/**
 * The fields tshark reads from `file`, one row per packet, one column per field; several occurrences of
 * a field (an ICMP error's own address and its quote's) are joined with commas. Checksums are checked.
 */
export function readFields(file: string, fields: readonly string[]): string[][] {
  const output = tshark([
    '-r', file,
    '-o', 'tcp.check_checksum:TRUE',
    '-o', 'ip.check_checksum:TRUE',
    '-o', 'tcp.relative_sequence_numbers:FALSE',
    '-T', 'fields',
    ...fields.flatMap((field) => ['-e', field]),
  ]);
  return output.replace(/\n$/, '').split('\n').map((line) => line.split('\t'));
}
