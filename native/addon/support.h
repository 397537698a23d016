/*
 * What the N-API addons (tun.c, netns.c) share: errors named by errno, string arguments, and moving the
 * calling thread into a network namespace and back.
 */
#ifndef TCPCONFORM_ADDON_SUPPORT_H
#define TCPCONFORM_ADDON_SUPPORT_H

#define NAPI_VERSION 8
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

/* /var/run/netns/NAME, where a name is a file name of at most 255 octets. */
#define ADDON_MAX_PATH 512

/* `<what>: <strerror>`, with the errno's name (e.g. EACCES) as the error's code. */
napi_value addon_errno_error(napi_env env, const char *what, int err);

/* Throws addon_errno_error; returns NULL for the caller to return. */
napi_value addon_throw_errno(napi_env env, const char *what, int err);

/* Reads a string argument of at most `size - 1` octets into `out`; throws and returns 0 when it is not one. */
int addon_get_string(napi_env env, napi_value value, char *out, size_t size, const char *name);

/* Reads a Uint8Array argument's bytes (not copied); throws and returns 0 when it is not one. */
int addon_get_bytes(napi_env env, napi_value value, const uint8_t **data, size_t *length, const char *name);

/*
 * Moves the calling thread into the network namespace bound at `path`. Returns an fd for the thread's own
 * namespace, to hand to netns_go_home, or -errno with the failed step described in `what`.
 */
int netns_enter(const char *path, char *what, size_t what_size);

/* Returns the thread home. Failing to is fatal: the thread would go on serving Node in the wrong place. */
void netns_go_home(int home);

#endif
