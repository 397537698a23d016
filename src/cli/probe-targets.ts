/**
 * What a target can do on this machine, learned the only way it can be: by setting one up (its
 * preflight, then a fresh target whose capabilities are read, then closed). `tcpconform targets`
 * prints it; the jest integration asks for it before it registers tests, to skip what cannot run.
 */
import type { TargetDriver } from '../runner/run-suite';
import type { RunFamily, AppCallName, Capabilities, SocketOptionName } from '../targets/target';

export type TargetProbe =
  | {
      readonly name: string;
      readonly ok: true;
      readonly appCalls: readonly AppCallName[];
      readonly options: readonly SocketOptionName[];
      readonly clock: Capabilities['clock'];
      readonly families: readonly RunFamily[];
      readonly notes: readonly string[];
      /** The stack behind the target, as it names itself (an adapter's hello). */
      readonly stack?: { readonly name: string; readonly version: string };
    }
  /** `problem`: the one sentence the target's preflight or set-up said. */
  | { readonly name: string; readonly ok: false; readonly problem: string };

export async function probeTarget(driver: TargetDriver): Promise<TargetProbe> {
  try {
    await driver.preflight();
    const target = await driver.create('ipv4');
    try {
      const { appCalls, options, clock, notes, families, stack } = target.capabilities;
      return { name: driver.name, ok: true, appCalls, options: options ?? [], clock, families: families ?? ['ipv4'], notes: notes ?? [], ...(stack && { stack }) };
    } finally {
      await target.close();
    }
  } catch (error) {
    return { name: driver.name, ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** `linux  ready  real clock     ipv4  app calls: listen, connect, …; socket options: nodelay, …`, or why the target cannot run here. */
export function probeLine(probe: TargetProbe, width: number): string {
  const name = probe.name.padEnd(width);
  if (!probe.ok) return `${name}  cannot run here: ${probe.problem}`;
  const options = probe.options.length > 0 ? `; socket options: ${probe.options.join(', ')}` : '';
  const stack = probe.stack ? `  stack: ${probe.stack.name} ${probe.stack.version}` : '';
  return `${name}  ready  ${`${probe.clock} clock`.padEnd(13)}  ${probe.families.join(',')}  app calls: ${probe.appCalls.join(', ')}${options}${stack}`;
}
