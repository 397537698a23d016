/*
 * tiny_tcp: a stand-in for your stack. A TCP of one connection, small enough to read in one sitting:
 * the three-way handshake both ways, in-order data both ways, FIN and RST, and nothing on a timer
 * (no retransmission; TIME-WAIT lasts until the adapter exits). The adapter (adapter.c) drives it
 * through the calls below: replace them with your stack's own.
 */
#ifndef TINY_TCP_H
#define TINY_TCP_H

#include <stddef.h>
#include <stdint.h>

/* Where the stack's packets go: whole IPv4 packets, as the adapter protocol carries them. */
typedef void (*tiny_tcp_output)(const uint8_t *packet, size_t length);
/* What the application learns without asking: "accepted" (value: the peer's port), "connected",
 * "eof", or "error" (error: an errno name such as ECONNRESET). */
typedef void (*tiny_tcp_event)(const char *event, int value, const char *error);

void tiny_tcp_init(uint32_t address, uint32_t peer, tiny_tcp_output output, tiny_tcp_event event);

/* A packet from the peer, handled at once; whatever it makes the stack send goes out before it returns. */
void tiny_tcp_input(const uint8_t *packet, size_t length);

/* The application's calls. Each returns NULL on success, or the errno name of its failure. */
const char *tiny_tcp_listen(uint16_t port);
const char *tiny_tcp_connect(uint16_t port, uint16_t local_port);
const char *tiny_tcp_write(size_t bytes, size_t *written);
const char *tiny_tcp_read(size_t max, size_t *read);
const char *tiny_tcp_shutdown(void);
const char *tiny_tcp_close(void);
const char *tiny_tcp_abort(void);
/* The connection's state in RFC 9293's spelling: "ESTABLISHED", "TIME-WAIT", ... */
const char *tiny_tcp_state(void);

#endif
