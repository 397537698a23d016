/**
 * The native parts of the linux target (binding.gyp): built by node-gyp, or prebuilt in the package
 * (native-parts.ts says where each is looked for).
 */
import { nativePartPath } from '../native-parts';

/** The TUN addon (native/tun.c). Times are nanoseconds on `process.hrtime.bigint()`'s clock. */
export interface TunAddon {
  /**
   * Creates TUN device `ifname` inside the network namespace bound at `netnsPath`. With `userNsPath`,
   * the namespace belongs to that user namespace, which a forked child joins to make the device (the
   * linux target without root, userns.ts).
   */
  open(netnsPath: string, ifname: string, userNsPath?: string): TunHandle;
  /**
   * Calls `onPacket` for every packet the device gives, on the main loop, from now until close. `timeNs`
   * is the packet's wire time: when the kernel handed it to the device, however late it is read.
   */
  startReading(handle: TunHandle, onPacket: (packet: Buffer, timeNs: bigint) => void): void;
  /**
   * Reads what the device holds now, through `startReading`'s callback, before returning: a packet sent
   * before this moment is known even when the loop has not polled the device yet. A no-op unless reading.
   */
  drain(handle: TunHandle): void;
  /** Hands one packet to the kernel; returns the time just before it was handed over. */
  write(handle: TunHandle, packet: Uint8Array): bigint;
  /**
   * How many packets were stamped with their wire time (the kernel's stamp when it handed them to the
   * device, from a packet socket on it), and how many only with the time they were read (no capture).
   */
  stamps(handle: TunHandle): { readonly wire: number; readonly read: number };
  /** Stops reading and closes the device; safe to repeat. Blocks for the kernel's ~20 ms teardown. */
  close(handle: TunHandle): void;
  /** Stops reading at once and closes the device off the main loop; safe to repeat. */
  closeAsync(handle: TunHandle): Promise<void>;
}

declare const tunHandleBrand: unique symbol;
export type TunHandle = { readonly [tunHandleBrand]: true };

export const addonPath = nativePartPath('tcpconform_tun.node');
export const agentPath = nativePartPath('tcpconform-agent');

export function loadTunAddon(): TunAddon {
  return require(addonPath) as TunAddon;
}
