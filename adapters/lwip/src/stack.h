/*
 * lwIP itself: initialised single-threaded, one netif that hands every IPv4 packet to the harness,
 * and a virtual clock that moves only when the harness says `advance`.
 */
#ifndef LWIP_ADAPTER_STACK_H
#define LWIP_ADAPTER_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The stack's address and the peer's, as the hello announces them (198.18.0.0/15 only). */
#define STACK_ADDRESS "198.18.0.1"
#define PEER_ADDRESS "198.18.0.2"
/* The stack's and the harness's IPv6 addresses, in 2001:2::/48 (RFC 5180). */
#define STACK_ADDRESS6 "2001:2::1"
#define PEER_ADDRESS6 "2001:2::2"

void stack_init(void);

/* Hands one IPv4 packet to lwIP at the current virtual time; false (with *why set) when it cannot. */
bool stack_input(const uint8_t *packet, size_t length, const char **why);

/* Virtual milliseconds since the adapter started. */
double stack_now(void);

/* Runs lwIP's timers up to `to_ms`, or, with `until_output`, up to the first moment one sends a packet;
 * returns the time it stopped at. */
double stack_advance(double to_ms, bool until_output);

#endif
