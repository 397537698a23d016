/*
 * The application side (see app.h).
 *
 * How slirp's proxying shows through, and what this file does about it:
 * - listen: real listeners on 127.0.0.1:port and [::1]:port. A guest SYN to 198.18.0.1:port makes
 *   slirp connect() to the first, one to [2001:2::1]:port to the second (socket.c sotranslate_out), and slirp answers the SYN only once that connect succeeds (tcp_input.c, LISTEN case), so
 *   the host connection exists before the guest's handshake is done. The adapter accepts it at once
 *   but keeps it hidden until slirp's tcpcb is ESTABLISHED; then it is `accepted`, with the guest's
 *   port. One that slirp drops before that (a RST in SYN-RECEIVED) is closed unseen, as a kernel
 *   drops a connection reset before accept().
 * - connect: a host forward 127.0.0.1:F -> 198.18.0.2:port and a real connect() to F from
 *   127.0.0.1:localPort; slirp accepts it and sends its SYN from 198.18.0.1:localPort (tcp_subr.c
 *   tcp_connect). Over IPv6 the same with [::1]:F -> [2001:2::2]:port and [::1]:localPort; slirp's
 *   SYN comes from [2001:2::1]:localPort (socket.c sotranslate_accept). The host connect succeeds before the guest answers, so `connected` waits for slirp's
 *   tcpcb to be ESTABLISHED; if slirp drops the connection first, the error is ECONNREFUSED.
 * - everything else acts on the real host socket, with the native agent's semantics (a connection's
 *   data both ways is stream.c's): close waits for held octets; abort is SO_LINGER 0; errors raised
 *   on the socket are reported once as events and fail the next read or write; the peer's FIN
 *   (POLLRDHUP) is `closing`, urgent data slirp passes on (POLLPRI) `urgent`.
 * A connection is recognised in slirp's table by the local port of slirp's own host socket, which is
 * the peer port of ours.
 */
#define _GNU_SOURCE
#include "app.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "connection.h"
#include "link.h"

#define LISTENERS_MAX 16 /* two per listen: one for each family */
#define CONNECTIONS_MAX 64

struct listener {
    int fd;
    int port;
};

const struct app_hooks *hooks;
static struct listener listeners[LISTENERS_MAX];
static int listener_count;
static struct connection connections[CONNECTIONS_MAX];
static int connection_count;

void app_init(const struct app_hooks *h) {
    hooks = h;
    stream_init();
}

/* --- sockets ----------------------------------------------------------------------------------- */

/* The loopback address of `family` (AF_INET or AF_INET6) with `port`. */
static socklen_t loopback(int family, int port, struct sockaddr_storage *address) {
    memset(address, 0, sizeof *address);
    if (family == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)address;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        in6->sin6_addr = in6addr_loopback;
        return sizeof *in6;
    }
    struct sockaddr_in *in = (struct sockaddr_in *)address;
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)port);
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return sizeof *in;
}

static int port_of(int fd, bool peer) {
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    int rc = peer ? getpeername(fd, (struct sockaddr *)&address, &length)
                  : getsockname(fd, (struct sockaddr *)&address, &length);
    if (rc < 0) return -1;
    /* sin_port and sin6_port lie at the same offset */
    return ntohs(((struct sockaddr_in *)&address)->sin_port);
}

/*
 * A non-blocking TCP socket bound to 127.0.0.1:port or [::1]:port (any port when 0): nothing else is
 * ever bound.
 */
static int loopback_socket(int family, int port) {
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int on = 1;
    struct sockaddr_storage local;
    socklen_t local_length = loopback(family, port, &local);
    /* SO_REUSEADDR: a port may still be in TIME-WAIT from an earlier connection of the same case.
     * SO_OOBINLINE: urgent data stays in the stream, as RFC 9293 has it (accepted sockets inherit it). */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &on, sizeof on) < 0 ||
        bind(fd, (struct sockaddr *)&local, local_length) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    return fd;
}

/* Our writes reach slirp as soon as they are made: no Nagle delay on the loopback hop. */
static void no_delay(int fd) {
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

static int kernel_error(int fd) {
    int err = 0;
    socklen_t length = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &length) < 0) return errno;
    return err;
}

/* --- the connection list ----------------------------------------------------------------------- */

static struct connection *add_connection(int fd, bool active, int slirp_port) {
    if (connection_count == CONNECTIONS_MAX) {
        /* Forget the oldest connection that is over on both sides to make room. */
        int i = 0;
        while (i < connection_count && !(connections[i].fd < 0 && connections[i].gone)) i++;
        if (i == connection_count) return NULL;
        memmove(&connections[i], &connections[i + 1], (size_t)(connection_count - i - 1) * sizeof connections[0]);
        connection_count--;
    }
    struct connection *c = &connections[connection_count++];
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->active = active;
    c->visible = active;
    c->watching = active;
    c->urgent_armed = true;
    c->slirp_port = slirp_port;
    return c;
}

/* Closes our socket; the record stays, so `state` can still follow slirp's side of the connection. */
void close_socket(struct connection *c, bool reset) {
    if (c->fd < 0) return;
    if (reset) {
        struct linger linger = {.l_onoff = 1, .l_linger = 0};
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
    }
    close(c->fd);
    c->fd = -1;
    c->held = 0;
    c->watching = false;
}

void connection_failed(struct connection *c, int err, bool keep) {
    if (c->watching) hooks->error(err);
    c->watching = false;
    c->done = true;
    c->held = 0;
    if (keep) c->pending_error = err;
}

/* The connection application calls act on: the oldest one the application knows and has not closed. */
struct connection *current(void) {
    for (int i = 0; i < connection_count; i++) {
        struct connection *c = &connections[i];
        if (c->visible && c->fd >= 0 && !c->closing) return c;
    }
    return NULL;
}

static struct connection *find_by_fd(int fd) {
    for (int i = 0; i < connection_count; i++) {
        if (connections[i].fd == fd) return &connections[i];
    }
    return NULL;
}

/* --- calls -------------------------------------------------------------------------------------- */

static int listen_on(int family, int port) {
    if (listener_count == LISTENERS_MAX) return -EMFILE;
    int fd = loopback_socket(family, port);
    if (fd < 0) return fd;
    if (listen(fd, SOMAXCONN) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    listeners[listener_count++] = (struct listener){.fd = fd, .port = port};
    return 0;
}

bool app_ipv6_usable(void) {
    int fd = loopback_socket(AF_INET6, 0);
    if (fd < 0) return false;
    close(fd);
    return true;
}

/* A listener for each family the hello declares: the case's family decides which one slirp reaches. */
int app_listen(int port) {
    int rc = listen_on(AF_INET, port);
    if (rc == 0 && app_ipv6_usable()) rc = listen_on(AF_INET6, port);
    return rc;
}

/* A free loopback port for a host forward: the kernel's pick, released just before slirp binds it. */
static int free_loopback_port(int family) {
    int fd = loopback_socket(family, 0);
    if (fd < 0) return fd;
    int port = port_of(fd, false);
    close(fd);
    return port < 0 ? -EADDRNOTAVAIL : port;
}

/*
 * The port of slirp's SYN toward the peer is the local port of our socket (tcp_connect keeps it), so
 * without a localPort the first free one from 49152 up is taken, not the kernel's random pick: the
 * same case then shows the same segments every run.
 */
static int deterministic_socket(int family) {
    for (int port = 49152; port < 49152 + 256; port++) {
        int fd = loopback_socket(family, port);
        if (fd != -EADDRINUSE) return fd;
    }
    return loopback_socket(family, 0);
}

/* The family of the guest's address `host`, or 0 when it is not the guest's (in either spelling). */
static int guest_family(const char *host) {
    struct in6_addr given, guest;
    if (strcmp(host, LINK_PEER_ADDRESS) == 0) return AF_INET;
    if (inet_pton(AF_INET6, host, &given) == 1 && inet_pton(AF_INET6, LINK_PEER_ADDRESS6, &guest) == 1 &&
        memcmp(&given, &guest, sizeof given) == 0) {
        return AF_INET6;
    }
    return 0;
}

int app_connect(const char *host, int port, int local_port) {
    /* slirp forwards only to its guest, which is the harness; nothing else is reachable. */
    int family = guest_family(host);
    if (family == 0) return -ENETUNREACH;
    int forward_port = free_loopback_port(family);
    if (forward_port < 0) return forward_port;
    if (stack_add_forward(family, forward_port, port) < 0) return -EADDRINUSE;
    int fd = local_port ? loopback_socket(family, local_port) : deterministic_socket(family);
    if (fd < 0) return fd;
    no_delay(fd);
    struct sockaddr_storage forward;
    socklen_t forward_length = loopback(family, forward_port, &forward);
    int rc = connect(fd, (struct sockaddr *)&forward, forward_length);
    if (rc < 0 && errno != EINPROGRESS) {
        int err = errno;
        close(fd);
        return -err;
    }
    struct connection *c = add_connection(fd, true, forward_port);
    if (c == NULL) {
        close(fd);
        return -EMFILE;
    }
    c->connecting = rc < 0;
    c->local_port = port_of(fd, false);
    return 0;
}

/*
 * With no connection left, close and abort act on the listeners, as CLOSE and ABORT do in LISTEN.
 * Connections slirp made to a listener that the application never saw are reset with it, as a
 * kernel resets the connections still queued on a listener it closes.
 */
static int close_listeners(void) {
    if (listener_count == 0) return -ENOTCONN;
    for (int i = 0; i < listener_count; i++) close(listeners[i].fd);
    listener_count = 0;
    for (int i = 0; i < connection_count; i++) {
        if (!connections[i].visible) close_socket(&connections[i], true);
    }
    return 0;
}

int app_close(void) {
    struct connection *c = current();
    if (c == NULL) return close_listeners();
    c->closing = true;
    c->watching = false;
    finish_if_written(c);
    return 0;
}

int app_abort(void) {
    struct connection *c = current();
    if (c == NULL) return close_listeners();
    close_socket(c, true);
    return 0;
}

/*
 * The connection the calls act on; else the newest one slirp still has (one the application closed
 * and slirp is still finishing, or one not yet accepted); else LISTEN or CLOSED.
 */
const char *app_state(void) {
    const char *state;
    int guest_port;
    struct connection *c = current();
    if (c != NULL) {
        if (stack_find_connection(c->slirp_port, c->active, &state, &guest_port)) return state;
        /* A connect slirp has not picked up yet (it accepts on its next poll): its SYN is imminent. */
        return c->active && !c->seen ? "SYN-SENT" : "CLOSED";
    }
    for (int i = connection_count - 1; i >= 0; i--) {
        if (stack_find_connection(connections[i].slirp_port, connections[i].active, &state, &guest_port)) return state;
    }
    return listener_count > 0 ? "LISTEN" : "CLOSED";
}

/* --- the loop ----------------------------------------------------------------------------------- */

bool app_connect_pending(void) {
    for (int i = 0; i < connection_count; i++) {
        if (connections[i].fd >= 0 && connections[i].connecting) return true;
    }
    return false;
}

static int first_index, index_count;

void app_fill(struct pollset *set) {
    first_index = set->count;
    for (int i = 0; i < listener_count; i++) pollset_add(set, listeners[i].fd, POLLIN);
    for (int i = 0; i < connection_count; i++) {
        struct connection *c = &connections[i];
        if (c->fd < 0 || !c->visible) continue;
        short wanted = c->connecting || c->held > 0 ? POLLOUT : 0;
        if (!c->connecting && !c->done) {
            if (c->urgent_armed) wanted |= POLLPRI;
            if (!c->closing_reported && !c->closing) wanted |= POLLRDHUP;
        }
        /* Errors and hang-ups come whatever is asked: a socket with nothing more to tell is left out. */
        if (wanted == 0 && (c->done || !c->watching)) continue;
        pollset_add(set, c->fd, wanted);
    }
    index_count = set->count - first_index;
}

static void accept_all(int listener) {
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return;
        }
        no_delay(fd);
        if (add_connection(fd, false, port_of(fd, true)) == NULL) close(fd);
    }
}

static void on_connection_ready(struct connection *c, short revents) {
    if (c->connecting) {
        c->connecting = false;
        int err = kernel_error(c->fd);
        if (err != 0) connection_failed(c, err, true);
    } else if (revents & POLLERR) {
        int err = kernel_error(c->fd);
        if (err != 0) connection_failed(c, err, true);
    }
    /* Urgent data slirp passed on with MSG_OOB (socket.c sosendoob), once until a read passes it. */
    if (!c->done && (revents & POLLPRI) && c->urgent_armed) {
        c->urgent_armed = false;
        hooks->urgent();
    }
    /* slirp shuts its host socket's sending side when the peer's FIN arrives (socket.c sofcantsendmore). */
    if (!c->done && (revents & POLLRDHUP) && !c->closing_reported) {
        c->closing_reported = true;
        if (c->watching) hooks->closing();
    }
    if (c->held > 0) {
        int rc = write_held(c);
        if (rc < 0) connection_failed(c, -rc, true);
    }
    /* Both directions are done: nothing more will come. */
    if ((revents & POLLHUP) && c->held == 0) {
        c->watching = false;
        c->done = true;
    }
    finish_if_written(c);
}

void app_ready(const struct pollset *set) {
    for (int i = first_index; i < first_index + index_count; i++) {
        const struct pollfd *p = &set->fds[i];
        if (p->revents == 0) continue;
        bool is_listener = false;
        for (int j = 0; j < listener_count; j++) is_listener |= listeners[j].fd == p->fd;
        if (is_listener) {
            accept_all(p->fd);
            continue;
        }
        /* Looked up by descriptor: handling one entry can close sockets. */
        struct connection *c = find_by_fd(p->fd);
        if (c != NULL) on_connection_ready(c, p->revents);
    }
}

void app_track(void) {
    for (int i = 0; i < connection_count; i++) {
        struct connection *c = &connections[i];
        if (c->established || c->gone) continue;
        const char *state;
        int guest_port;
        if (stack_find_connection(c->slirp_port, c->active, &state, &guest_port)) {
            c->seen = true;
            if (strcmp(state, "SYN-SENT") == 0 || strcmp(state, "SYN-RECEIVED") == 0) continue;
            c->established = true;
            if (c->fd < 0) continue;
            if (c->active) {
                hooks->connected();
            } else {
                c->visible = true;
                c->watching = true;
                hooks->accepted(guest_port);
            }
            continue;
        }
        /* Not in slirp's table: gone if it was there before, or never coming if our socket ended. */
        bool ended = c->fd >= 0 && !c->connecting && peer_ended(c);
        if (!c->seen && !ended) continue;
        c->gone = true;
        /* Refused if the peer reset it; else slirp gave up on its own (tcp_timer.c, TCPTV_KEEP_INIT). */
        if (c->active && c->watching) connection_failed(c, link_reset_seen(c->local_port) ? ECONNREFUSED : ETIMEDOUT, true);
        if (!c->visible) close_socket(c, false);
    }
}
