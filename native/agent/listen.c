/*
 * Each control connection is one session in a process of its own (fork), so a session starts with the
 * agent's state fresh, as a stdin agent does, and ends with everything it opened:
 * - its connections are reset and its listeners closed when the control connection ends, so the next
 *   case meets nothing of this one but what the kernel keeps for connections the application closed
 *   (TIME-WAIT and the like), which the session's state call then ignores (sockets_ignore_existing);
 * - one harness at a time: a new control connection ends the session before it, so a harness that
 *   vanished without closing its connection (its namespace deleted, the machine gone) never keeps the
 *   next one from listening on the same port. Keepalives end such a session anyway after a while.
 * The listening address must lie in 198.18.0.0/15, the only range tcpconform speaks to.
 */
#define _GNU_SOURCE
#include "listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "range.h"
#include "serve.h"
#include "sockets.h"

/* A control connection silent this long is probed; unanswered probes end it (about 16 s in all). */
#define KEEPALIVE_IDLE_S 10
#define KEEPALIVE_INTERVAL_S 2
#define KEEPALIVE_PROBES 3

static int parse_host_port(const char *text, struct sockaddr_in *address) {
  const char *colon = strrchr(text, ':');
  char host[INET_ADDRSTRLEN];
  if (colon == NULL || (size_t)(colon - text) >= sizeof host) return -1;
  memcpy(host, text, (size_t)(colon - text));
  host[colon - text] = '\0';
  char *end;
  long port = strtol(colon + 1, &end, 10);
  if (*end != '\0' || colon[1] == '\0' || port < 1 || port > 65535) return -1;
  memset(address, 0, sizeof *address);
  address->sin_family = AF_INET;
  address->sin_port = htons((uint16_t)port);
  return inet_pton(AF_INET, host, &address->sin_addr) == 1 ? 0 : -1;
}

static void keep_alive(int fd) {
  int on = 1, idle = KEEPALIVE_IDLE_S, interval = KEEPALIVE_INTERVAL_S, probes = KEEPALIVE_PROBES;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
  /* Answers go out as they are written: a result is one short line the harness is waiting for. */
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

static void run_session(int connection) {
  keep_alive(connection);
  sockets_ignore_existing();
  serve(connection, connection);
  sockets_abort_all();
  _exit(0);
}

int listen_and_serve(const char *host_port) {
  struct sockaddr_in address;
  if (parse_host_port(host_port, &address) < 0) {
    fprintf(stderr, "tcpconform-agent: --listen takes HOST:PORT with an IPv4 address, e.g. 198.18.1.2:7000\n");
    return 2;
  }
  if (!in_benchmark_range(address.sin_addr)) {
    fprintf(stderr, "tcpconform-agent: %s is outside 198.18.0.0/15, the only range tcpconform speaks to\n", host_port);
    return 2;
  }
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int on = 1;
  if (listener < 0 || setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
      bind(listener, (struct sockaddr *)&address, sizeof address) < 0 || listen(listener, 4) < 0) {
    fprintf(stderr, "tcpconform-agent: cannot listen on %s: %s\n", host_port, strerror(errno));
    return 1;
  }
  fprintf(stderr, "tcpconform-agent: listening on %s\n", host_port);
  pid_t session = 0;
  for (;;) {
    int connection = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (connection < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      fprintf(stderr, "tcpconform-agent: accept: %s\n", strerror(errno));
      return 1;
    }
    if (session > 0) {
      kill(session, SIGKILL);
      while (waitpid(session, NULL, 0) < 0 && errno == EINTR) {
      }
    }
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    session = fork();
    if (session == 0) {
      close(listener);
      run_session(connection);
    }
    if (session < 0) fprintf(stderr, "tcpconform-agent: fork: %s\n", strerror(errno));
    close(connection);
  }
}
