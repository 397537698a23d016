/*
 * A connection's data both ways, on our host socket, with the native agent's semantics
 * (native/agent/stream.c): write answers at once and holds what the socket does not take yet, the
 * chunk that ends urgent octets sent with MSG_OOB (slirp reads it as urgent data and sets the urgent
 * pointer toward the peer, socket.c sorecvoob); shutdown waits for held octets; read reads only when
 * asked, urgent data in line (SO_OOBINLINE), says when it met the end, and first fails with an error
 * kept for it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "connection.h"

#define PATTERN "abcdefghijklmnopqrstuvwxyz"
#define PATTERN_LENGTH (sizeof PATTERN - 1)
#define CHUNK 65536
/* The most one read takes when it may take all there is: far above any case, and a bound on what a
 * flood from slirp (its urgent data running past its buffer, see findings.yaml) costs an answer. */
#define READ_MAX (64LL << 20)

static char pattern_chunk[CHUNK + PATTERN_LENGTH];
static char read_buffer[CHUNK];

void stream_init(void) {
    for (size_t i = 0; i < sizeof pattern_chunk; i++) pattern_chunk[i] = PATTERN[i % PATTERN_LENGTH];
}

bool peer_ended(struct connection *c) { return recv(c->fd, read_buffer, 1, MSG_PEEK | MSG_DONTWAIT) == 0; }

/* The error kept for the next call, taken; 0 when there is none. */
static int take_pending_error(struct connection *c) {
    int err = c->pending_error;
    c->pending_error = 0;
    return err;
}

int write_held(struct connection *c) {
    while (c->held > 0) {
        size_t length = c->held < CHUNK ? (size_t)c->held : CHUNK;
        int flags = MSG_NOSIGNAL | MSG_DONTWAIT;
        if (c->urgent_end > c->sent && c->urgent_end - c->sent <= length) {
            length = (size_t)(c->urgent_end - c->sent);
            flags |= MSG_OOB;
        }
        ssize_t n = send(c->fd, pattern_chunk + c->sent % PATTERN_LENGTH, length, flags);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
            int err = errno;
            c->held = 0;
            return -err;
        }
        c->held -= n;
        c->sent += (unsigned long long)n;
    }
    return 0;
}

void finish_if_written(struct connection *c) {
    if (c->fd < 0 || c->held > 0) return;
    if (c->shutdown_when_sent) {
        c->shutdown_when_sent = false;
        shutdown(c->fd, SHUT_WR);
    }
    if (c->closing) close_socket(c, false);
}

static long long write_octets(long long bytes, bool urgent) {
    struct connection *c = current();
    if (c == NULL) return -ENOTCONN;
    int err = take_pending_error(c);
    if (err != 0) return -err;
    if (c->shut) return -EPIPE;
    c->held += bytes;
    if (urgent) c->urgent_end = c->sent + (unsigned long long)c->held;
    if (!c->connecting) {
        int rc = write_held(c);
        if (rc < 0) {
            connection_failed(c, -rc, false);
            return rc;
        }
    }
    return bytes;
}

long long app_write(long long bytes) { return write_octets(bytes, false); }

long long app_write_urgent(long long bytes) { return write_octets(bytes, true); }

/* After a read: watch for urgent data again, unless what was reported is still ahead of the reader. */
static void rearm_urgent(struct connection *c) {
    if (c->urgent_armed || c->done || c->fd < 0) return;
    struct pollfd entry = {.fd = c->fd, .events = POLLPRI};
    c->urgent_armed = !(poll(&entry, 1, 0) == 1 && (entry.revents & POLLPRI));
}

long long app_read(long long max_bytes, bool *eof) {
    *eof = false;
    struct connection *c = current();
    if (c == NULL) return -ENOTCONN;
    int err = take_pending_error(c);
    if (err != 0) return -err;
    long long total = 0;
    int idle_pumps = 0;
    if (max_bytes < 0) max_bytes = READ_MAX;
    while (total < max_bytes) {
        long long want = max_bytes - total > CHUNK ? CHUNK : max_bytes - total;
        ssize_t n = recv(c->fd, read_buffer, (size_t)want, MSG_DONTWAIT);
        if (n > 0) {
            total += n;
            idle_pumps = 0;
            continue;
        }
        if (n == 0) {
            *eof = true;
            if (!c->eof_reported) hooks->eof();
            c->eof_reported = true;
            break;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            /*
             * What slirp has acknowledged to the guest may still sit in slirp's buffer or on the way
             * over loopback: it has arrived as far as the guest can tell, so let slirp pass it on.
             */
            if (++idle_pumps > 3) break;
            hooks->pump();
            c = current(); /* the pump may have accepted connections, which can move the list */
            if (c == NULL) break;
            continue;
        }
        connection_failed(c, errno, total > 0);
        if (total == 0) return -errno;
        break;
    }
    if (c != NULL) rearm_urgent(c);
    return total;
}

int app_at_mark(bool *at_mark) {
    struct connection *c = current();
    if (c == NULL) return -ENOTCONN;
    int mark = 0;
    if (ioctl(c->fd, SIOCATMARK, &mark) < 0) return -errno;
    *at_mark = mark != 0;
    return 0;
}

int app_shutdown(void) {
    struct connection *c = current();
    if (c == NULL) return -ENOTCONN;
    c->shut = true;
    if (c->held > 0) {
        c->shutdown_when_sent = true;
        return 0;
    }
    return shutdown(c->fd, SHUT_WR) < 0 ? -errno : 0;
}
