/**
 * Test data shared by the wire tests: packets captured from a real kernel, and small helpers.
 *
 * The captured packets are Linux 6.18 talking through a TUN device in a private network namespace
 * (198.18.0.1 is the kernel, 198.18.0.2 the peer): an active open to port 80 that sends "hello\n" and
 * closes, then a passive open on port 8080 and a SYN to the closed port 81. Only the kernel's side is
 * here. Their checksums were checked with tshark when they were captured.
 */
import { TcpFlag, type Ipv4Header, type TcpSegment } from '../../src/wire';

export function fromHex(hex: string): Uint8Array {
  const digits = hex.replace(/\s+/g, '');
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export const CAPTURED = {
  /** SYN with mss 1460, sackOK, timestamps, nop, wscale 10; annotated byte by byte in `GOLDEN_SYN`. */
  syn: fromHex(
    '4500003cc4c040004006e9d3c6120001c6120002' +
      'ee420050c3e8571300000000a002faf021210000020405b40402080a7b421af2000000000103030a',
  ),
  /** The ACK that completes the handshake: nop, nop, timestamps. */
  ack: fromHex('45000034c4c140004006e9dac6120001c6120002ee420050c3e85714000013898010003f36a400000101080a7b421af300000064'),
  /** PSH-ACK carrying "hello\n", an odd-length payload. */
  data: fromHex(
    '4500003ac4c240004006e9d3c6120001c6120002ee420050c3e85714000013898018003ff2b900000101080a7b421af30000006468656c6c6f0a',
  ),
  /** FIN-ACK. */
  fin: fromHex('45000034c4c340004006e9d8c6120001c6120002ee420050c3e8571a000013898011003f369c00000101080a7b421af400000064'),
  /** The kernel's SYN-ACK to a peer's SYN on a listening port; IP id 0. */
  synAck: fromHex(
    '4500003c000040004006ae94c6120001c61200021f909c40059df9dd00001b59a012fe8852730000020405b40402080aa271f14e000000640103030a',
  ),
  /** The kernel's RST-ACK to a SYN for the closed port 81: no options, window 0. */
  rst: fromHex('45000028000040004006aea8c6120001c612000200519c4100000000000023295014000063ed0000'),
} as const;

/**
 * `CAPTURED.syn` written out with what each byte group means, so that a reader can check the decoder
 * against the RFC figures (RFC 791 §3.1, RFC 9293 §3.1 and §3.2, RFC 2018, RFC 7323).
 */
export const GOLDEN_SYN = Uint8Array.from([
  // IPv4 header
  0x45, //                   version 4, IHL 5 words (20 bytes)
  0x00, //                   type of service 0
  0x00, 0x3c, //             total length 60
  0xc4, 0xc0, //             identification 50368
  0x40, 0x00, //             flags: don't fragment; fragment offset 0
  0x40, //                   TTL 64
  0x06, //                   protocol 6, TCP
  0xe9, 0xd3, //             header checksum
  0xc6, 0x12, 0x00, 0x01, // source 198.18.0.1
  0xc6, 0x12, 0x00, 0x02, // destination 198.18.0.2
  // TCP header
  0xee, 0x42, //             source port 60994
  0x00, 0x50, //             destination port 80
  0xc3, 0xe8, 0x57, 0x13, // sequence number 3286783763 (the ISN)
  0x00, 0x00, 0x00, 0x00, // acknowledgment number 0 (ACK not set)
  0xa0, //                   data offset 10 words (40 bytes), reserved 0
  0x02, //                   flags: SYN
  0xfa, 0xf0, //             window 64240
  0x21, 0x21, //             checksum
  0x00, 0x00, //             urgent pointer 0
  // TCP options, 20 bytes
  0x02, 0x04, 0x05, 0xb4, // kind 2 len 4: mss 1460
  0x04, 0x02, //             kind 4 len 2: SACK permitted
  0x08, 0x0a, //             kind 8 len 10: timestamps
  0x7b, 0x42, 0x1a, 0xf2, //   TSval 2067929842
  0x00, 0x00, 0x00, 0x00, //   TSecr 0
  0x01, //                   kind 1: no-operation
  0x03, 0x03, 0x0a, //       kind 3 len 3: window scale shift 10
]);

/** A packet with every field set, for tests to vary. */
export function basePacket(): { ip: Ipv4Header; tcp: TcpSegment } {
  return {
    ip: { version: 4, src: '198.18.0.2', dst: '198.18.0.1', protocol: 6, ttl: 64, id: 0x1234, dontFragment: true },
    tcp: {
      srcPort: 40000,
      dstPort: 80,
      seq: 1000,
      ack: 0,
      flags: TcpFlag.SYN,
      window: 65535,
      urgentPointer: 0,
      options: [],
      payload: new Uint8Array(0),
    },
  };
}

/**
 * A seeded pseudo-random generator (xorshift32), so that a failing fuzz input can be reproduced from the
 * seed in the test name.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

export function randomBytes(random: () => number, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}
