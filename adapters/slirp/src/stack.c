/*
 * The libslirp instance (see stack.h).
 *
 * slirp reads the time only through clock_get_ns: its TCP fast timer (delayed ACKs, TIMEOUT_FAST
 * 2 ms) and slow timer (every TIMEOUT_SLOW 499 ms: retransmission, persist, keepalive, 2MSL) both
 * run inside slirp_pollfds_poll when that clock says they are due (slirp.c). So whoever owns the
 * clock owns slirp's TCP timers: in real mode it is the monotonic clock, in virtual mode main.c moves it.
 */
#include "stack.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "link.h"

/*
 * slirp treats a fast-timer mark of 0 as "none" and starts its slow-timer phase at 0 (slirp.c
 * slirp_pollfds_fill/poll), so its clock starts at 1 s rather than at 0: a delayed ACK due in the
 * first milliseconds is not lost. Times given to the harness do not include this offset.
 */
#define CLOCK_OFFSET_NS 1000000000LL

static Slirp *slirp;
static stack_output output;
static bool virtual_clock;
static int64_t virtual_ns;
static struct timespec started;

/* An ARP reply or neighbour advertisement waits here until slirp returns: slirp_input is not called
 * from inside slirp. */
static uint8_t arp_reply[128];
static size_t arp_reply_length;

int pollset_add(struct pollset *set, int fd, short events) {
    if (set->count == POLLSET_MAX) return -1;
    set->fds[set->count] = (struct pollfd){.fd = fd, .events = events};
    return set->count++;
}

int64_t stack_time_ns(void) {
    if (virtual_clock) return virtual_ns;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)(now.tv_sec - started.tv_sec) * 1000000000LL + (now.tv_nsec - started.tv_nsec);
}

void stack_set_time_ns(int64_t ns) {
    if (ns > virtual_ns) virtual_ns = ns;
}

/* --- slirp's callbacks ------------------------------------------------------------------------ */

static ssize_t send_packet(const void *buf, size_t len, void *opaque) {
    (void)opaque;
    const uint8_t *packet;
    size_t packet_length;
    switch (link_frame_from_slirp(buf, len, &packet, &packet_length, arp_reply, &arp_reply_length)) {
    case LINK_PACKET: output(packet, packet_length); break;
    case LINK_ARP_REPLY: break; /* fed back by answer_arp() once slirp returns */
    case LINK_IGNORED: break;
    }
    return (ssize_t)len;
}

static void guest_error(const char *msg, void *opaque) {
    (void)opaque;
    fprintf(stderr, "slirp: guest error: %s\n", msg);
}

static int64_t clock_get_ns(void *opaque) {
    (void)opaque;
    return stack_time_ns() + CLOCK_OFFSET_NS;
}

/*
 * slirp's only timer is the one for its periodic IPv6 router advertisements (ip6_icmp.c icmp6_init;
 * its TCP timers run in slirp_pollfds_poll). Router advertisements are link housekeeping the adapter
 * protocol leaves out, and link.c would drop them anyway: the timer is made but never fires.
 */
static int router_advertisement_timer;
static void *timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque) {
    (void)cb, (void)cb_opaque, (void)opaque;
    return &router_advertisement_timer;
}
static void timer_free(void *timer, void *opaque) { (void)timer, (void)opaque; }
static void timer_mod(void *timer, int64_t expire_time, void *opaque) { (void)timer, (void)expire_time, (void)opaque; }

/* Every turn polls all of slirp's descriptors afresh (stack_fill), so there is nothing to register. */
static void register_poll_fd(int fd, void *opaque) { (void)fd, (void)opaque; }
static void unregister_poll_fd(int fd, void *opaque) { (void)fd, (void)opaque; }
static void notify(void *opaque) { (void)opaque; }

static const SlirpCb callbacks = {
    .send_packet = send_packet,
    .guest_error = guest_error,
    .clock_get_ns = clock_get_ns,
    .timer_new = timer_new,
    .timer_free = timer_free,
    .timer_mod = timer_mod,
    .register_poll_fd = register_poll_fd,
    .unregister_poll_fd = unregister_poll_fd,
    .notify = notify,
};

static void answer_arp(void) {
    while (arp_reply_length > 0) {
        size_t length = arp_reply_length;
        arp_reply_length = 0;
        slirp_input(slirp, arp_reply, (int)length);
    }
}

static struct in_addr ipv4(const char *dotted) {
    struct in_addr a;
    inet_pton(AF_INET, dotted, &a);
    return a;
}

static struct in6_addr ipv6(const char *text) {
    struct in6_addr a;
    inet_pton(AF_INET6, text, &a);
    return a;
}

void stack_init(bool use_virtual_clock, stack_output out) {
    output = out;
    virtual_clock = use_virtual_clock;
    clock_gettime(CLOCK_MONOTONIC, &started);
    SlirpConfig config = {
        .version = 4,
        /* restricted mode would refuse the guest's SYNs to slirp's own address too (tcp_input.c). */
        .restricted = 0,
        .in_enabled = true,
        .vnetwork = ipv4(LINK_NETWORK),
        .vnetmask = ipv4(LINK_NETMASK),
        .vhost = ipv4(LINK_STACK_ADDRESS),
        .in6_enabled = true,
        .vprefix_addr6 = ipv6(LINK_PREFIX6),
        .vprefix_len = LINK_PREFIX6_LENGTH,
        .vhost6 = ipv6(LINK_STACK_ADDRESS6),
        .vnameserver6 = ipv6(LINK_NAMESERVER6),
        /* Unused addresses inside the virtual network; DNS and DHCP are off, and link.c lets nothing
         * addressed to them in. */
        .vdhcp_start = ipv4("198.18.0.15"),
        .vnameserver = ipv4("198.18.0.3"),
        .disable_host_loopback = false, /* the application side is 127.0.0.1 */
        .enable_emu = false,
        .disable_dns = true,
        .disable_dhcp = true,
    };
    slirp = slirp_new(&config, &callbacks, NULL);
    if (slirp == NULL) {
        fprintf(stderr, "slirp_new refused the configuration\n");
        exit(1);
    }
    uint8_t frame[128];
    slirp_input(slirp, frame, (int)link_gratuitous_arp(frame));
    slirp_input(slirp, frame, (int)link_unsolicited_advertisement(frame));
}

void stack_cleanup(void) {
    slirp_cleanup(slirp);
}

bool stack_input(const uint8_t *packet, size_t length, const char **why) {
    static uint8_t frame[LINK_FRAME_MAX];
    size_t frame_length = link_frame_for_slirp(packet, length, frame, why);
    if (frame_length == 0) return false;
    slirp_input(slirp, frame, (int)frame_length);
    answer_arp();
    return true;
}

/* --- the pollfds API ---------------------------------------------------------------------------- */

/* slirp asked, in its last fill, to hear when a connect() of its own completes. */
static bool connect_pending;

bool stack_connect_pending(void) {
    return connect_pending;
}

static int add_poll(int fd, int events, void *opaque) {
    /* slirp_pollfds_fill asks for exactly OUT|ERR on a socket still connecting (SS_ISFCONNECTING). */
    if (events == (SLIRP_POLL_OUT | SLIRP_POLL_ERR)) connect_pending = true;
    short wanted = 0;
    if (events & SLIRP_POLL_IN) wanted |= POLLIN;
    if (events & SLIRP_POLL_OUT) wanted |= POLLOUT;
    if (events & SLIRP_POLL_PRI) wanted |= POLLPRI;
    if (events & SLIRP_POLL_ERR) wanted |= POLLERR;
    if (events & SLIRP_POLL_HUP) wanted |= POLLHUP;
    int index = pollset_add(opaque, fd, wanted);
    if (index < 0) fprintf(stderr, "too many descriptors to poll; slirp's fd %d waits a turn\n", fd);
    return index;
}

static int get_revents(int index, void *opaque) {
    const struct pollset *set = opaque;
    short got = set->fds[index].revents;
    int events = 0;
    if (got & POLLIN) events |= SLIRP_POLL_IN;
    if (got & POLLOUT) events |= SLIRP_POLL_OUT;
    if (got & POLLPRI) events |= SLIRP_POLL_PRI;
    if (got & POLLERR) events |= SLIRP_POLL_ERR;
    if (got & POLLHUP) events |= SLIRP_POLL_HUP;
    return events;
}

/*
 * What slirp's last fill said about its timers, and a copy of its slow-timer phase, so that a
 * virtual clock can jump from one moment slirp has work to the next (stack_next_due_ns).
 * slirp_pollfds_fill shortens the timeout to TIMEOUT_FAST (2 ms) while a delayed ACK is flagged,
 * to TIMEOUT_SLOW (499 ms) while it has TCP sockets or IP fragments, and leaves 1000 ms otherwise;
 * slirp_pollfds_poll runs tcp_slowtimo when the last run is TIMEOUT_SLOW old (slirp.c).
 */
#define TIMEOUT_FAST_MS 2
#define TIMEOUT_SLOW_MS 499
static bool fast_pending, slow_wanted;
static uint32_t last_slow_ms; /* slirp->last_slowtimo: starts at 0, in slirp's milliseconds */

void stack_fill(struct pollset *set, uint32_t *timeout_ms) {
    uint32_t wanted = UINT32_MAX;
    connect_pending = false;
    slirp_pollfds_fill(slirp, &wanted, add_poll, set);
    fast_pending = wanted <= TIMEOUT_FAST_MS;
    slow_wanted = wanted <= TIMEOUT_SLOW_MS;
    if (wanted < *timeout_ms) *timeout_ms = wanted;
}

void stack_poll(const struct pollset *set, bool poll_failed) {
    uint32_t now_ms = (uint32_t)(clock_get_ns(NULL) / 1000000); /* slirp's curtime, computed as slirp does */
    if (slow_wanted && now_ms - last_slow_ms >= TIMEOUT_SLOW_MS) last_slow_ms = now_ms;
    slirp_pollfds_poll(slirp, poll_failed, get_revents, (void *)set);
    answer_arp();
}

int64_t stack_next_due_ns(void) {
    /* A delayed ACK is due 2 ms after the turn that flagged it: 1 ms steps meet it exactly. */
    if (fast_pending) return stack_time_ns() + 1000000;
    if (slow_wanted) return (int64_t)(last_slow_ms + TIMEOUT_SLOW_MS) * 1000000 - CLOCK_OFFSET_NS;
    return INT64_MAX;
}

int stack_add_forward(int family, int host_port, int guest_port) {
    if (family == AF_INET6) {
        struct sockaddr_in6 host = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)host_port),
                                    .sin6_addr = in6addr_loopback};
        struct sockaddr_in6 guest = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)guest_port),
                                     .sin6_addr = ipv6(LINK_PEER_ADDRESS6)};
        return slirp_add_hostxfwd(slirp, (struct sockaddr *)&host, sizeof host, (struct sockaddr *)&guest,
                                  sizeof guest, SLIRP_HOSTFWD_V6ONLY);
    }
    return slirp_add_hostfwd(slirp, 0, ipv4("127.0.0.1"), host_port, ipv4(LINK_PEER_ADDRESS), guest_port);
}

/* --- slirp's connection table --------------------------------------------------------------- */

static const char *rfc_state(const char *slirp_name) {
    static const char *const names[][2] = {
        {"CLOSED", "CLOSED"},           {"LISTEN", "LISTEN"},           {"SYN_SENT", "SYN-SENT"},
        {"SYN_RCVD", "SYN-RECEIVED"},   {"ESTABLISHED", "ESTABLISHED"}, {"CLOSE_WAIT", "CLOSE-WAIT"},
        {"FIN_WAIT_1", "FIN-WAIT-1"},   {"CLOSING", "CLOSING"},         {"LAST_ACK", "LAST-ACK"},
        {"FIN_WAIT_2", "FIN-WAIT-2"},   {"TIME_WAIT", "TIME-WAIT"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(names[i][0], slirp_name) == 0) return names[i][1];
    }
    return NULL;
}

static int local_port(int fd) {
    struct sockaddr_storage local;
    socklen_t length = sizeof local;
    if (getsockname(fd, (struct sockaddr *)&local, &length) < 0) return -1;
    if (local.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&local)->sin_port);
    if (local.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&local)->sin6_port);
    return -1;
}

/*
 * The tcpcb is not in libslirp's API, but slirp_connection_info (misc.c) prints every TCP socket's
 * tcpcb state with slirp's descriptor and both address pairs. A connection is recognised by its
 * descriptor's local port, which is the far end of the adapter's own host socket. The guest's port is
 * printed first for a connection the guest opened, second for one a host forward made
 * (SS_INCOMING). The addresses are no help over IPv6: the table prints IPv4 alone ("TODO: IPv6"), so
 * an IPv6 socket's show as "*" or 0.0.0.0, but its ports are right (sin_port and sin6_port share an
 * offset).
 */
bool stack_find_connection(int slirp_host_port, bool forwarded, const char **state, int *guest_port) {
    char *table = slirp_connection_info(slirp);
    bool found = false;
    for (char *line = strtok(table, "\n"); line && !found; line = strtok(NULL, "\n")) {
        char name[32], addr1[32], addr2[32];
        int fd, port1, port2;
        if (sscanf(line, " TCP[%31[^]]] %d %31s %d %31s %d", name, &fd, addr1, &port1, addr2, &port2) != 6) continue;
        if (fd < 0 || strcmp(name, "HOST_FORWARD") == 0 || local_port(fd) != slirp_host_port) continue;
        const char *rfc = rfc_state(name);
        if (rfc == NULL) continue; /* "NONE": a socket without a tcpcb */
        *state = rfc;
        *guest_port = forwarded ? port2 : port1;
        found = true;
    }
    free(table); /* g_string_free's buffer; GLib's allocator is the C library's (GLib >= 2.46) */
    return found;
}
