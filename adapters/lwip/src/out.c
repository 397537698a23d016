#include "out.h"

#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "lwip/init.h"
#include "options.h"
#include "stack.h"

/* Big enough for the largest packet as hex, so a packet line is one write. */
static char stdout_buffer[1 << 18];

void out_init(void) { setvbuf(stdout, stdout_buffer, _IOFBF, sizeof stdout_buffer); }

void out_flush(void) {
  /* A harness that has gone cannot read us any more: nothing is left to do. */
  if (fflush(stdout) != 0) exit(0);
}

void out_hello(void) {
  printf(
      "{\"type\":\"hello\",\"protocol\":1,\"stack\":{\"name\":\"lwip\",\"version\":\"%s\"},"
      "\"address\":\"198.18.0.1\",\"peer\":\"198.18.0.2\",\"broadcast\":\"198.19.255.255\","
      "\"address6\":\"2001:2::1\",\"peer6\":\"2001:2::2\","
      "\"capabilities\":{\"calls\":[\"listen\",\"connect\",\"write\",\"read\",\"stop-reading\",\"shutdown\","
      "\"close\",\"abort\",\"state\",\"set-option\"],\"options\":[" OPTIONS_JSON "],\"clock\":\"virtual\",\"families\":[\"ipv4\",\"ipv6\"],\"notes\":["
      "\"lwIP's raw TCP API, single-threaded (lwip_init, no tcpip thread), built with Debian's lwipopts.h\","
      "\"lwIP's TCP timers tick every 250 ms (fast: delayed ACKs) and 500 ms (slow: retransmission, "
      "TIME-WAIT), so its timers fire on those ticks\","
      "\"set-option: nodelay and keep-alives; lwIP's buffers (TCP_WND, TCP_SND_BUF) and give-up (TCP_MAXRTX) are "
      "compile-time and its raw API has no linger\","
      "\"lwIP has no urgent data for the application: it neither sends it nor tells of it (no write-urgent, at-mark, "
      "urgent event)\"]}}\n",
      LWIP_VERSION_STRING);
}

void out_packet(const uint8_t *bytes, size_t length, double time_ms) {
  static const char digits[] = "0123456789abcdef";
  fputs("{\"type\":\"packet\",\"hex\":\"", stdout);
  for (size_t i = 0; i < length; i++) {
    putchar(digits[bytes[i] >> 4]);
    putchar(digits[bytes[i] & 0xf]);
  }
  printf("\",\"time\":%.17g}\n", time_ms);
}

static void result_head(long long id) {
  if (id < 0) {
    fputs("{\"type\":\"result\",\"id\":null", stdout);
  } else {
    printf("{\"type\":\"result\",\"id\":%lld", id);
  }
}

void out_ok(long long id) {
  result_head(id);
  fputs(",\"ok\":true}\n", stdout);
}

void out_ok_bytes(long long id, long long bytes) {
  result_head(id);
  printf(",\"ok\":true,\"bytes\":%lld}\n", bytes);
}

void out_ok_read(long long id, long long bytes, bool eof) {
  result_head(id);
  printf(",\"ok\":true,\"bytes\":%lld%s}\n", bytes, eof ? ",\"eof\":true" : "");
}

void out_ok_state(long long id, const char *state) {
  result_head(id);
  printf(",\"ok\":true,\"state\":\"%s\"}\n", state);
}

void out_ok_now(long long id, double now_ms) {
  result_head(id);
  printf(",\"ok\":true,\"now\":%.17g}\n", now_ms);
}

void out_error(long long id, const char *error) {
  char escaped[512];
  json_escape(error, escaped, sizeof escaped);
  result_head(id);
  printf(",\"ok\":false,\"error\":\"%s\"}\n", escaped);
}

void out_bad_request(long long id, const char *why) {
  char message[400];
  snprintf(message, sizeof message, "bad request: %s", why);
  out_error(id, message);
}

/* Events carry the virtual time they happen at: one during an advance is not the advance's start. */
void out_event_accepted(int remote_port) {
  printf("{\"type\":\"event\",\"event\":\"accepted\",\"remotePort\":%d,\"time\":%.17g}\n", remote_port, stack_now());
}

static void bare_event(const char *name) { printf("{\"type\":\"event\",\"event\":\"%s\",\"time\":%.17g}\n", name, stack_now()); }

void out_event_connected(void) { bare_event("connected"); }

void out_event_closing(void) { bare_event("closing"); }

void out_event_eof(void) { bare_event("eof"); }

void out_event_error(const char *error) {
  printf("{\"type\":\"event\",\"event\":\"error\",\"error\":\"%s\",\"time\":%.17g}\n", error, stack_now());
}
