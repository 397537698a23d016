/*
 * A table rather than glibc's strerrorname_np, which is recent (2.32) and missing from musl: the agent is
 * meant to run on whatever Linux host holds the stack under test.
 */
#include "errno_name.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#define NAME(e) {e, #e}

static const struct {
  int err;
  const char *name;
} names[] = {
    NAME(EACCES),       NAME(EADDRINUSE),   NAME(EADDRNOTAVAIL), NAME(EAFNOSUPPORT), NAME(EAGAIN),
    NAME(EALREADY),     NAME(EBADF),        NAME(ECONNABORTED),  NAME(ECONNREFUSED), NAME(ECONNRESET),
    NAME(EHOSTDOWN),    NAME(EHOSTUNREACH), NAME(EINPROGRESS),   NAME(EINTR),        NAME(EINVAL),
    NAME(EIO),          NAME(EISCONN),      NAME(EMFILE),        NAME(EMSGSIZE),     NAME(ENETDOWN),
    NAME(ENETRESET),    NAME(ENETUNREACH),  NAME(ENFILE),        NAME(ENOBUFS),      NAME(ENOMEM),
    NAME(ENOPROTOOPT),  NAME(ENOTCONN),     NAME(ENOTSOCK),      NAME(EOPNOTSUPP),   NAME(EPERM),
    NAME(EPIPE),        NAME(EPROTO),       NAME(ETIMEDOUT),
};

const char *errno_name(int err) {
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (names[i].err == err) return names[i].name;
  }
  static char unnamed[24];
  snprintf(unnamed, sizeof unnamed, "errno %d", err);
  return unnamed;
}
