/**
 * Removes the namespaces a killed run left behind. A namespace is stale only when the process its name
 * names is gone, so runs that share a machine never touch each other's namespaces.
 */
import { deleteNamespaceSync, listNamespaces, namespaceOwner } from './namespace';
import { checkLinuxHost } from './preflight';

/** Deletes every `tcpconform-<pid>-*` namespace whose process is dead; returns the names removed. */
export function reapStaleNamespaces(): string[] {
  const tools = checkLinuxHost();
  // Without root the namespaces have no names and end with their processes: there is nothing to reap.
  if (tools.privilege !== 'root') return [];
  const { ip } = tools;
  const stale = listNamespaces().filter((name) => {
    const owner = namespaceOwner(name);
    return owner !== undefined && !isAlive(owner);
  });
  for (const name of stale) deleteNamespaceSync(ip, name);
  return stale;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
