/*
 * A connection's data, both ways. Decisions that show in the harness:
 * - write answers at once with every octet accepted. What the kernel takes goes in at once; the agent holds
 *   the rest and writes it as the socket drains. A write therefore never blocks on a closed window, and the
 *   harness can go on to open it. The octets are a pattern fixed by stream offset: octet k of a connection's
 *   output is "abcdefghijklmnopqrstuvwxyz"[k % 26], so a receiver can check any range it sees. Urgent octets
 *   (write-urgent) go in the same stream, the chunk that ends them sent with MSG_OOB, so the kernel points
 *   the urgent pointer after them.
 * - shutdown made while octets are held takes effect once they are written (the FIN follows the data).
 * - the agent reads only when asked (read), so stop-reading needs no action: unread data stays in the
 *   kernel's receive buffer and the advertised window closes as it fills.
 * - an error kept for the next call (sock.h) fails the next read or write, as the socket's own would.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "sock.h"

#define PATTERN "abcdefghijklmnopqrstuvwxyz"
#define PATTERN_LENGTH (sizeof PATTERN - 1)
#define CHUNK 65536

static char pattern_chunk[CHUNK + PATTERN_LENGTH];
static char read_buffer[CHUNK];

void stream_init(void) {
  for (size_t i = 0; i < sizeof pattern_chunk; i++) pattern_chunk[i] = PATTERN[i % PATTERN_LENGTH];
}

/* The error kept for the next call, taken; 0 when there is none. */
static int take_pending_error(struct sock *s) {
  int err = s->pending_error;
  s->pending_error = 0;
  return err;
}

/*
 * Hands held octets to the kernel until it takes no more; 0 or -errno. The chunk that ends the urgent
 * octets goes alone and with MSG_OOB: the kernel points the urgent pointer after what that send took.
 */
int write_held(struct sock *s) {
  while (s->held > 0) {
    size_t length = s->held < CHUNK ? (size_t)s->held : CHUNK;
    int flags = MSG_NOSIGNAL | MSG_DONTWAIT;
    if (s->urgent_end > s->sent) {
      unsigned long long to_mark = s->urgent_end - s->sent;
      if (to_mark <= length) {
        length = (size_t)to_mark;
        flags |= MSG_OOB;
      }
    }
    ssize_t n = send(s->fd, pattern_chunk + s->sent % PATTERN_LENGTH, length, flags);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      return -errno;
    }
    s->held -= n;
    s->sent += (unsigned long long)n;
  }
  return 0;
}

/* Carries out a shutdown or close that waited for held octets; false when the socket is gone. */
bool finish_if_written(struct sock *s) {
  if (s->held > 0) return true;
  if (s->shutdown_when_sent) {
    s->shutdown_when_sent = false;
    shutdown(s->fd, SHUT_WR);
  }
  if (s->closing) {
    remove_sock(s);
    return false;
  }
  return true;
}

static long long write_octets(long long bytes, bool urgent) {
  struct sock *s = current_connection();
  if (s == NULL) return -ENOTCONN;
  int err = take_pending_error(s);
  if (err != 0) return -err;
  if (s->shut) return -EPIPE;
  s->held += bytes;
  if (urgent) s->urgent_end = s->sent + (unsigned long long)s->held;
  if (!s->connecting) {
    int rc = write_held(s);
    if (rc < 0) {
      connection_failed(s, -rc, false);
      return rc;
    }
  }
  return bytes;
}

long long sockets_write(long long bytes) { return write_octets(bytes, false); }

long long sockets_write_urgent(long long bytes) { return write_octets(bytes, true); }

/* After a read: watch for urgent data again, unless what was reported is still ahead of the reader. */
static void rearm_urgent(struct sock *s) {
  if (s->urgent_armed || s->done) return;
  struct pollfd entry = {.fd = s->fd, .events = POLLPRI};
  s->urgent_armed = !(poll(&entry, 1, 0) == 1 && (entry.revents & POLLPRI));
}

long long sockets_read(long long max_bytes, bool *eof) {
  *eof = false;
  struct sock *s = current_connection();
  if (s == NULL) return -ENOTCONN;
  int err = take_pending_error(s);
  if (err != 0) return -err;
  long long total = 0;
  while (max_bytes < 0 || total < max_bytes) {
    long long want = max_bytes < 0 || max_bytes - total > CHUNK ? CHUNK : max_bytes - total;
    ssize_t n = recv(s->fd, read_buffer, (size_t)want, MSG_DONTWAIT);
    if (n > 0) {
      total += n;
      continue;
    }
    if (n == 0) {
      *eof = true;
      if (!s->eof_reported) events->eof();
      s->eof_reported = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    /* The kernel's error, before poll told of it: reported now. After some octets it waits for the next call. */
    connection_failed(s, errno, total > 0);
    if (total == 0) return -errno;
    break;
  }
  rearm_urgent(s);
  return total;
}

int sockets_at_mark(bool *at_mark) {
  struct sock *s = current_connection();
  if (s == NULL) return -ENOTCONN;
  int mark = 0;
  if (ioctl(s->fd, SIOCATMARK, &mark) < 0) return -errno;
  *at_mark = mark != 0;
  return 0;
}

int sockets_shutdown(void) {
  struct sock *s = current_connection();
  if (s == NULL) return -ENOTCONN;
  s->shut = true;
  if (s->held > 0) {
    s->shutdown_when_sent = true;
    return 0;
  }
  return shutdown(s->fd, SHUT_WR) < 0 ? -errno : 0;
}
