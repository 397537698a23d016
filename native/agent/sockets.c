/*
 * Decisions that show in the harness:
 * - write answers at once with every octet accepted. What the kernel takes goes in at once; the agent holds
 *   the rest and writes it as the socket drains. A write therefore never blocks on a closed window, and the
 *   harness can go on to open it. The octets are a pattern fixed by stream offset: octet k of a connection's
 *   output is "abcdefghijklmnopqrstuvwxyz"[k % 26], so a receiver can check any range it sees.
 * - shutdown and close made while octets are held take effect once they are written, as RFC 9293 asks
 *   (the FIN follows the queued data); abort drops them.
 * - the agent reads only when asked (read), so stop-reading needs no action: unread data stays in the
 *   kernel's receive buffer and the advertised window closes as it fills.
 * - errors the kernel raises on a connection (a RST, a connect refused or timed out) are reported once as
 *   an event; a connection the application closed reports nothing more.
 * - state reads TCP_INFO on a socket the agent holds. A connection the application closed has no
 *   descriptor left, yet the kernel keeps it (FIN-WAIT, TIME-WAIT), as it keeps a handshake in progress
 *   on a listener: those are found with sock_diag among the local ports the agent has used.
 */
#define _GNU_SOURCE
#include "sockets.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PATTERN "abcdefghijklmnopqrstuvwxyz"
#define PATTERN_LENGTH (sizeof PATTERN - 1)
#define CHUNK 65536

enum kind { LISTENER, CONNECTION };

struct sock {
  int fd;
  enum kind kind;
  bool connecting;         /* a non-blocking connect not yet complete */
  bool watching;           /* an error the kernel raises is still to be reported */
  bool eof_reported;
  bool shut;               /* shutdown was called */
  bool shutdown_when_sent; /* ... while octets were held */
  bool closing;            /* close was called while octets were held */
  long long held;          /* octets accepted by write that the kernel has not taken yet */
  unsigned long long sent; /* octets the kernel has taken, for the pattern's offset */
};

static struct sock socks[SOCKETS_MAX];
static int sock_count;
/* Local ports of every socket the agent has made or accepted, for finding what the kernel holds. */
static unsigned short used_ports[SOCKETS_MAX];
static int used_port_count;
static const struct socket_events *events;
static char pattern_chunk[CHUNK + PATTERN_LENGTH];
static char read_buffer[CHUNK];

void sockets_init(const struct socket_events *sink) {
  events = sink;
  for (size_t i = 0; i < sizeof pattern_chunk; i++) pattern_chunk[i] = PATTERN[i % PATTERN_LENGTH];
}

static void remember_port(int fd) {
  struct sockaddr_in local;
  socklen_t length = sizeof local;
  if (getsockname(fd, (struct sockaddr *)&local, &length) < 0) return;
  unsigned short port = ntohs(local.sin_port);
  for (int i = 0; i < used_port_count; i++) {
    if (used_ports[i] == port) return;
  }
  if (used_port_count < SOCKETS_MAX) used_ports[used_port_count++] = port;
}

static struct sock *add_sock(int fd, enum kind kind) {
  if (sock_count == SOCKETS_MAX) return NULL;
  remember_port(fd);
  struct sock *s = &socks[sock_count++];
  memset(s, 0, sizeof *s);
  s->fd = fd;
  s->kind = kind;
  s->watching = kind == CONNECTION;
  return s;
}

/* Closes the socket and drops it, keeping the others in their order (oldest first). */
static void remove_sock(struct sock *s) {
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

static struct sock *current_connection(void) {
  for (int i = 0; i < sock_count; i++) {
    if (socks[i].kind == CONNECTION && !socks[i].closing) return &socks[i];
  }
  return NULL;
}

static int pending_error(int fd) {
  int err = 0;
  socklen_t length = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &length) < 0) return errno;
  return err;
}

static int new_tcp_socket(int local_port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  int on = 1;
  struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons((uint16_t)local_port),
                              .sin_addr.s_addr = htonl(INADDR_ANY)};
  /* SO_REUSEADDR so that a case can reuse a port still in TIME-WAIT from an earlier step. */
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
      (local_port != 0 && bind(fd, (struct sockaddr *)&local, sizeof local) < 0)) {
    int err = errno;
    close(fd);
    return -err;
  }
  return fd;
}

int sockets_listen(int port) {
  int fd = new_tcp_socket(port);
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

int sockets_connect(struct in_addr host, int port, int local_port) {
  int fd = new_tcp_socket(local_port);
  if (fd < 0) return fd;
  struct sockaddr_in remote = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr = host};
  int rc = connect(fd, (struct sockaddr *)&remote, sizeof remote);
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

/* Hands held octets to the kernel until it takes no more; 0 or -errno. */
static int write_held(struct sock *s) {
  while (s->held > 0) {
    size_t length = s->held < CHUNK ? (size_t)s->held : CHUNK;
    ssize_t n = send(s->fd, pattern_chunk + s->sent % PATTERN_LENGTH, length, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      int err = errno;
      s->held = 0;
      return -err;
    }
    s->held -= n;
    s->sent += (unsigned long long)n;
  }
  return 0;
}

/* Carries out a shutdown or close that waited for held octets; false when the socket is gone. */
static bool finish_if_written(struct sock *s) {
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

long long sockets_write(long long bytes) {
  struct sock *s = current_connection();
  if (s == NULL) return -ENOTCONN;
  if (s->shut) return -EPIPE;
  s->held += bytes;
  if (!s->connecting) {
    int rc = write_held(s);
    if (rc < 0) return rc;
  }
  return bytes;
}

long long sockets_read(long long max_bytes) {
  struct sock *s = current_connection();
  if (s == NULL) return -ENOTCONN;
  long long total = 0;
  while (max_bytes < 0 || total < max_bytes) {
    long long want = max_bytes < 0 || max_bytes - total > CHUNK ? CHUNK : max_bytes - total;
    ssize_t n = recv(s->fd, read_buffer, (size_t)want, MSG_DONTWAIT);
    if (n > 0) {
      total += n;
      continue;
    }
    if (n == 0) {
      if (!s->eof_reported) events->eof();
      s->eof_reported = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    /* An error after some octets still answers with the octets; the error goes out as an event. */
    if (total == 0) return -errno;
    events->error(errno);
    break;
  }
  return total;
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
      wanted = s->connecting || s->held > 0 ? POLLOUT : 0;
      /* Errors and hang-ups are always reported, so a watched socket waits with no events asked. */
      if (wanted == 0 && !s->watching) continue;
    }
    fds[used++] = (struct pollfd){.fd = s->fd, .events = wanted};
  }
  return used;
}

static void accept_all(int listener) {
  while (sock_count < SOCKETS_MAX) {
    struct sockaddr_in remote;
    socklen_t length = sizeof remote;
    int fd = accept4(listener, (struct sockaddr *)&remote, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    add_sock(fd, CONNECTION);
    events->accepted(ntohs(remote.sin_port));
  }
}

static void report_error(struct sock *s, int err) {
  if (s->watching) events->error(err);
  s->watching = false;
  s->held = 0;
}

static void on_connection_ready(struct sock *s, short revents) {
  if (s->connecting) {
    s->connecting = false;
    int err = pending_error(s->fd);
    if (err != 0) {
      report_error(s, err);
    } else {
      events->connected();
    }
  } else if (revents & POLLERR) {
    int err = pending_error(s->fd);
    if (err != 0) report_error(s, err);
  }
  if (s->held > 0) {
    int rc = write_held(s);
    if (rc < 0) report_error(s, -rc);
  }
  /* Both directions are done (or the error was taken by a read): nothing more will come. */
  if ((revents & POLLHUP) && s->held == 0) s->watching = false;
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

/* Linux's TCP states (include/net/tcp_states.h) in RFC 9293's spelling. */
static const char *state_name(int state) {
  switch (state) {
    case TCP_ESTABLISHED: return "ESTABLISHED";
    case TCP_SYN_SENT: return "SYN-SENT";
    case TCP_SYN_RECV: return "SYN-RECEIVED";
    case TCP_FIN_WAIT1: return "FIN-WAIT-1";
    case TCP_FIN_WAIT2: return "FIN-WAIT-2";
    case TCP_TIME_WAIT: return "TIME-WAIT";
    case TCP_CLOSE_WAIT: return "CLOSE-WAIT";
    case TCP_LAST_ACK: return "LAST-ACK";
    case TCP_LISTEN: return "LISTEN";
    case TCP_CLOSING: return "CLOSING";
    case 12: return "SYN-RECEIVED"; /* TCP_NEW_SYN_RECV: a handshake on a listener; glibc does not name it */
    default: return "CLOSED";       /* TCP_CLOSE */
  }
}

static int fd_state(int fd, const char **state) {
  struct tcp_info info;
  socklen_t length = sizeof info;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) < 0) return -errno;
  *state = state_name(info.tcpi_state);
  return 0;
}

static bool port_used(unsigned short port) {
  for (int i = 0; i < used_port_count; i++) {
    if (used_ports[i] == port) return true;
  }
  return false;
}

/*
 * Sockets the kernel held before this session began (sockets_ignore_existing), by sock_diag cookie: on a
 * host that serves one session after another, a connection an earlier session left in TIME-WAIT on the
 * same port is not this session's. The kernel gives a socket its cookie when a dump first shows it, and a
 * connection keeps it into TIME-WAIT, so a snapshot names them for good.
 */
#define IGNORED_MAX 4096
static unsigned long long ignored[IGNORED_MAX];
static int ignored_count;

static unsigned long long cookie_of(const struct inet_diag_msg *socket_info) {
  return (unsigned long long)socket_info->id.idiag_cookie[1] << 32 | socket_info->id.idiag_cookie[0];
}

static bool is_ignored(const struct inet_diag_msg *socket_info) {
  unsigned long long cookie = cookie_of(socket_info);
  for (int i = 0; i < ignored_count; i++) {
    if (ignored[i] == cookie) return true;
  }
  return false;
}

/* Calls `visit` for each IPv4 TCP socket the kernel holds (a sock_diag dump); 0 or -errno. */
static int each_kernel_socket(void (*visit)(const struct inet_diag_msg *socket_info, void *context), void *context) {
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return -errno;
  struct {
    struct nlmsghdr header;
    struct inet_diag_req_v2 request;
  } query = {
      .header = {.nlmsg_len = sizeof query, .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
      .request = {.sdiag_family = AF_INET, .sdiag_protocol = IPPROTO_TCP, .idiag_states = ~0U},
  };
  if (send(fd, &query, sizeof query, 0) < 0) {
    int err = errno;
    close(fd);
    return -err;
  }
  static char buffer[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
  int rc = 0;
  for (bool done = false; !done;) {
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      rc = n < 0 ? -errno : 0;
      break;
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
        done = true;
        break;
      }
      visit(NLMSG_DATA(h), context);
    }
  }
  close(fd);
  return rc;
}

static void remember_existing(const struct inet_diag_msg *socket_info, void *context) {
  (void)context;
  if (socket_info->idiag_state != TCP_LISTEN && ignored_count < IGNORED_MAX) ignored[ignored_count++] = cookie_of(socket_info);
}

int sockets_ignore_existing(void) { return each_kernel_socket(remember_existing, NULL); }

/* The first socket, on a port the agent used, that is neither a listener nor closed nor ignored. */
static void pick_held(const struct inet_diag_msg *socket_info, void *context) {
  const char **state = context;
  int kernel_state = socket_info->idiag_state;
  if (*state == NULL && kernel_state != TCP_LISTEN && kernel_state != TCP_CLOSE &&
      port_used(ntohs(socket_info->id.idiag_sport)) && !is_ignored(socket_info)) {
    *state = state_name(kernel_state);
  }
}

/* 1 with *state set when the kernel holds a connection of the agent's, 0 when it holds none, -errno. */
static int held_state(const char **state) {
  const char *found = NULL;
  int rc = each_kernel_socket(pick_held, &found);
  if (rc < 0) return rc;
  if (found == NULL) return 0;
  *state = found;
  return 1;
}

int sockets_state(const char **state) {
  /* The current connection first; then one closed while octets were held, which still has its descriptor. */
  struct sock *s = current_connection();
  for (int i = 0; s == NULL && i < sock_count; i++) {
    if (socks[i].kind == CONNECTION) s = &socks[i];
  }
  if (s != NULL) return fd_state(s->fd, state);
  int held = held_state(state);
  if (held != 0) return held < 0 ? held : 0;
  for (int i = 0; i < sock_count; i++) {
    if (socks[i].kind == LISTENER) {
      *state = "LISTEN";
      return 0;
    }
  }
  *state = "CLOSED";
  return 0;
}

void sockets_abort_all(void) {
  struct linger linger = {.l_onoff = 1, .l_linger = 0};
  while (sock_count > 0) {
    if (socks[0].kind == CONNECTION) setsockopt(socks[0].fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
    remove_sock(&socks[0]);
  }
}
