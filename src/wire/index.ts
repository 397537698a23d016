/**
 * The wire format: IPv4 and TCP encode and decode, options, checksums, sequence arithmetic, pcap bytes.
 * Pure: no I/O, no clock, no imports from outside this folder.
 */
export * from './errors';
export * from './flags';
export * from './seq';
export * from './checksum';
export * from './ip-protocol';
export * from './ipv4-address';
export * from './tcp-options';
export * from './tcp';
export * from './ipv4';
export * from './packet';
export * from './describe';
export * from './pcap';
export * from './state';
