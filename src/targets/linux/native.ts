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
  /** Calls `onPacket` for every packet the device gives, on the main loop, from now until close. */
  startReading(handle: TunHandle, onPacket: (packet: Buffer, timeNs: bigint) => void): void;
  /** Hands one packet to the kernel; returns the time just before it was handed over. */
  write(handle: TunHandle, packet: Uint8Array): bigint;
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
