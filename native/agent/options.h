/*
 * Socket options by the adapter protocol's names (set-option): nodelay, rcvbuf, sndbuf, keepalive,
 * keepalive-idle, keepalive-interval, keepalive-count, user-timeout, linger. Durations come in
 * milliseconds; the kernel takes keep-alive times and the linger time in whole seconds.
 */
#ifndef TCPCONFORM_OPTIONS_H
#define TCPCONFORM_OPTIONS_H

#include <stdbool.h>

/* Whether `name` is an option the agent knows. */
bool option_known(const char *name);
/* Sets option `name` to `value` on `fd`; 0 or -errno (-EINVAL for a time that is not whole seconds). */
int option_apply(int fd, const char *name, long long value);
/* Keeps `name` = `value` for the sockets made from now on (listen, connect, accept). */
void option_remember(const char *name, long long value);
/* Sets every remembered option on `fd`, a socket just made. */
void options_apply_remembered(int fd);

#endif
