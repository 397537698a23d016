/*
 * The application on slirp's host side: real TCP sockets on 127.0.0.1 and [::1], which slirp proxies to the
 * guest-facing connections the harness sees. Calls return 0 (or a count) on success and -errno on
 * failure, as the adapter protocol's results need them.
 */
#ifndef SLIRP_ADAPTER_APP_H
#define SLIRP_ADAPTER_APP_H

#include "stack.h"

struct app_hooks {
    void (*accepted)(int remote_port);
    void (*connected)(void);
    void (*eof)(void);
    void (*closing)(void); /* the peer's FIN reached the application's socket */
    void (*urgent)(void);  /* urgent data reached it */
    void (*error)(int err);
    /* Runs one loop turn without waiting, so slirp can pass on what it holds (used by read). */
    void (*pump)(void);
};

void app_init(const struct app_hooks *hooks);

/* Listens on 127.0.0.1:port, and on [::1]:port where the loopback has IPv6. */
int app_listen(int port);
/* Whether [::1] can be bound here: slirp's IPv6 side reaches the application through it. */
bool app_ipv6_usable(void);
int app_connect(const char *host, int port, int local_port);
long long app_write(long long bytes);
/* As write, the octets urgent data: slirp points the urgent pointer after them. */
long long app_write_urgent(long long bytes);
/* max_bytes < 0: all there is; *eof: the read met the end of the peer's data. */
long long app_read(long long max_bytes, bool *eof);
/* Whether the next read begins at the urgent mark (SIOCATMARK). */
int app_at_mark(bool *at_mark);
int app_shutdown(void);
int app_close(void);
int app_abort(void);
/* The RFC 9293 state of the connection the calls act on (see app.c for which one). */
const char *app_state(void);

/* Adds the application's descriptors to the loop's poll set, and handles what poll() reported. */
void app_fill(struct pollset *set);
void app_ready(const struct pollset *set);
/* Whether one of the application's connect()s to 127.0.0.1 is still under way. */
bool app_connect_pending(void);
/* Holds the application's connections against slirp's table: reveals accepted and connected ones. */
void app_track(void);

#endif
