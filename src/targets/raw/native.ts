/**
 * The native parts the raw target uses: the raw-socket package, and the netns addon (native/netns.c) that
 * makes sockets inside the harness's namespace. raw-socket builds itself when npm installs it (node-gyp);
 * the addon is built by node-gyp or prebuilt in the package (native-parts.ts).
 */
import { nativePartPath } from '../native-parts';
import type { RawSocketModule } from './raw-socket-types';

export interface NetnsAddon {
  /** Runs `fn` with the main thread inside the namespace bound at `netnsPath`; sockets made there stay there. */
  runIn<T>(netnsPath: string, fn: () => T): T;
  /** A TCP connection from inside the namespace, as a connected descriptor for `new net.Socket({ fd })`. */
  connectIn(netnsPath: string, host: string, port: number, timeoutMs: number): Promise<number>;
  /** Transmit checksumming, TSO and GSO off on device `ifname` of the namespace (ethtool -K tx off tso off gso off). */
  disableOffloads(netnsPath: string, ifname: string): void;
  /** The kernel's stamps of the packets arriving on device `ifname` of the namespace (a packet socket). */
  openCapture(netnsPath: string, ifname: string): Capture;
  /**
   * When `packet` arrived on the capture's device (process.hrtime.bigint()'s clock), 0n when no capture
   * matches. An IPv4 header with options is matched without them and gets the wire's octets back, in
   * place: the harness's kernel rewrote its record route or timestamp option on delivery, checksum stale.
   */
  wireTime(capture: Capture, packet: Uint8Array): bigint;
  /**
   * For what an IPv6 raw socket read, which starts at the transport header: when its packet arrived, and
   * the IPv6 headers (fixed and extension) the wire carried before it, which such a socket never gives;
   * undefined when no capture matches.
   */
  wireHeaders6(capture: Capture, payload: Uint8Array): { timeNs: bigint; headers: Buffer } | undefined;
  /** Closes the capture's socket; safe to repeat. */
  closeCapture(capture: Capture): void;
}

declare const captureBrand: unique symbol;
export type Capture = { readonly [captureBrand]: true };

export const netnsAddonPath = nativePartPath('tcpconform_netns.node');

export function loadNetnsAddon(): NetnsAddon {
  return require(netnsAddonPath) as NetnsAddon;
}

export type { RawSocketModule } from './raw-socket-types';

export function loadRawSocket(): RawSocketModule {
  return require('raw-socket') as RawSocketModule;
}
