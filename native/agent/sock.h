/*
 * The agent's table of sockets, shared by the files that act on it (sockets.c, stream.c,
 * kernel_state.c): listeners and connections, oldest first. Not part of the agent's interface (sockets.h).
 */
#ifndef TCPCONFORM_SOCK_H
#define TCPCONFORM_SOCK_H

#include <stdbool.h>

#include "sockets.h"

enum kind { LISTENER, CONNECTION };

struct sock {
  int fd;
  enum kind kind;
  bool connecting;              /* a non-blocking connect not yet complete */
  bool watching;                /* an error the kernel raises is still to be reported */
  bool done;                    /* hung up or failed: poll has nothing more to tell */
  bool eof_reported;
  bool closing_reported;        /* the peer's FIN was reported (POLLRDHUP) */
  bool urgent_armed;            /* POLLPRI is watched: no urgent notification awaits a read */
  bool shut;                    /* shutdown was called */
  bool shutdown_when_sent;      /* ... while octets were held */
  bool closing;                 /* close was called while octets were held */
  int pending_error;            /* an error the kernel raised, kept for the next read or write */
  long long held;               /* octets accepted by write that the kernel has not taken yet */
  unsigned long long sent;      /* octets the kernel has taken, for the pattern's offset */
  unsigned long long urgent_end; /* the offset after the last urgent octet written; 0: none */
};

extern struct sock socks[SOCKETS_MAX];
extern int sock_count;
extern const struct socket_events *events;

/* Closes the socket and drops it, keeping the others in their order (oldest first). */
void remove_sock(struct sock *s);
/* An error the kernel raised: reported once as an event; with `keep`, kept for the next call too. */
void connection_failed(struct sock *s, int err, bool keep);

/* stream.c: fills the pattern the writes send. */
void stream_init(void);
/* Hands held octets to the kernel until it takes no more; 0 or -errno. */
int write_held(struct sock *s);
/* Carries out a shutdown or close that waited for held octets; false when the socket is gone. */
bool finish_if_written(struct sock *s);

/* The connection calls act on: the oldest one the application has not closed; NULL when there is none. */
struct sock *current_connection(void);

/* Whether the agent has made or accepted a socket on this local port, for finding what the kernel holds. */
bool port_used(unsigned short port);

#endif
