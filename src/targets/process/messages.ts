/**
 * The adapter protocol's messages as TypeScript types (docs/adapter-protocol.md). They mirror
 * protocol.schema.json, which is what actually checks them: a message only gets one of these types
 * after the schema has passed it.
 */
import type { AddressFamily, AppCall, AppCallName, AppEvent, SocketOptionName } from '../target';
import type { TcpState } from '../../wire';

/** The protocol version this harness speaks. */
export const PROTOCOL_VERSION = 1;

export interface HelloMessage {
  readonly type: 'hello';
  readonly protocol: number;
  readonly stack: { readonly name: string; readonly version: string };
  readonly address: string;
  readonly peer: string;
  /** The directed broadcast address of the stack's subnet, where its interface has one. */
  readonly broadcast?: string;
  /** The stack's IPv6 address and the harness's, in 2001:2::/48, where `families` holds `ipv6`. */
  readonly address6?: string;
  readonly peer6?: string;
  readonly capabilities: {
    readonly calls: readonly AppCallName[];
    readonly options?: readonly SocketOptionName[];
    readonly clock: 'virtual' | 'real';
    readonly families: readonly AddressFamily[];
    /** Whether ICMP packets from the harness reach the stack; true when absent. */
    readonly icmp?: boolean;
    readonly notes?: readonly string[];
  };
}

export interface PacketMessage {
  readonly type: 'packet';
  readonly hex: string;
  /** Virtual milliseconds since the adapter started; virtual-clock adapters only. */
  readonly time?: number;
}

/** An app call on the wire: connect also names the host, which the harness fills in. */
export type CallMessage = { readonly type: 'call'; readonly id: number } & (
  | Exclude<AppCall, { call: 'connect' }>
  | (Extract<AppCall, { call: 'connect' }> & { readonly host: string })
);

export interface AdvanceMessage {
  readonly type: 'advance';
  readonly id: number;
  readonly to: number;
  readonly untilOutput: boolean;
}

export type ResultMessage =
  | {
      readonly type: 'result';
      readonly id: number;
      readonly ok: true;
      readonly bytes?: number;
      readonly state?: TcpState;
      readonly eof?: boolean;
      readonly atMark?: boolean;
      readonly now?: number;
    }
  | { readonly type: 'result'; readonly id: number | null; readonly ok: false; readonly error: string };

/** An application event; a virtual-clock adapter stamps it with its virtual `time` in milliseconds. */
export type EventMessage = { readonly type: 'event'; readonly time?: number } & AppEvent;

/** What an adapter writes on its stdout. */
export type AdapterMessage = HelloMessage | PacketMessage | ResultMessage | EventMessage;

/** What the harness writes on an adapter's stdin. */
export type HarnessMessage = PacketMessage | CallMessage | AdvanceMessage;
