/**
 * The file name for a case's page and pcap. Ids are `area/name` in lower case letters, digits and
 * dashes (the case schema says so), so replacing the slashes with dots is safe and reversible.
 */
export function caseSlug(id: string): string {
  return id.replace(/\//g, '.');
}
