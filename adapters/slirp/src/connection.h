/*
 * One connection of the application side as app.c (the list, the loop) and stream.c (its data both
 * ways) share it.
 */
#ifndef SLIRP_ADAPTER_CONNECTION_H
#define SLIRP_ADAPTER_CONNECTION_H

#include <stdbool.h>

#include "app.h"

struct connection {
    int fd;               /* our host socket; -1 once the application closed or aborted it */
    bool active;          /* made by connect */
    bool visible;         /* the application knows it: accepted, or made by connect */
    bool established;     /* slirp's tcpcb reached ESTABLISHED (or beyond) */
    bool seen;            /* slirp's tcpcb has shown up in its table */
    bool gone;            /* ... and has since disappeared */
    bool connecting;      /* our non-blocking host connect() is not complete */
    bool watching;        /* an error on our socket is still to be reported */
    bool eof_reported;
    bool closing_reported; /* the peer's FIN reached our socket (POLLRDHUP) */
    bool urgent_armed;    /* POLLPRI is watched: no urgent notification awaits a read */
    bool done;            /* failed or hung up: poll has nothing more to tell */
    int pending_error;    /* an error raised on our socket, kept for the next read or write */
    bool shut;            /* shutdown was called */
    bool shutdown_when_sent;
    bool closing;         /* close was called while octets were held */
    long long held;       /* octets accepted by write that the socket has not taken yet */
    unsigned long long sent;
    unsigned long long urgent_end; /* the offset after the last urgent octet written; 0: none */
    int slirp_port;       /* local port of slirp's host socket for this connection */
    int local_port;       /* made by connect: our socket's port, which slirp's SYN comes from */
};

extern const struct app_hooks *hooks;

/* The connection application calls act on: the oldest one the application knows and has not closed. */
struct connection *current(void);
/* Closes our socket (with a RST when `reset`); the record stays. */
void close_socket(struct connection *c, bool reset);
/* An error raised on our socket: reported once as an event; with `keep`, kept for the next call too. */
void connection_failed(struct connection *c, int err, bool keep);

/* stream.c */
void stream_init(void);
/* Hands held octets to the socket until it takes no more; 0 or -errno. */
int write_held(struct connection *c);
/* Carries out a shutdown or close that waited for held octets. */
void finish_if_written(struct connection *c);
/* Whether our socket has data to read or its end, without taking it. */
bool peer_ended(struct connection *c);

#endif
