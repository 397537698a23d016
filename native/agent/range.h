/* 198.18.0.0/15 and 2001:2::/48, set aside for benchmarking: the only addresses tcpconform speaks to. */
#ifndef TCPCONFORM_RANGE_H
#define TCPCONFORM_RANGE_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

static inline bool in_benchmark_range(struct in_addr address) {
  return (ntohl(address.s_addr) & 0xfffe0000u) == 0xc6120000u;
}

/* 2001:2::/48 (RFC 5180), or an IPv4-mapped address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) of 198.18.0.0/15. */
static inline bool in_benchmark_range6(const struct in6_addr *address) {
  static const unsigned char prefix[6] = {0x20, 0x01, 0x00, 0x02, 0x00, 0x00};
  bool in_prefix = true;
  for (int i = 0; i < 6; i++) in_prefix = in_prefix && address->s6_addr[i] == prefix[i];
  if (in_prefix) return true;
  if (!IN6_IS_ADDR_V4MAPPED(address)) return false;
  struct in_addr v4;
  memcpy(&v4, &address->s6_addr[12], sizeof v4);
  return in_benchmark_range(v4);
}

#endif
