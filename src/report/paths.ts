/**
 * Where a case's page and capture live in a report folder. Ids are `area/name` in lower-case letters,
 * digits and dashes (the case schema says so), so replacing the slashes with dots gives a safe file
 * name; each target has a folder of its own, so one report can hold several targets side by side.
 */
export function caseSlug(id: string): string {
  return id.replace(/\//g, '.');
}

export function casePagePath(target: string, id: string): string {
  return `cases/${target}/${caseSlug(id)}.html`;
}

export function casePcapPath(target: string, id: string): string {
  return `pcap/${target}/${caseSlug(id)}.pcap`;
}

/** The capture of the whole run: every case's packets, one after the other. */
export const RUN_PCAP = 'pcap/run.pcap';
