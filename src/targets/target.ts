/**
 * The one interface every target driver implements (design notes, "Targets").
 *
 * A target is a TCP implementation reached as the remote peer: the harness writes the peer's IP
 * packets (of the case's family) into it and reads the target's packets out of it, and asks the target's application side
 * to make socket calls. Each case gets a fresh `Target`, so cases cannot disturb each other.
 *
 * Drivers do I/O; they never interpret TCP. Decoding and checking belong to `wire/` and `runner/`.
 */
import type { TcpState } from '../wire';
import type { RunFamily } from './family';

export type { AddressFamily, RunFamily } from './family';

/** An IP packet (IPv4 or IPv6) that crossed the boundary between the harness and the target. */
export interface TimedPacket {
  /** The whole IP packet, header included. */
  readonly bytes: Uint8Array;
  /** When it crossed, in nanoseconds on the harness's monotonic clock (`process.hrtime.bigint()`). */
  readonly timeNs: bigint;
}

/**
 * A call the target's application makes on its socket. These messages are shared with the adapter
 * protocol (issue 5) and the remote agent (issue 8), so they are plain JSON.
 */
export type AppCall =
  /** Listen on `port` on the target's address; connections are accepted as they arrive. */
  | { readonly call: 'listen'; readonly port: number }
  /**
   * Connect to the peer's address at `port` (or to `host`, another address of the target's network, such
   * as its subnet's broadcast address), optionally from a chosen local port.
   */
  | { readonly call: 'connect'; readonly port: number; readonly localPort?: number; readonly host?: string }
  /** Queue `bytes` octets (a repeating pattern) for sending on the connection. */
  | { readonly call: 'write'; readonly bytes: number }
  /**
   * Queue `bytes` octets of the pattern as urgent data (RFC 9293 §3.8.5; MSG_OOB on sockets): the urgent
   * pointer goes to the octet after the last of them (MUST-62).
   */
  | { readonly call: 'write-urgent'; readonly bytes: number }
  /** Read what the connection has received, up to `bytes` octets (all that is there when absent). */
  | { readonly call: 'read'; readonly bytes?: number }
  /** Stop reading: received data stays in the target's buffer, so its window closes. */
  | { readonly call: 'stop-reading' }
  /** Shut down the sending direction (a FIN once queued data is sent). */
  | { readonly call: 'shutdown' }
  /** Close the connection (RFC 9293 CLOSE). */
  | { readonly call: 'close' }
  /** Abort the connection (RFC 9293 ABORT): SO_LINGER 0 and close, so a RST goes out. */
  | { readonly call: 'abort' }
  /** The connection's RFC 9293 state (RFC 9293 §3.10.6 STATUS), where the target can tell. */
  | { readonly call: 'state' }
  /**
   * Whether the application's next read begins at the urgent mark, the last urgent octet, the one before
   * the urgent pointer (SIOCATMARK; MUST-33).
   */
  | { readonly call: 'at-mark' }
  /**
   * Set a socket option on the connection; before there is one, on the listeners already open and on
   * every socket a later listen or connect makes. Values are in SOCKET_OPTION_UNITS.
   */
  | { readonly call: 'set-option'; readonly name: SocketOptionName; readonly value: number };

/**
 * The socket options a case may set, and the unit of each one's value: a flag (0 or 1), octets,
 * milliseconds, a count or a codepoint. Linux's names: TCP_NODELAY, SO_RCVBUF, SO_SNDBUF, SO_KEEPALIVE,
 * TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, TCP_USER_TIMEOUT, SO_LINGER, and IP_TOS for the
 * Differentiated Services codepoint (the six high bits of the byte IP_TOS sets).
 */
export const SOCKET_OPTION_UNITS = {
  nodelay: 'flag',
  rcvbuf: 'octets',
  sndbuf: 'octets',
  keepalive: 'flag',
  'keepalive-idle': 'ms',
  'keepalive-interval': 'ms',
  'keepalive-count': 'count',
  'user-timeout': 'ms',
  linger: 'ms',
  dscp: 'codepoint',
} as const;

export type SocketOptionName = keyof typeof SOCKET_OPTION_UNITS;
export const SOCKET_OPTION_NAMES = Object.keys(SOCKET_OPTION_UNITS) as SocketOptionName[];

export type AppCallName = AppCall['call'];

/** What an application call returned. */
export type AppResult =
  | {
      readonly ok: true;
      /** octets moved, for read and write */
      readonly bytes?: number;
      /** for `state` */
      readonly state?: TcpState;
      /** for `read`: the read reached the end of the peer's data (its FIN), nothing is left to read */
      readonly eof?: boolean;
      /** for `at-mark` */
      readonly atMark?: boolean;
    }
  | { readonly ok: false; /** the error as the target names it, e.g. `ECONNRESET` */ readonly error: string };

/** Something the target's application learned without asking: a connection arrived, data, a reset. */
export type AppEvent =
  | { readonly event: 'accepted'; readonly remotePort: number }
  | { readonly event: 'connected' }
  | { readonly event: 'eof' }
  /** The peer's FIN arrived: it will send no more (RFC 9293 §3.10.7.4 eighth, "connection closing"). */
  | { readonly event: 'closing' }
  /** The peer's urgent pointer advanced (RFC 9293 §3.10.7.4 sixth, MUST-32; POLLPRI on sockets). */
  | { readonly event: 'urgent' }
  | { readonly event: 'error'; readonly error: string };

/** An application event with when the harness learned of it, on the clock packets are stamped with. */
export interface TimedEvent {
  readonly event: AppEvent;
  /** Nanoseconds on the target's clock (`now()`): the harness's monotonic clock, or the virtual one. */
  readonly timeNs: bigint;
}


/** What a driver can do, so that cases needing more are skipped with a reason, never failed. */
export interface Capabilities {
  /** The application calls this target's application side can make (`state` if it can tell its state). */
  readonly appCalls: readonly AppCallName[];
  /**
   * `real`: time passes as on the wall clock. `virtual`: the target's time moves only when the harness
   * lets it (sleep, receive), so long timers cost nothing.
   */
  readonly clock: 'real' | 'virtual';
  /** The socket options its application side can set (`set-option`); none when absent. */
  readonly options?: readonly SocketOptionName[];
  /** Anything a report reader should know about how this target is driven. */
  readonly notes?: readonly string[];
  /** The families it speaks (`ipv4-mapped`: its application side can use AF_INET6 sockets on IPv4); IPv4 alone when absent. */
  readonly families?: readonly RunFamily[];
  /**
   * Whether ICMP the harness sends reaches the stack (RFC 9293 §3.9.2.2); absent means it does. False
   * where the path carries TCP alone: cases with `icmp` steps are then skipped with the reason.
   */
  readonly icmp?: boolean;
  /** The TCP implementation behind the target, as it names itself (an adapter's hello). */
  readonly stack?: { readonly name: string; readonly version: string };
}

/** Kernel settings (sysctl names, `net.ipv4.tcp_syn_retries`, and their values) for one case. */
export type KernelSettings = Readonly<Record<string, string>>;

export interface Target {
  /** A short name for reports, e.g. `linux`. */
  readonly name: string;
  readonly capabilities: Capabilities;
  /**
   * The target's address in the family it was created for: a dotted quad in 198.18.0.0/15
   * (`198.18.0.1`), or IPv6 text in 2001:2::/48 (`2001:2::1`). Its packets are of that family.
   */
  readonly address: string;
  /** The address the harness speaks from as the remote peer, of the same family, e.g. `198.18.0.2`. */
  readonly peerAddress: string;
  /**
   * The directed broadcast address of the subnet the target's interface is on, within 198.18.0.0/15
   * (e.g. `198.18.0.255`), where it has one: what address validation (RFC 9293 §3.9.2.3) is tried with.
   */
  readonly broadcast?: string;

  /** The time on the target's clock, in nanoseconds; the times of TimedPackets are on the same clock. */
  now(): bigint;
  /** Lets `ms` pass on the target's clock; whatever the target sends meanwhile is queued. */
  sleep(ms: number): Promise<void>;
  /** Hands one IP packet to the target and returns when it was handed over. */
  send(packet: Uint8Array): TimedPacket;
  /**
   * Hands several packets to the target at once, queued together as a burst on a wire would leave them,
   * where the target can (the reference machine then processes them together, RFC 9293 MUST-59);
   * absent, the runner sends them one after the other.
   */
  sendBurst?(packets: readonly Uint8Array[]): TimedPacket[];
  /**
   * The next IP packet the target sent, in order, or `undefined` when none arrives within
   * `timeoutMs` of the target's clock. Packets are queued from the moment the target exists, so none is
   * lost between calls. A virtual-clock target advances its clock only as far as the packet.
   */
  receive(timeoutMs: number): Promise<TimedPacket | undefined>;
  /** Makes one application call and waits for its result. */
  app(call: AppCall): Promise<AppResult>;
  /**
   * Sets the MTU of the target's interface, before a case's first step; absent where the target cannot
   * (its cases that need an MTU are skipped). Rejects, saying why, when it fails.
   */
  setMtu?(mtu: number): Promise<void>;
  /**
   * Applies a case's kernel settings to this target alone (the linux target: inside its own network
   * namespace), before the case's first step. Absent where a target cannot: a case that needs it is
   * skipped. Rejects, naming the setting, when one cannot be applied.
   */
  applyKernelSettings?(settings: KernelSettings): Promise<void>;
  /**
   * Application events seen since the previous call, oldest first, each stamped when it reached the
   * harness: a ladder shows it where it happened, not where the runner next looked.
   */
  takeEvents(): TimedEvent[];
  /** Releases everything the target holds (namespaces, devices, processes). Safe to call twice. */
  close(): Promise<void>;
}
