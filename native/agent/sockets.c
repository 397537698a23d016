/*
 * The table of sockets: made by listen, connect and accept, dropped by close and abort, watched with
 * poll (what a connection's data does is stream.c's). Decisions that show in the harness:
 * - close made while octets are held takes effect once they are written, as RFC 9293 asks (the FIN
 *   follows the queued data); abort drops them.
 * - urgent data is read in line (SO_OOBINLINE): RFC 9293 has no out-of-band data.
 * - errors the kernel raises on a connection (a RST, a connect refused or timed out) are reported once as
 *   an event, and kept for the next read or write, which fails with them as a socket's would; a
 *   connection the application closed reports nothing more. The peer's FIN is reported once as `closing`
 *   (POLLRDHUP), urgent data as `urgent` (POLLPRI), again only once a read has passed the mark.
 * - set-option acts on the current connection; before there is one, on the listeners and on every socket
 *   made from then on (options.c).
 */
#define _GNU_SOURCE
#include "sockets.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "options.h"
#include "sock.h"

struct sock socks[SOCKETS_MAX];
int sock_count;
/* Local ports of every socket the agent has made or accepted, for finding what the kernel holds. */
static unsigned short used_ports[SOCKETS_MAX];
static int used_port_count;
const struct socket_events *events;

void sockets_init(const struct socket_events *sink) {
  events = sink;
  stream_init();
}

/* The port of an IPv4 or IPv6 socket address. */
static unsigned short port_of(const struct sockaddr_storage *address) {
  return ntohs(address->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)address)->sin6_port : ((const struct sockaddr_in *)address)->sin_port);
}

static void remember_port(int fd) {
  struct sockaddr_storage local;
  socklen_t length = sizeof local;
  if (getsockname(fd, (struct sockaddr *)&local, &length) < 0) return;
  unsigned short port = port_of(&local);
  if (port_used(port)) return;
  if (used_port_count < SOCKETS_MAX) used_ports[used_port_count++] = port;
}

bool port_used(unsigned short port) {
  for (int i = 0; i < used_port_count; i++) {
    if (used_ports[i] == port) return true;
  }
  return false;
}

static struct sock *add_sock(int fd, enum kind kind) {
  if (sock_count == SOCKETS_MAX) return NULL;
  remember_port(fd);
  struct sock *s = &socks[sock_count++];
  memset(s, 0, sizeof *s);
  s->fd = fd;
  s->kind = kind;
  s->watching = kind == CONNECTION;
  s->urgent_armed = kind == CONNECTION;
  return s;
}

/* Closes the socket and drops it, keeping the others in their order (oldest first). */
void remove_sock(struct sock *s) {
  close(s->fd);
  int index = (int)(s - socks);
  memmove(s, s + 1, (size_t)(sock_count - index - 1) * sizeof *s);
  sock_count--;
}

static struct sock *find_sock(int fd) {
  for (int i = 0; i < sock_count; i++) {
    if (socks[i].fd == fd) return &socks[i];
  }
  return NULL;
}

struct sock *current_connection(void) {
  for (int i = 0; i < sock_count; i++) {
    if (socks[i].kind == CONNECTION && !socks[i].closing) return &socks[i];
  }
  return NULL;
}

/* Takes the kernel's pending error (SO_ERROR clears it). */
static int kernel_error(int fd) {
  int err = 0;
  socklen_t length = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &length) < 0) return errno;
  return err;
}

void connection_failed(struct sock *s, int err, bool keep) {
  if (s->watching) events->error(err);
  s->watching = false;
  s->done = true;
  s->held = 0;
  if (keep) s->pending_error = err;
}

static int new_tcp_socket(int domain, int local_port) {
  int fd = socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  int on = 1, off = 0;
  struct sockaddr_storage local = {.ss_family = (sa_family_t)domain};
  socklen_t local_length = sizeof(struct sockaddr_in);
  if (domain == AF_INET6) {
    ((struct sockaddr_in6 *)&local)->sin6_port = htons((uint16_t)local_port);
    local_length = sizeof(struct sockaddr_in6);
  } else {
    ((struct sockaddr_in *)&local)->sin_port = htons((uint16_t)local_port);
  }
  /* SO_REUSEADDR so that a case can reuse a port still in TIME-WAIT from an earlier step; SO_OOBINLINE so
   * that urgent data stays in the stream, as RFC 9293 has it (accepted sockets inherit both). An AF_INET6
   * socket takes IPv4 as well (IPV6_V6ONLY off), whatever the namespace's default: packetdrill's
   * IPv4-mapped mode. */
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &on, sizeof on) < 0 ||
      (domain == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0) ||
      (local_port != 0 && bind(fd, (struct sockaddr *)&local, local_length) < 0)) {
    int err = errno;
    close(fd);
    return -err;
  }
  options_apply_remembered(fd);
  return fd;
}

int sockets_listen(int domain, int port) {
  int fd = new_tcp_socket(domain, port);
  if (fd < 0) return fd;
  if (listen(fd, SOMAXCONN) < 0) {
    int err = errno;
    close(fd);
    return -err;
  }
  if (add_sock(fd, LISTENER) == NULL) {
    close(fd);
    return -EMFILE;
  }
  return 0;
}

int sockets_connect(const struct sockaddr_storage *host, int port, int local_port) {
  int fd = new_tcp_socket(host->ss_family, local_port);
  if (fd < 0) return fd;
  struct sockaddr_storage remote = *host;
  socklen_t length = sizeof(struct sockaddr_in);
  if (remote.ss_family == AF_INET6) {
    ((struct sockaddr_in6 *)&remote)->sin6_port = htons((uint16_t)port);
    length = sizeof(struct sockaddr_in6);
  } else {
    ((struct sockaddr_in *)&remote)->sin_port = htons((uint16_t)port);
  }
  int rc = connect(fd, (struct sockaddr *)&remote, length);
  if (rc < 0 && errno != EINPROGRESS) {
    int err = errno;
    close(fd);
    return -err;
  }
  struct sock *s = add_sock(fd, CONNECTION);
  if (s == NULL) {
    close(fd);
    return -EMFILE;
  }
  if (rc == 0) {
    events->connected();
  } else {
    s->connecting = true;
  }
  return 0;
}

int sockets_set_option(const char *name, long long value) {
  if (!option_known(name)) return -ENOPROTOOPT;
  struct sock *s = current_connection();
  if (s != NULL) return option_apply(s->fd, name, value);
  for (int i = 0; i < sock_count; i++) {
    if (socks[i].kind != LISTENER) continue;
    int rc = option_apply(socks[i].fd, name, value);
    if (rc < 0) return rc;
  }
  /* Refused here only when no socket exists yet to try it on: checked on a scratch socket. */
  int scratch = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (scratch < 0) return -errno;
  int rc = option_apply(scratch, name, value);
  close(scratch);
  if (rc == 0) option_remember(name, value);
  return rc;
}

/* With no connection left, close and abort act on the listeners, as CLOSE and ABORT do in LISTEN. */
static int close_listeners(void) {
  int closed = 0;
  for (int i = sock_count - 1; i >= 0; i--) {
    if (socks[i].kind == LISTENER) {
      remove_sock(&socks[i]);
      closed++;
    }
  }
  return closed > 0 ? 0 : -ENOTCONN;
}

int sockets_close(void) {
  struct sock *s = current_connection();
  if (s == NULL) return close_listeners();
  s->closing = true;
  s->watching = false;
  finish_if_written(s);
  return 0;
}

int sockets_abort(void) {
  struct sock *s = current_connection();
  if (s == NULL) return close_listeners();
  struct linger linger = {.l_onoff = 1, .l_linger = 0};
  int rc = setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger) < 0 ? -errno : 0;
  remove_sock(s);
  return rc;
}

/* What poll is to watch a connection for; errors and hang-ups come whatever is asked. */
static short wanted_events(const struct sock *s) {
  if (s->connecting) return POLLOUT;
  if (s->done) return 0;
  short wanted = s->held > 0 ? POLLOUT : 0;
  if (s->urgent_armed) wanted |= POLLPRI;
  if (!s->closing_reported && !s->closing) wanted |= POLLRDHUP;
  return wanted;
}

int sockets_poll_set(struct pollfd *fds, int max) {
  int used = 0;
  for (int i = 0; i < sock_count && used < max; i++) {
    struct sock *s = &socks[i];
    short wanted;
    if (s->kind == LISTENER) {
      /* When full, leave arrivals in the backlog rather than wake up for them in a loop. */
      if (sock_count == SOCKETS_MAX) continue;
      wanted = POLLIN;
    } else {
      wanted = wanted_events(s);
      /* A socket with nothing more to tell is left out: its hang-up would wake poll again and again. */
      if (wanted == 0 && (s->done || !s->watching)) continue;
    }
    fds[used++] = (struct pollfd){.fd = s->fd, .events = wanted};
  }
  return used;
}

static void accept_all(int listener) {
  while (sock_count < SOCKETS_MAX) {
    struct sockaddr_storage remote;
    socklen_t length = sizeof remote;
    int fd = accept4(listener, (struct sockaddr *)&remote, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    options_apply_remembered(fd);
    add_sock(fd, CONNECTION);
    events->accepted(port_of(&remote));
  }
}

static void on_connection_ready(struct sock *s, short revents) {
  if (s->connecting) {
    s->connecting = false;
    int err = kernel_error(s->fd);
    if (err != 0) {
      connection_failed(s, err, true);
    } else {
      events->connected();
    }
  } else if (revents & POLLERR) {
    int err = kernel_error(s->fd);
    if (err != 0) connection_failed(s, err, true);
  }
  if (!s->done && (revents & POLLPRI) && s->urgent_armed) {
    s->urgent_armed = false;
    events->urgent();
  }
  /* A reset also shows as RDHUP: only a connection that did not fail was closed by the peer's FIN. */
  if (!s->done && (revents & POLLRDHUP) && !s->closing_reported) {
    s->closing_reported = true;
    if (s->watching) events->closing();
  }
  if (s->held > 0) {
    int rc = write_held(s);
    if (rc < 0) connection_failed(s, -rc, true);
  }
  /* Both directions are done: nothing more will come. */
  if ((revents & POLLHUP) && s->held == 0) {
    s->watching = false;
    s->done = true;
  }
  finish_if_written(s);
}

void sockets_on_ready(const struct pollfd *fds, int count) {
  for (int i = 0; i < count; i++) {
    if (fds[i].revents == 0) continue;
    /* Looked up by descriptor: handling one entry can add or remove sockets. */
    struct sock *s = find_sock(fds[i].fd);
    if (s == NULL) continue;
    if (s->kind == LISTENER) {
      accept_all(s->fd);
    } else {
      on_connection_ready(s, fds[i].revents);
    }
  }
}

void sockets_abort_all(void) {
  struct linger linger = {.l_onoff = 1, .l_linger = 0};
  while (sock_count > 0) {
    if (socks[0].kind == CONNECTION) setsockopt(socks[0].fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
    remove_sock(&socks[0]);
  }
}
