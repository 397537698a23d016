/*
 * Ethernet framing and ARP for the harness's side of slirp's virtual network (see link.h).
 */
#include "link.h"

#include <arpa/inet.h>
#include <string.h>

#define ETH_HEADER 14
#define ARP_BODY 28
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ARP_REQUEST 1
#define ARP_REPLY 2

/* A locally administered MAC for the guest; slirp only needs it to be stable. */
static const uint8_t guest_mac[6] = {0x02, 0x00, 0xc6, 0x12, 0x00, 0x02};
/* slirp's frames come from 52:55 followed by its IPv4 address (slirp.c if_encap4); we send to the same. */
static const uint8_t slirp_mac[6] = {0x52, 0x55, 198, 18, 0, 1};

static uint32_t address(const char *dotted) {
    struct in_addr a;
    inet_pton(AF_INET, dotted, &a);
    return a.s_addr; /* network order, compared with header fields as they are */
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

size_t link_frame_for_slirp(const uint8_t *packet, size_t length, uint8_t *frame, const char **why) {
    if (length < 20 || packet[0] >> 4 != 4) return *why = "not an IPv4 packet", 0;
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
        return LINK_IPV4;
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
