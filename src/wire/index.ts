/**
 * The wire format: IPv4 (with its options), IPv6 (with its extension headers), TCP, ICMP and ICMPv6
 * encode and decode, ECN, checksums, sequence arithmetic, pcap bytes.
 * Pure: no I/O, no clock, no imports from outside this folder.
 */
export * from './errors';
export * from './flags';
export * from './seq';
export * from './checksum';
export * from './ip-protocol';
export * from './ipv4-address';
export * from './ipv6-address';
export * from './ecn';
export * from './tcp-options';
export * from './tcp';
export * from './ipv4-options';
export * from './ipv4';
export * from './ipv6-extensions';
export * from './ipv6';
export * from './ip';
export * from './icmp';
export * from './icmpv4';
export * from './icmpv6';
export * from './packet';
export * from './describe';
export * from './pcap';
export * from './link-layer';
export * from './capture';
export * from './state';
