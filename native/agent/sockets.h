/*
 * The application side of the target: real sockets, driven by calls and by poll(). Knows nothing of the
 * protocol or the transport that carries the calls.
 *
 * One agent serves one test case, so the state is one set of sockets per process. App calls act on the
 * *current connection*: the oldest one, accepted or connected, that the application has not closed.
 */
#ifndef TCPCONFORM_SOCKETS_H
#define TCPCONFORM_SOCKETS_H

#include <netinet/in.h>
#include <sys/socket.h>
#include <poll.h>
#include <stdbool.h>

/* What the application learns without asking; errors are errno values. */
struct socket_events {
  void (*accepted)(int remote_port);
  void (*connected)(void);
  void (*eof)(void);
  void (*closing)(void); /* the peer's FIN arrived */
  void (*urgent)(void);  /* urgent data arrived */
  void (*error)(int err);
};

void sockets_init(const struct socket_events *events);

/* Calls: 0 (or an octet count) on success, -errno on failure. */
/* `domain`: AF_INET, or AF_INET6 (which takes IPv4 too, as IPv4-mapped addresses). */
int sockets_listen(int domain, int port);
/* `host`: a sockaddr_in or sockaddr_in6 whose port is set here. */
int sockets_connect(const struct sockaddr_storage *host, int port, int local_port /* 0: any */);
long long sockets_write(long long bytes);
/* Writes `bytes` octets as urgent data: the urgent pointer goes after the last of them. */
long long sockets_write_urgent(long long bytes);
/* *eof: the read reached the end of the peer's data (its FIN). */
long long sockets_read(long long max_bytes /* < 0: all that is there */, bool *eof);
/* Whether the next read begins at the urgent mark (SIOCATMARK). */
int sockets_at_mark(bool *at_mark);
/* Sets a socket option (options.h names it) on the current connection, else on listeners and later sockets. */
int sockets_set_option(const char *name, long long value);
int sockets_shutdown(void);
int sockets_close(void);
int sockets_abort(void);
/* The RFC 9293 state (its spelling) of the connection calls act on; else of one the kernel still holds for
 * the application (closed but not gone, or being opened on a listener); else LISTEN or CLOSED. */
int sockets_state(const char **state);

/* For a host that serves one session after another: connections the kernel holds now belong to earlier
 * sessions, and state never reports them. 0 or -errno. */
int sockets_ignore_existing(void);
/* Resets every connection the application still holds (SO_LINGER 0) and closes every listener, so that a
 * session leaves no connection of its own behind for the next one to meet. */
void sockets_abort_all(void);

/* Fills `fds` with what the sockets wait for; returns how many entries were used. */
int sockets_poll_set(struct pollfd *fds, int max);
/* Acts on what poll() reported for entries from sockets_poll_set. */
void sockets_on_ready(const struct pollfd *fds, int count);

#define SOCKETS_MAX 64

#endif
