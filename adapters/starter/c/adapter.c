/*
 * A starter adapter in C: the adapter protocol (docs/adapter-protocol.md in tcpconform) around
 * tiny_tcp, a stand-in for your stack. Keep this file's shape and replace the tiny_tcp_* calls with
 * your stack's; `make` builds ./adapter, then
 *
 *   tcpconform adapter-check ./adapter
 *   tcpconform run --target adapter --adapter ./adapter --profile ./profile.yaml --id 'handshake/passive-open'
 *
 * The protocol in one paragraph: JSON lines. The adapter writes a hello first; then the harness
 * writes packets (IPv4, as hex), calls (listen, write, ...) and, on a virtual clock, advances; the
 * adapter answers each call and advance with a result carrying its id, writes the stack's packets
 * and the application's events as they happen, and handles one input line completely, flushing
 * everything it caused, before it reads the next. When its stdin ends, it exits with status 0.
 *
 * The JSON here is read by a few lines of string matching, enough for what the harness sends; an
 * adapter of your own may prefer a JSON library.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tiny_tcp.h"

/* The stack's address and the peer's (the harness's). Both must lie in 198.18.0.0/15. */
#define ADDRESS "198.18.0.1"
#define PEER "198.18.0.2"
static const uint32_t ADDRESS_BITS = 198u << 24 | 18u << 16 | 0u << 8 | 1u;
static const uint32_t PEER_BITS = 198u << 24 | 18u << 16 | 0u << 8 | 2u;

/* Virtual time in milliseconds since the start: it moves only when the harness says `advance`. */
static double now_ms;

/* --- writing messages: one line each, flushed, so the harness sees it at once ------------------- */

static void emit(const char *line) {
    fputs(line, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

static void hello(void) {
    emit("{\"type\":\"hello\",\"protocol\":1,\"stack\":{\"name\":\"tiny-tcp\",\"version\":\"0.1\"},"
         "\"address\":\"" ADDRESS "\",\"peer\":\"" PEER "\","
         "\"capabilities\":{\"calls\":[\"listen\",\"connect\",\"write\",\"read\",\"stop-reading\",\"shutdown\","
         "\"close\",\"abort\",\"state\"],\"clock\":\"virtual\",\"families\":[\"ipv4\"],"
         "\"notes\":[\"tiny_tcp, the starter adapter's stand-in stack: no timers, so no retransmission\"]}}");
}

/* The stack sent a packet: to the harness as lower-case hex, stamped with the virtual time. */
static void on_output(const uint8_t *packet, size_t length) {
    static const char digits[] = "0123456789abcdef";
    char *line = malloc(length * 2 + 64);
    size_t n = (size_t)sprintf(line, "{\"type\":\"packet\",\"hex\":\"");
    for (size_t i = 0; i < length; i++) {
        line[n++] = digits[packet[i] >> 4];
        line[n++] = digits[packet[i] & 0x0f];
    }
    sprintf(line + n, "\",\"time\":%.3f}", now_ms);
    emit(line);
    free(line);
}

/* The application learned something: written as soon as the stack says so (the harness stamps it on arrival). */
static void on_event(const char *event, int value, const char *error) {
    char line[128];
    if (strcmp(event, "accepted") == 0) snprintf(line, sizeof line, "{\"type\":\"event\",\"event\":\"accepted\",\"remotePort\":%d}", value);
    else if (error != NULL) snprintf(line, sizeof line, "{\"type\":\"event\",\"event\":\"error\",\"error\":\"%s\"}", error);
    else snprintf(line, sizeof line, "{\"type\":\"event\",\"event\":\"%s\"}", event);
    emit(line);
}

/* A result: `fields` is what the call answers with (",\"bytes\":10"), or the errno name of a failure. */
static void result(long id, const char *error, const char *fields) {
    char line[512];
    if (error != NULL) snprintf(line, sizeof line, "{\"type\":\"result\",\"id\":%ld,\"ok\":false,\"error\":\"%s\"}", id, error);
    else snprintf(line, sizeof line, "{\"type\":\"result\",\"id\":%ld,\"ok\":true%s}", id, fields);
    emit(line);
}

/* A request the adapter cannot read: the protocol's "bad request", with id null when there is none. */
static void bad_request(long id, const char *why) {
    char line[512];
    if (id > 0) snprintf(line, sizeof line, "{\"type\":\"result\",\"id\":%ld,\"ok\":false,\"error\":\"bad request: %s\"}", id, why);
    else snprintf(line, sizeof line, "{\"type\":\"result\",\"id\":null,\"ok\":false,\"error\":\"bad request: %s\"}", why);
    emit(line);
}

/* --- reading messages: the value after "key": in a flat JSON object -------------------------------- */

static const char *field(const char *line, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(line, pattern);
    return at ? at + strlen(pattern) : NULL;
}

static int number(const char *line, const char *key, double *out) {
    const char *at = field(line, key);
    char *end;
    if (at == NULL) return 0;
    *out = strtod(at, &end);
    return end != at;
}

/* A string value, copied into out (no escapes: the harness sends none in the fields read here). */
static int string(const char *line, const char *key, char *out, size_t size) {
    const char *at = field(line, key);
    if (at == NULL || *at != '"') return 0;
    const char *close = strchr(at + 1, '"');
    if (close == NULL || (size_t)(close - at - 1) >= size) return 0;
    memcpy(out, at + 1, (size_t)(close - at - 1));
    out[close - at - 1] = '\0';
    return 1;
}

static int hex_value(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* --- the three kinds of input ------------------------------------------------------------------- */

static void on_packet(const char *line) {
    const char *hex = field(line, "hex");
    if (hex == NULL || *hex++ != '"') return;
    size_t digits = strcspn(hex, "\"");
    uint8_t *packet = malloc(digits / 2 + 1);
    size_t length = 0;
    for (size_t i = 0; i + 1 < digits; i += 2) {
        int high = hex_value(hex[i]), low = hex_value(hex[i + 1]);
        if (high < 0 || low < 0) break;
        packet[length++] = (uint8_t)(high << 4 | low);
    }
    tiny_tcp_input(packet, length); /* the stack's answers go out through on_output meanwhile */
    free(packet);
}

static void on_call(const char *line, long id) {
    char call[32], fields[64] = "";
    double port = 0, local_port = 0, bytes = 0;
    size_t moved = 0;
    const char *error;
    if (!string(line, "call", call, sizeof call)) return bad_request(id, "a call without its name");
    number(line, "port", &port);
    number(line, "localPort", &local_port);
    if (strcmp(call, "listen") == 0) error = tiny_tcp_listen((uint16_t)port);
    else if (strcmp(call, "connect") == 0) error = tiny_tcp_connect((uint16_t)port, (uint16_t)local_port);
    else if (strcmp(call, "write") == 0) {
        number(line, "bytes", &bytes);
        error = tiny_tcp_write((size_t)bytes, &moved);
        snprintf(fields, sizeof fields, ",\"bytes\":%zu", moved);
    } else if (strcmp(call, "read") == 0) {
        error = tiny_tcp_read(number(line, "bytes", &bytes) ? (size_t)bytes : (size_t)-1, &moved);
        snprintf(fields, sizeof fields, ",\"bytes\":%zu", moved);
    } else if (strcmp(call, "stop-reading") == 0) error = NULL; /* tiny_tcp never reads on its own */
    else if (strcmp(call, "shutdown") == 0) error = tiny_tcp_shutdown();
    else if (strcmp(call, "close") == 0) error = tiny_tcp_close();
    else if (strcmp(call, "abort") == 0) error = tiny_tcp_abort();
    else if (strcmp(call, "state") == 0) {
        error = NULL;
        snprintf(fields, sizeof fields, ",\"state\":\"%s\"", tiny_tcp_state());
    } else return bad_request(id, "a call this adapter does not know");
    result(id, error, fields);
}

/* Runs the stack's timers up to `to` (tiny_tcp has none) and answers with the time reached. */
static void on_advance(const char *line, long id) {
    double to;
    if (!number(line, "to", &to)) return bad_request(id, "an advance without \"to\"");
    if (to > now_ms) now_ms = to;
    char fields[64];
    snprintf(fields, sizeof fields, ",\"now\":%.3f", now_ms);
    result(id, NULL, fields);
}

int main(void) {
    tiny_tcp_init(ADDRESS_BITS, PEER_BITS, on_output, on_event);
    hello();
    char *line = NULL;
    size_t size = 0;
    while (getline(&line, &size, stdin) > 0) {
        char type[16];
        double id_value = 0;
        long id = number(line, "id", &id_value) && id_value >= 1 ? (long)id_value : 0;
        if (line[0] != '{' || !string(line, "type", type, sizeof type)) bad_request(id, "not a JSON object with a type");
        else if (strcmp(type, "packet") == 0) on_packet(line);
        else if (strcmp(type, "call") == 0 && id > 0) on_call(line, id);
        else if (strcmp(type, "advance") == 0 && id > 0) on_advance(line, id);
        else bad_request(id, "a message this adapter does not know");
    }
    free(line);
    return 0; /* stdin ended: the harness is done with this case */
}
