/**
 * Where a case's page and capture live in a report folder. Ids are `area/name` in lower-case letters,
 * digits and dashes (the case schema says so), so replacing the slashes with dots gives a safe file
 * name; each target has a folder of its own, so one report can hold several targets side by side.
 */
export function caseSlug(id: string): string {
  return id.replace(/\//g, '.');
}

/** `run`: the target, with its family beside it unless IPv4 (`linux-ipv6`; runOf in src/runner/result.ts). */
export function casePagePath(run: string, id: string): string {
  return `cases/${run}/${caseSlug(id)}.html`;
}

export function casePcapPath(run: string, id: string): string {
  return `pcap/${run}/${caseSlug(id)}.pcap`;
}

/** The capture of the whole run: every case's packets, one after the other. */
export const RUN_PCAP = 'pcap/run.pcap';
