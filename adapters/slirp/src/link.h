/*
 * The link between the harness and slirp: the harness speaks raw IPv4 and IPv6, slirp speaks Ethernet
 * with ARP and neighbour discovery, so this layer adds and strips Ethernet headers and plays the
 * guest's part in ARP and NDP. It is also the gate that keeps the project's network rule: only
 * 198.18.0.2 -> 198.18.0.1 and 2001:2::2 -> 2001:2::1, TCP or ICMP (which slirp answers itself for
 * its own address), ever reaches slirp.
 */
#ifndef SLIRP_ADAPTER_LINK_H
#define SLIRP_ADAPTER_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* slirp's own address (its "host" on the virtual network) is the stack under test; the harness is the guest. */
#define LINK_NETWORK "198.18.0.0"
#define LINK_NETMASK "255.255.255.0"
#define LINK_STACK_ADDRESS "198.18.0.1"
#define LINK_PEER_ADDRESS "198.18.0.2"
/* The directed broadcast address of LINK_NETWORK/LINK_NETMASK, which the hello gives. */
#define LINK_BROADCAST "198.18.0.255"
/* The same over IPv6, on a /64 of the benchmarking range (slirp's vprefix_addr6/vprefix_len/vhost6). */
#define LINK_PREFIX6 "2001:2::"
#define LINK_PREFIX6_LENGTH 64
#define LINK_STACK_ADDRESS6 "2001:2::1"
#define LINK_PEER_ADDRESS6 "2001:2::2"
/* slirp's DNS proxy address (vnameserver6): unused, DNS is off and link.c lets nothing to it in. */
#define LINK_NAMESERVER6 "2001:2::3"

#define LINK_FRAME_MAX (14 + 65535)

/*
 * Wraps an IPv4 or IPv6 packet from the harness in an Ethernet frame for slirp_input. Returns the frame's
 * length, or 0 when the packet must not reach slirp (*why says why).
 */
size_t link_frame_for_slirp(const uint8_t *packet, size_t length, uint8_t *frame, const char **why);

/* Whether the harness has sent a RST to this port of the stack's (a connection refused, not timed out). */
bool link_reset_seen(int port);

/* What a frame from slirp turned out to be. */
enum link_frame_kind {
    LINK_PACKET,    /* an IPv4 or IPv6 packet for the harness: *packet, *packet_length */
    LINK_ARP_REPLY, /* slirp asked for the guest's MAC (ARP or a neighbour solicitation): feed `reply`
                       (*reply_length octets) back to slirp */
    LINK_IGNORED,   /* nothing for the harness: ARP replies, neighbour and router discovery, other types */
};

enum link_frame_kind link_frame_from_slirp(const uint8_t *frame, size_t length, const uint8_t **packet,
                                           size_t *packet_length, uint8_t *reply, size_t *reply_length);

/* A gratuitous ARP announcing the guest's MAC, so slirp can send to 198.18.0.2 without asking first. */
size_t link_gratuitous_arp(uint8_t *frame);
/* The same for 2001:2::2: an unsolicited neighbour advertisement, which fills slirp's NDP table. */
size_t link_unsolicited_advertisement(uint8_t *frame);

#endif
