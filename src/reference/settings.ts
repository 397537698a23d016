/**
 * What the application sets on a connection besides §3.10's calls (ConnectionSettings in machine.ts):
 * Nagle off (§3.7.4, MUST-17), the user timeout (§3.8.3, MUST-21), keep-alives (§3.8.4, MUST-24, MUST-27).
 * A change takes effect at once: data Nagle held goes, a keep-alive timer starts or stops.
 */
import type { ConnectionSettings, KeepAlive, Machine } from './machine';
import * as keepAliveModule from './keep-alive';
import * as transmitModule from './transmit';

/** Taken once, not through the modules' getters on every call (index.ts). */
const { restartKeepAlive } = keepAliveModule;
const { transmit } = transmitModule;

export type SettingChanges = Partial<Omit<ConnectionSettings, 'keepAlive'>> & { readonly keepAlive?: Partial<KeepAlive> };

export function configure(m: Machine, changes: SettingChanges): void {
  const { keepAlive, ...rest } = changes;
  m.settings = { ...m.settings, ...rest, keepAlive: { ...m.settings.keepAlive, ...keepAlive } };
  if (keepAlive !== undefined) restartKeepAlive(m);
  // Nagle turned off: what it held may go now (§3.7.4).
  if (changes.nagle === false) transmit(m, false);
}
