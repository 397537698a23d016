/*
 * Ethernet framing, ARP and neighbour discovery for the harness's side of slirp's virtual network
 * (see link.h).
 */
#include "link.h"

#include <arpa/inet.h>
#include <string.h>

#define ETH_HEADER 14
#define ARP_BODY 28
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV6 0x86dd
#define IPV6_HEADER 40
#define NEXT_TCP 6
#define NEXT_ICMPV6 58
#define ICMPV6_ROUTER_SOLICITATION 133
#define ICMPV6_NEIGHBOR_SOLICITATION 135
#define ICMPV6_NEIGHBOR_ADVERTISEMENT 136
#define ICMPV6_REDIRECT 137
#define ADVERTISEMENT_BODY 32 /* RFC 4861 §4.4 with a target link-layer address option */
#define ARP_REQUEST 1
#define ARP_REPLY 2

/* A locally administered MAC for the guest; slirp only needs it to be stable. */
static const uint8_t guest_mac[6] = {0x02, 0x00, 0xc6, 0x12, 0x00, 0x02};
/* slirp's frames come from 52:55 followed by its IPv4 address (slirp.c if_encap4); we send to the same. */
static const uint8_t slirp_mac[6] = {0x52, 0x55, 198, 18, 0, 1};
/* Over IPv6 they come from 52:56 followed by the last four octets of its IPv6 address (ip6.h
 * in6_compute_ethaddr). */
static const uint8_t slirp_mac6[6] = {0x52, 0x56, 0, 0, 0, 1};

static uint32_t address(const char *dotted) {
    struct in_addr a;
    inet_pton(AF_INET, dotted, &a);
    return a.s_addr; /* network order, compared with header fields as they are */
}

static void address6(const char *text, uint8_t out[16]) {
    inet_pton(AF_INET6, text, out);
}

static void put16(uint8_t *p, unsigned value) {
    p[0] = (uint8_t)(value >> 8);
    p[1] = (uint8_t)value;
}

static unsigned get16(const uint8_t *p) {
    return (unsigned)p[0] << 8 | p[1];
}

static void ethernet_header(uint8_t *frame, const uint8_t *dst, unsigned ethertype) {
    memcpy(frame, dst, 6);
    memcpy(frame + 6, guest_mac, 6);
    put16(frame + 12, ethertype);
}

/* Destination ports of the RSTs the harness has sent, so that a connection slirp drops can be told
 * refused (the peer reset it) from given up (slirp's own timer). */
#define RESETS_KEPT 64
static uint16_t reset_ports[RESETS_KEPT];
static unsigned reset_count;

static void note_reset(const uint8_t *tcp) {
    if (tcp[13] & 0x04) reset_ports[reset_count++ % RESETS_KEPT] = (uint16_t)get16(tcp + 2);
}

bool link_reset_seen(int port) {
    unsigned kept = reset_count < RESETS_KEPT ? reset_count : RESETS_KEPT;
    for (unsigned i = 0; i < kept; i++) {
        if (reset_ports[i] == port) return true;
    }
    return false;
}

static size_t ipv4_frame_for_slirp(const uint8_t *packet, size_t length, uint8_t *frame, const char **why) {
    if (length < 20) return *why = "an IPv4 packet shorter than its header", 0;
    size_t header = (size_t)(packet[0] & 0x0f) * 4;
    size_t total = get16(packet + 2);
    if (header < 20 || total < header || total > length) return *why = "IPv4 header and length disagree", 0;
    uint32_t src, dst;
    memcpy(&src, packet + 12, 4);
    memcpy(&dst, packet + 16, 4);
    /*
     * slirp is a NAT: anything addressed elsewhere would become a real host socket toward that address,
     * and UDP to its own address becomes a datagram to the host's loopback. Only the harness's address
     * talking TCP or ICMP to the stack's address goes in.
     */
    if (src != address(LINK_PEER_ADDRESS) || dst != address(LINK_STACK_ADDRESS)) {
        return *why = "not from " LINK_PEER_ADDRESS " to " LINK_STACK_ADDRESS, 0;
    }
    if (packet[9] != 6 && packet[9] != 1) return *why = "neither TCP nor ICMP", 0;
    if (packet[9] == 6 && total >= header + 14) note_reset(packet + header);
    ethernet_header(frame, slirp_mac, ETHERTYPE_IPV4);
    memcpy(frame + ETH_HEADER, packet, total); /* trailing octets beyond the IPv4 length are not sent */
    return ETH_HEADER + total;
}

/*
 * Extension headers slirp meets in ip6_input's switch, which frees the packet: letting them in shows
 * what slirp does with them and opens nothing on the host.
 */
static bool dropped_by_slirp(unsigned next_header) {
    return next_header == 0 || next_header == 43 || next_header == 44 || next_header == 60;
}

static size_t ipv6_frame_for_slirp(const uint8_t *packet, size_t length, uint8_t *frame, const char **why) {
    if (length < IPV6_HEADER) return *why = "an IPv6 packet shorter than its header", 0;
    size_t total = IPV6_HEADER + get16(packet + 4);
    if (total > length) return *why = "IPv6 payload length runs past the packet", 0;
    uint8_t peer[16], stack[16];
    address6(LINK_PEER_ADDRESS6, peer);
    address6(LINK_STACK_ADDRESS6, stack);
    /* As over IPv4: slirp would open a host socket toward any other address in its prefix or beyond. */
    if (memcmp(packet + 8, peer, 16) != 0 || memcmp(packet + 24, stack, 16) != 0) {
        return *why = "not from " LINK_PEER_ADDRESS6 " to " LINK_STACK_ADDRESS6, 0;
    }
    unsigned next = packet[6];
    if (next != NEXT_TCP && next != NEXT_ICMPV6 && !dropped_by_slirp(next)) return *why = "neither TCP nor ICMPv6", 0;
    if (next == NEXT_TCP && total >= IPV6_HEADER + 14) note_reset(packet + IPV6_HEADER);
    ethernet_header(frame, slirp_mac6, ETHERTYPE_IPV6);
    memcpy(frame + ETH_HEADER, packet, total);
    return ETH_HEADER + total;
}

size_t link_frame_for_slirp(const uint8_t *packet, size_t length, uint8_t *frame, const char **why) {
    if (length > 0 && packet[0] >> 4 == 4) return ipv4_frame_for_slirp(packet, length, frame, why);
    if (length > 0 && packet[0] >> 4 == 6) return ipv6_frame_for_slirp(packet, length, frame, why);
    return *why = "neither IPv4 nor IPv6", 0;
}

static size_t arp_frame(uint8_t *frame, unsigned op, const uint8_t *target_mac, uint32_t target_ip) {
    uint32_t guest_ip = address(LINK_PEER_ADDRESS);
    ethernet_header(frame, op == ARP_REQUEST ? (const uint8_t *)"\xff\xff\xff\xff\xff\xff" : target_mac,
                    ETHERTYPE_ARP);
    uint8_t *arp = frame + ETH_HEADER;
    put16(arp, 1);               /* hardware: Ethernet */
    put16(arp + 2, ETHERTYPE_IPV4);
    arp[4] = 6;
    arp[5] = 4;
    put16(arp + 6, op);
    memcpy(arp + 8, guest_mac, 6);
    memcpy(arp + 14, &guest_ip, 4);
    memcpy(arp + 18, target_mac, 6);
    memcpy(arp + 24, &target_ip, 4);
    return ETH_HEADER + ARP_BODY;
}

size_t link_gratuitous_arp(uint8_t *frame) {
    /* Sender and target IP both the guest's: slirp's arp_input records such a request as it is. */
    static const uint8_t none[6] = {0};
    return arp_frame(frame, ARP_REQUEST, none, address(LINK_PEER_ADDRESS));
}

/* The ICMPv6 checksum over RFC 8200 §8.1's pseudo-header; `ip` is a whole IPv6 packet. */
static unsigned icmpv6_checksum(const uint8_t *ip, size_t payload_length) {
    uint32_t sum = NEXT_ICMPV6 + (uint32_t)payload_length;
    for (size_t i = 8; i < IPV6_HEADER; i += 2) sum += get16(ip + i); /* both addresses */
    const uint8_t *body = ip + IPV6_HEADER;
    for (size_t i = 0; i + 1 < payload_length; i += 2) sum += get16(body + i);
    if (payload_length % 2) sum += (uint32_t)body[payload_length - 1] << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return ~sum & 0xffff;
}

/*
 * A neighbour advertisement for the guest's address with its MAC (RFC 4861 §4.4), to `destination`.
 * slirp's ndp_input records the IPv6 source and Ethernet source of an advertisement whose hop limit
 * is 255 and whose destination is unicast (ip6_icmp.c).
 */
static size_t advertisement(uint8_t *frame, const uint8_t *ethernet_destination, const uint8_t destination[16],
                            bool solicited) {
    ethernet_header(frame, ethernet_destination, ETHERTYPE_IPV6);
    uint8_t *ip = frame + ETH_HEADER;
    memset(ip, 0, IPV6_HEADER + ADVERTISEMENT_BODY);
    ip[0] = 0x60;
    put16(ip + 4, ADVERTISEMENT_BODY);
    ip[6] = NEXT_ICMPV6;
    ip[7] = 255;
    address6(LINK_PEER_ADDRESS6, ip + 8);
    memcpy(ip + 24, destination, 16);
    uint8_t *icmp = ip + IPV6_HEADER;
    icmp[0] = ICMPV6_NEIGHBOR_ADVERTISEMENT;
    icmp[4] = (solicited ? 0x40 : 0) | 0x20; /* S, and O: this MAC replaces any slirp held */
    address6(LINK_PEER_ADDRESS6, icmp + 8);
    icmp[24] = 2; /* target link-layer address, 8 octets */
    icmp[25] = 1;
    memcpy(icmp + 26, guest_mac, 6);
    put16(icmp + 2, icmpv6_checksum(ip, ADVERTISEMENT_BODY));
    return ETH_HEADER + IPV6_HEADER + ADVERTISEMENT_BODY;
}

size_t link_unsolicited_advertisement(uint8_t *frame) {
    uint8_t stack[16];
    address6(LINK_STACK_ADDRESS6, stack);
    return advertisement(frame, slirp_mac6, stack, false);
}

/*
 * An IPv6 frame from slirp: its neighbour solicitations for the guest are answered here, like ARP;
 * the rest of its neighbour and router discovery is link housekeeping the harness does not see
 * (the adapter protocol leaves it out); everything else goes to the harness.
 */
static enum link_frame_kind ipv6_from_slirp(const uint8_t *frame, const uint8_t *body, size_t body_length,
                                            const uint8_t **packet, size_t *packet_length, uint8_t *reply,
                                            size_t *reply_length) {
    if (body_length < IPV6_HEADER) return LINK_IGNORED;
    size_t total = IPV6_HEADER + get16(body + 4);
    if (total > body_length) return LINK_IGNORED;
    if (body[6] == NEXT_ICMPV6 && total >= IPV6_HEADER + 4) {
        unsigned type = body[IPV6_HEADER];
        uint8_t peer[16];
        address6(LINK_PEER_ADDRESS6, peer);
        if (type == ICMPV6_NEIGHBOR_SOLICITATION && total >= IPV6_HEADER + 24 &&
            memcmp(body + IPV6_HEADER + 8, peer, 16) == 0) {
            *reply_length = advertisement(reply, frame + 6, body + 8, true);
            return LINK_ARP_REPLY;
        }
        if (type >= ICMPV6_ROUTER_SOLICITATION && type <= ICMPV6_REDIRECT) return LINK_IGNORED;
    }
    *packet = body;
    *packet_length = total;
    return LINK_PACKET;
}

enum link_frame_kind link_frame_from_slirp(const uint8_t *frame, size_t length, const uint8_t **packet,
                                           size_t *packet_length, uint8_t *reply, size_t *reply_length) {
    if (length < ETH_HEADER) return LINK_IGNORED;
    unsigned ethertype = get16(frame + 12);
    const uint8_t *body = frame + ETH_HEADER;
    size_t body_length = length - ETH_HEADER;
    if (ethertype == ETHERTYPE_IPV4) {
        if (body_length < 20) return LINK_IGNORED;
        size_t total = get16(body + 2);
        if (total < 20 || total > body_length) return LINK_IGNORED;
        *packet = body;
        *packet_length = total; /* drop Ethernet padding, if any */
        return LINK_PACKET;
    }
    if (ethertype == ETHERTYPE_IPV6) {
        return ipv6_from_slirp(frame, body, body_length, packet, packet_length, reply, reply_length);
    }
    if (ethertype == ETHERTYPE_ARP && body_length >= ARP_BODY && get16(body + 6) == ARP_REQUEST) {
        uint32_t target;
        memcpy(&target, body + 24, 4);
        if (target != address(LINK_PEER_ADDRESS)) return LINK_IGNORED;
        uint32_t asker;
        memcpy(&asker, body + 14, 4);
        *reply_length = arp_frame(reply, ARP_REPLY, body + 8, asker);
        return LINK_ARP_REPLY;
    }
    return LINK_IGNORED;
}
