/*
 * The libslirp instance: its configuration, its callbacks, its clock, and the glue between its
 * pollfds API and the adapter's one poll() per loop turn.
 */
#ifndef SLIRP_ADAPTER_STACK_H
#define SLIRP_ADAPTER_STACK_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* All descriptors of one loop turn: stdin, the application's sockets and slirp's sockets. */
#define POLLSET_MAX 256
struct pollset {
    int count;
    struct pollfd fds[POLLSET_MAX];
};
/* Adds a descriptor and returns its index, or -1 when the set is full. */
int pollset_add(struct pollset *set, int fd, short events);

/* Called with every IPv4 or IPv6 packet slirp sends toward the harness. */
typedef void (*stack_output)(const uint8_t *packet, size_t length);

/* Creates the Slirp instance. With `virtual_clock`, slirp's time moves only by stack_set_time_ns. */
void stack_init(bool virtual_clock, stack_output output);
void stack_cleanup(void);

/* slirp's clock in nanoseconds since stack_init: the wall clock, or the virtual one. */
int64_t stack_time_ns(void);
void stack_set_time_ns(int64_t ns);

/* Feeds one IPv4 or IPv6 packet from the harness to slirp; false (with *why) when the link refuses it. */
bool stack_input(const uint8_t *packet, size_t length, const char **why);

/* Adds slirp's descriptors to `set`; *timeout_ms comes back no longer than slirp's timers allow. */
void stack_fill(struct pollset *set, uint32_t *timeout_ms);
/* Lets slirp handle what poll() reported for its descriptors, and run its timers when due. */
void stack_poll(const struct pollset *set, bool poll_failed);

/*
 * The next moment (on stack_time_ns's scale) at which slirp's timers have work, as far as its last
 * fill told: INT64_MAX when it has none (no TCP socket, nothing to acknowledge).
 */
int64_t stack_next_due_ns(void);

/*
 * Whether slirp's last fill waited for one of its connect()s to 127.0.0.1 (or, rarely, for room to
 * pass data to an application that has shut down its side): the loopback hop is not done yet.
 */
bool stack_connect_pending(void);

/*
 * A host forward 127.0.0.1:host_port -> guest 198.18.0.2:guest_port (AF_INET), or
 * [::1]:host_port -> [2001:2::2]:guest_port (AF_INET6); 0 or -1.
 */
int stack_add_forward(int family, int host_port, int guest_port);

/*
 * The guest-facing TCP connection whose host socket is bound to slirp_host_port on the loopback, as
 * slirp's connection table shows it; `forwarded` when a host forward made it (the application's
 * connect). Returns false when slirp has no such connection (its tcpcb is gone). `state` gets the
 * RFC 9293 spelling; `guest_port` the harness's port.
 */
bool stack_find_connection(int slirp_host_port, bool forwarded, const char **state, int *guest_port);

#endif
