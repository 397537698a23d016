/*
 * Wire-time stamps (packetdrill's way of sniffing): a packet socket bound to a device, keeping the
 * packets of one direction, with the kernel's stamp of each: for what a kernel sends into a TUN device,
 * taken when the stack handed the packet to the device (dev_queue_xmit_nit); for what arrives on the
 * raw target's veth, when the device received it. The TUN, or the raw socket, gives the same packets
 * without any time; reading them late (a busy main loop) must not make a packet look late.
 */
#ifndef TCPCONFORM_CAPTURE_H
#define TCPCONFORM_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

/* Octets of a packet kept to match a capture with the TUN's copy: IPv4/IPv6 and TCP headers with options. */
#define CAPTURE_PREFIX 128
/* Captures kept waiting for their TUN copy: far more than a TUN queue holds (txqueuelen 500). */
#define CAPTURE_RING 2048

typedef struct {
  uint32_t length;
  uint8_t prefix[CAPTURE_PREFIX];
  uint64_t monotonic_ns;
} capture_t;

typedef struct {
  int fd; /* -1 when there is no capture */
  size_t head, count;
  capture_t ring[CAPTURE_RING];
} capture_ring_t;

/* Which packets a capture keeps: those the host sends out of the device, or those it receives from it. */
typedef enum { CAPTURE_OUTGOING, CAPTURE_INCOMING } capture_direction_t;

/*
 * Opens the capture socket for device `ifname` in the calling thread's network namespace: system calls
 * only, so that a forked child of a threaded process may call it. Returns the fd or -errno.
 */
int capture_open_here(const char *ifname, capture_direction_t direction);

/* Takes every capture waiting on the socket into the ring (non-blocking). */
void capture_collect(capture_ring_t *ring);

/*
 * The wire time of `packet` (CLOCK_MONOTONIC ns): its capture, matched by length and leading octets in
 * order; captures before it are of packets the TUN never gave (dropped on a full queue) and are let go.
 * 0 when no capture matches (the socket missed it): the caller stamps it as read. An IPv4 header with
 * options is matched without them and its checksum, and `packet` gets the wire's header back: the copy a
 * raw socket reads has them as the receiving kernel rewrote them (record route, timestamp), checksum stale.
 */
uint64_t capture_wire_time(capture_ring_t *ring, uint8_t *packet, size_t length);

/*
 * The same for what an IPv6 raw socket reads: `payload` is the packet from its transport header on. The
 * capture matched is the IPv6 packet that ends with it (compared within the prefix); its IPv6 headers,
 * fixed and extension, are copied to `headers` (room for CAPTURE_PREFIX octets) and their length to
 * `headers_length`. 0, and a length of 0, when no capture matches.
 */
uint64_t capture_wire_time_ipv6(capture_ring_t *ring, const uint8_t *payload, size_t length, uint8_t *headers, size_t *headers_length);

#endif
