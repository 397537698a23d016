/*
 * The state call: the RFC 9293 state of the connection calls act on, read with TCP_INFO; and of the
 * connections the kernel holds for the application without a descriptor (closed by it but not gone:
 * FIN-WAIT, TIME-WAIT; a handshake in progress on a listener), found with sock_diag among the local
 * ports the agent has used.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock.h"

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

/* Calls `visit` for each TCP socket of `family` the kernel holds (a sock_diag dump); 0 or -errno. */
static int each_kernel_socket_of(int family, void (*visit)(const struct inet_diag_msg *socket_info, void *context), void *context) {
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return -errno;
  struct {
    struct nlmsghdr header;
    struct inet_diag_req_v2 request;
  } query = {
      .header = {.nlmsg_len = sizeof query, .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
      .request = {.sdiag_family = (__u8)family, .sdiag_protocol = IPPROTO_TCP, .idiag_states = ~0U},
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

/* Calls `visit` for each TCP socket the kernel holds, IPv4's then IPv6's (AF_INET6 sockets, IPv4-mapped ones too). */
static int each_kernel_socket(void (*visit)(const struct inet_diag_msg *socket_info, void *context), void *context) {
  int rc = each_kernel_socket_of(AF_INET, visit, context);
  return rc < 0 ? rc : each_kernel_socket_of(AF_INET6, visit, context);
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
