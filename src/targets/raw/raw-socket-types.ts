/**
 * The parts of raw-socket 1.8.1 (no @types package exists) that the raw target uses, as its index.js and
 * src/raw.cc define them. A module of our own rather than a `declare module`, so that the package's
 * type declarations never name raw-socket, which an installing project may not have built.
 */
import type { EventEmitter } from 'node:events';

export interface SocketOptions {
  /** The IP protocol: 6 receives TCP with the IP header; 255 (IPPROTO_RAW) sends our own IP header. */
  readonly protocol?: number;
  /** 1 IPv4 (the default), 2 IPv6. */
  readonly addressFamily?: number;
  /** The receive buffer, hence the largest packet read whole (default 4096). */
  readonly bufferSize?: number;
}

/** The native socket. Its send is one sendto(2), made at once; Socket.send queues until writable. */
export interface SocketWrap {
  send(buffer: Buffer, offset: number, length: number, address: string, afterSend: (bytes: number) => void): void;
  /**
   * One recvfrom(2) on the non-blocking socket, now: `received` is called with the buffer and the
   * octets read; with nothing waiting it throws, its message strerror(EAGAIN).
   */
  recv(buffer: Buffer, received: (buffer: Buffer, bytes: number, source: string) => void): void;
}

export interface Socket extends EventEmitter {
  readonly wrap: SocketWrap;
  /** The one receive buffer every read goes into. */
  readonly buffer: Buffer;
  /** The socket is created in the constructor, on the calling thread: in that thread's namespace. */
  close(): this;
  setOption(level: number, option: number, value: number): void;
  /** `buffer` is a view of the socket's one receive buffer: valid until the next packet arrives. */
  on(event: 'message', listener: (buffer: Buffer, source: string) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'close', listener: () => void): this;
}

/** The module itself: what `require('raw-socket')` gives. */
export interface RawSocketModule {
  createSocket(options?: SocketOptions): Socket;
}
