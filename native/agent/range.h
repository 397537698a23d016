/* 198.18.0.0/15, set aside for benchmarking: the only addresses tcpconform speaks to. */
#ifndef TCPCONFORM_RANGE_H
#define TCPCONFORM_RANGE_H

#include <arpa/inet.h>
#include <stdbool.h>

static inline bool in_benchmark_range(struct in_addr address) {
  return (ntohl(address.s_addr) & 0xfffe0000u) == 0xc6120000u;
}

#endif
