#include "options.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>


static int set_int(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof value) < 0 ? -errno : 0;
}

/* Milliseconds as the whole seconds the kernel takes, or -EINVAL. */
static int whole_seconds(long long ms) {
  if (ms % 1000 != 0 || ms / 1000 > 0x7fffffff) return -EINVAL;
  return (int)(ms / 1000);
}

static int set_flag_nodelay(int fd, long long v) { return set_int(fd, IPPROTO_TCP, TCP_NODELAY, v != 0); }
static int set_rcvbuf(int fd, long long v) { return v > 0x7fffffff ? -EINVAL : set_int(fd, SOL_SOCKET, SO_RCVBUF, (int)v); }
static int set_sndbuf(int fd, long long v) { return v > 0x7fffffff ? -EINVAL : set_int(fd, SOL_SOCKET, SO_SNDBUF, (int)v); }
static int set_keepalive(int fd, long long v) { return set_int(fd, SOL_SOCKET, SO_KEEPALIVE, v != 0); }
static int set_count(int fd, long long v) { return v > 0x7fffffff ? -EINVAL : set_int(fd, IPPROTO_TCP, TCP_KEEPCNT, (int)v); }
static int set_user_timeout(int fd, long long v) { return v > 0x7fffffff ? -EINVAL : set_int(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, (int)v); }

static int set_idle(int fd, long long v) {
  int seconds = whole_seconds(v);
  return seconds < 0 ? seconds : set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, seconds);
}

static int set_interval(int fd, long long v) {
  int seconds = whole_seconds(v);
  return seconds < 0 ? seconds : set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, seconds);
}

static int set_linger(int fd, long long v) {
  int seconds = whole_seconds(v);
  if (seconds < 0) return seconds;
  struct linger linger = {.l_onoff = 1, .l_linger = seconds};
  return setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger) < 0 ? -errno : 0;
}

/* The Differentiated Services codepoint, the TOS byte's six high bits: TCP keeps the ECN bits its own. */
static int set_dscp(int fd, long long v) { return v < 0 || v > 63 ? -EINVAL : set_int(fd, IPPROTO_IP, IP_TOS, (int)(v << 2)); }

static const struct {
  const char *name;
  int (*apply)(int fd, long long value);
} table[] = {
    {"nodelay", set_flag_nodelay},    {"rcvbuf", set_rcvbuf},
    {"sndbuf", set_sndbuf},           {"keepalive", set_keepalive},
    {"keepalive-idle", set_idle},     {"keepalive-interval", set_interval},
    {"keepalive-count", set_count},   {"user-timeout", set_user_timeout},
    {"linger", set_linger},           {"dscp", set_dscp},
};

#define OPTION_COUNT (sizeof table / sizeof table[0])

/* The value each option is to take on sockets made later, by its index in the table. */
static bool remembered[OPTION_COUNT];
static long long remembered_value[OPTION_COUNT];

static int find(const char *name) {
  for (size_t i = 0; i < OPTION_COUNT; i++) {
    if (strcmp(table[i].name, name) == 0) return (int)i;
  }
  return -1;
}

bool option_known(const char *name) { return find(name) >= 0; }

int option_apply(int fd, const char *name, long long value) {
  int index = find(name);
  return index < 0 ? -ENOPROTOOPT : table[index].apply(fd, value);
}

void option_remember(const char *name, long long value) {
  int index = find(name);
  if (index < 0) return;
  remembered[index] = true;
  remembered_value[index] = value;
}

void options_apply_remembered(int fd) {
  for (size_t i = 0; i < OPTION_COUNT; i++) {
    if (remembered[i]) table[i].apply(fd, remembered_value[i]);
  }
}
