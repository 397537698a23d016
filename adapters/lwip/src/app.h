/*
 * The application side: lwIP's raw TCP API driven by the protocol's calls. Calls act on the *current
 * connection*, the oldest one, accepted or connected, that the application has not closed.
 *
 * Decisions that show in the harness (the same as tcpconform's Linux agent makes with sockets):
 * - write answers at once with every octet accepted; what lwIP's send buffer cannot take yet is held
 *   and handed over as it drains (the `sent` callback). The octets are the protocol's pattern.
 * - received data stays unread until a read: tcp_recved() is called only then, so lwIP's window closes
 *   as data arrives and stop-reading needs no action.
 * - shutdown and close made while octets are held take effect once those octets are handed over.
 * - an error lwIP reports (a reset, its giving up) is an event, and fails the next read or write.
 */
#ifndef LWIP_ADAPTER_APP_H
#define LWIP_ADAPTER_APP_H

#include <stdbool.h>
#include <stdint.h>

void app_init(void);

/* Each call answers 0 (or an octet count) on success, or an error name through *error. */
int app_listen(int port, const char **error);
int app_connect(const char *host, int port, int local_port /* 0: any */, const char **error);
long long app_write(long long bytes, const char **error);
/* *eof: the read reached the end of the peer's data (its FIN). */
long long app_read(long long max_bytes /* < 0: all that is there */, bool *eof, const char **error);
int app_shutdown(const char **error);
int app_close(const char **error);
int app_abort(const char **error);
const char *app_state(void);
int app_set_option(const char *name, long long value, const char **error);

#endif
