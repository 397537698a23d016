/*
 * tcpconform's adapter for libslirp: the adapter protocol (docs/adapter-protocol.md) on stdin and
 * stdout, one loop around poll(), and the clock.
 *
 * Usage: adapters/slirp/out/adapter [--virtual-clock]
 *
 * Real clock (the default): slirp's timers run on the monotonic clock and the loop sleeps in poll()
 * as long as slirp's timers allow (at most 499 ms, 2 ms while a delayed ACK is due).
 * Virtual clock: slirp's time moves only on `advance`, from one moment its timers have work to the
 * next (stack_next_due_ns), so they fire exactly when they would on a real clock polled every
 * millisecond. The application's loopback sockets are still real: after every harness message the
 * loop lets them settle at the same virtual instant.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "json.h"
#include "link.h"
#include "sandbox.h"
#include "stack.h"

#define LINE_MAX_OCTETS (256 * 1024)
#define NS_PER_MS 1000000LL

static bool virtual_clock;
static unsigned long long packets_out; /* packets sent to the harness so far, for untilOutput */

/* --- output ------------------------------------------------------------------------------------- */

static const char *errno_name(int err) {
    const char *name = strerrorname_np(err);
    return name ? name : "EIO";
}

static void print_time_field(void) {
    if (virtual_clock) printf(",\"time\":%.3f", (double)stack_time_ns() / NS_PER_MS);
}

static void emit_packet(const uint8_t *packet, size_t length) {
    fputs("{\"type\":\"packet\",\"hex\":\"", stdout);
    for (size_t i = 0; i < length; i++) printf("%02x", packet[i]);
    putchar('"');
    print_time_field();
    puts("}");
    packets_out++;
}

static void print_id(long long id) {
    if (id > 0) printf("%lld", id);
    else fputs("null", stdout);
}

static void result_error(long long id, const char *error) {
    fputs("{\"type\":\"result\",\"id\":", stdout);
    print_id(id);
    fputs(",\"ok\":false,\"error\":", stdout);
    json_write_string(error);
    puts("}");
}

static void bad_request(long long id, const char *why) {
    char text[512];
    snprintf(text, sizeof text, "bad request: %s", why);
    result_error(id, text);
}

static void result_ok(long long id, const char *extra) {
    printf("{\"type\":\"result\",\"id\":%lld,\"ok\":true%s}\n", id, extra ? extra : "");
}

/* Events carry the virtual time they happen at, as packets do. */
static void event(const char *name) {
    printf("{\"type\":\"event\",\"event\":\"%s\"", name);
    print_time_field();
    puts("}");
}

static void event_accepted(int remote_port) {
    printf("{\"type\":\"event\",\"event\":\"accepted\",\"remotePort\":%d", remote_port);
    print_time_field();
    puts("}");
}

static void event_connected(void) { event("connected"); }
static void event_eof(void) { event("eof"); }
static void event_closing(void) { event("closing"); }
static void event_urgent(void) { event("urgent"); }

static void event_error(int err) {
    printf("{\"type\":\"event\",\"event\":\"error\",\"error\":\"%s\"", errno_name(err));
    print_time_field();
    puts("}");
}

/* --- the loop ----------------------------------------------------------------------------------- */

/*
 * One loop turn: poll the application's and slirp's descriptors (and stdin when `stdin_ready` is
 * given) for at most `timeout_ms` (-1: no limit of our own), then let slirp and the application
 * handle what was reported. On the real clock slirp's timers shorten the wait. Returns whether any
 * descriptor other than stdin was ready.
 */
static bool turn(int timeout_ms, bool *stdin_ready) {
    struct pollset set = {.count = 0};
    int stdin_index = stdin_ready ? pollset_add(&set, STDIN_FILENO, POLLIN) : -1;
    app_fill(&set);
    uint32_t wanted = UINT32_MAX;
    stack_fill(&set, &wanted);
    if (!virtual_clock && (timeout_ms < 0 || wanted < (uint32_t)timeout_ms)) timeout_ms = (int)wanted;
    int ready = poll(set.fds, (nfds_t)set.count, timeout_ms);
    if (ready < 0) {
        for (int i = 0; i < set.count; i++) set.fds[i].revents = 0;
    }
    stack_poll(&set, ready < 0 && errno != EINTR);
    app_ready(&set);
    app_track();
    bool from_stdin = stdin_index >= 0 && set.fds[stdin_index].revents != 0;
    if (stdin_ready) *stdin_ready = from_stdin;
    return ready > (from_stdin ? 1 : 0);
}

/*
 * Lets the loopback side finish what a harness message started (slirp's connect() to a listener,
 * data crossing 127.0.0.1, a FIN or RST between the two sockets) before anything else happens.
 * Each turn also reports accepted and connected (app_track). Loopback traffic is delivered inside
 * the sending system call, normally; the last quiet turn waits 1 ms of real time for any that is
 * not, and up to 200 ms while a connect() on 127.0.0.1 is still under way.
 */
static void settle(bool wait_for_stragglers) {
    int timeout = 0;
    for (int i = 0, quiet = 0; i < 1000; i++) {
        if (turn(timeout, NULL)) {
            quiet = 0, timeout = 0;
            continue;
        }
        bool connecting = stack_connect_pending() || app_connect_pending();
        if (!wait_for_stragglers || (++quiet >= 2 && !connecting) || quiet >= 12) break;
        timeout = connecting ? 20 : 1;
    }
}

static void pump(void) {
    turn(0, NULL);
}

/* advance: runs slirp's timers up to `to_ms`, or to its first output with `until_output`. */
static void advance(long long id, double to_ms, bool until_output) {
    int64_t target = (int64_t)llround(to_ms * NS_PER_MS);
    unsigned long long before = packets_out;
    for (;;) {
        turn(0, NULL); /* slirp's timers run here, when due at the new time */
        settle(false);
        if (until_output && packets_out > before) break;
        int64_t now = stack_time_ns();
        if (now >= target) break;
        int64_t next = stack_next_due_ns();
        if (next <= now) next = now + NS_PER_MS;
        stack_set_time_ns(next < target ? next : target);
    }
    char extra[64];
    snprintf(extra, sizeof extra, ",\"now\":%.3f", (double)stack_time_ns() / NS_PER_MS);
    result_ok(id, extra);
}

/* --- requests ----------------------------------------------------------------------------------- */

/* Every field must be one of `allowed` (a NULL-terminated list); NULL, or the first stranger. */
static const char *unknown_field(const struct json_object *message, const char *const *allowed) {
    for (int i = 0; i < message->count; i++) {
        bool known = false;
        for (const char *const *a = allowed; *a && !known; a++) known = strcmp(*a, message->fields[i].key) == 0;
        if (!known) return message->fields[i].key;
    }
    return NULL;
}

/* An integer field within [min, max]; false when absent or not such a number. */
static bool integer_field(const struct json_object *message, const char *key, long long min, long long max, long long *value) {
    const struct json_field *f = json_get(message, key);
    if (!f || f->type != JSON_NUMBER || f->number != floor(f->number) || f->number < (double)min || f->number > (double)max) return false;
    *value = (long long)f->number;
    return true;
}

static void handle_packet(const struct json_object *message) {
    static const char *const allowed[] = {"type", "hex", "time", NULL};
    static uint8_t packet[65536];
    const struct json_field *hex = json_get(message, "hex");
    const char *stranger = unknown_field(message, allowed);
    size_t length = hex && hex->type == JSON_STRING ? strlen(hex->string) : 0;
    if (stranger || length == 0 || length % 2 || length / 2 > sizeof packet) {
        fprintf(stderr, "a packet message the adapter cannot use was dropped (%s)\n",
                stranger ? "unknown field" : "hex missing, odd or too long");
        return;
    }
    for (size_t i = 0; i < length / 2; i++) {
        unsigned octet;
        if (sscanf(hex->string + 2 * i, "%2x", &octet) != 1) {
            fprintf(stderr, "a packet with non-hex digits was dropped\n");
            return;
        }
        packet[i] = (uint8_t)octet;
    }
    const char *why;
    if (!stack_input(packet, length / 2, &why)) fprintf(stderr, "a packet was not given to slirp: %s\n", why);
}

static void answer(long long id, long long rc, const char *field) {
    if (rc < 0) {
        result_error(id, errno_name((int)-rc));
    } else if (field) {
        char extra[64];
        snprintf(extra, sizeof extra, ",\"%s\":%lld", field, rc);
        result_ok(id, extra);
    } else {
        result_ok(id, NULL);
    }
}

static void handle_call(long long id, const struct json_object *message) {
    const struct json_field *call = json_get(message, "call");
    if (!call || call->type != JSON_STRING) { bad_request(id, "call without a call name"); return; }
    const char *name = call->string;
    long long port, local_port = 0, bytes = -1;
/* True when the message has a field other than these (and type, id, call). */
#define FIELDS(...) unknown_field(message, (const char *const[]){"type", "id", "call", __VA_ARGS__, NULL})
    if (strcmp(name, "listen") == 0) {
        if (FIELDS("port")) { bad_request(id, "unknown field in listen"); return; }
        if (!integer_field(message, "port", 1, 65535, &port)) { bad_request(id, "listen needs a port"); return; }
        answer(id, app_listen((int)port), NULL);
        return;
    }
    if (strcmp(name, "connect") == 0) {
        const struct json_field *host = json_get(message, "host");
        if (FIELDS("host", "port", "localPort")) { bad_request(id, "unknown field in connect"); return; }
        if (!host || host->type != JSON_STRING || !integer_field(message, "port", 1, 65535, &port)) {
            bad_request(id, "connect needs a host and a port");
            return;
        }
        if (json_get(message, "localPort") && !integer_field(message, "localPort", 1, 65535, &local_port)) {
            bad_request(id, "localPort must be a port number");
            return;
        }
        answer(id, app_connect(host->string, (int)port, (int)local_port), NULL);
        return;
    }
    if (strcmp(name, "write") == 0 || strcmp(name, "write-urgent") == 0) {
        if (FIELDS("bytes")) { bad_request(id, "unknown field in write"); return; }
        if (!integer_field(message, "bytes", 0, 1LL << 40, &bytes)) { bad_request(id, "write needs bytes"); return; }
        answer(id, name[5] == '-' ? app_write_urgent(bytes) : app_write(bytes), "bytes");
        return;
    }
    if (strcmp(name, "read") == 0) {
        if (FIELDS("bytes")) { bad_request(id, "unknown field in read"); return; }
        if (json_get(message, "bytes") && !integer_field(message, "bytes", 0, 1LL << 40, &bytes)) {
            bad_request(id, "bytes must be a count of octets");
            return;
        }
        bool eof = false;
        long long rc = app_read(bytes, &eof);
        if (rc < 0 || !eof) {
            answer(id, rc, "bytes");
            return;
        }
        char extra[64];
        snprintf(extra, sizeof extra, ",\"bytes\":%lld,\"eof\":true", rc);
        result_ok(id, extra);
        return;
    }
    if (strcmp(name, "at-mark") == 0) {
        if (FIELDS("")) { bad_request(id, "at-mark takes no arguments"); return; }
        bool at_mark = false;
        int rc = app_at_mark(&at_mark);
        if (rc < 0) {
            answer(id, rc, NULL);
            return;
        }
        result_ok(id, at_mark ? ",\"atMark\":true" : ",\"atMark\":false");
        return;
    }
    if (strcmp(name, "state") == 0) {
        if (FIELDS("")) { bad_request(id, "state takes no arguments"); return; }
        char extra[64];
        snprintf(extra, sizeof extra, ",\"state\":\"%s\"", app_state());
        result_ok(id, extra);
        return;
    }
    static const struct {
        const char *name;
        int (*run)(void);
    } plain[] = {{"shutdown", app_shutdown}, {"close", app_close}, {"abort", app_abort}};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        if (strcmp(name, plain[i].name) != 0) continue;
        if (FIELDS("")) { bad_request(id, "this call takes no arguments"); return; }
        answer(id, plain[i].run(), NULL);
        return;
    }
    if (strcmp(name, "stop-reading") == 0) {
        /* The application reads only when asked, so it has already stopped. */
        if (FIELDS("")) { bad_request(id, "stop-reading takes no arguments"); return; }
        result_ok(id, NULL);
        return;
    }
    if (strcmp(name, "set-option") == 0) {
        /* Options on the host socket would shape only the loopback hop, never slirp's guest-facing TCP. */
        { result_error(id, "EOPNOTSUPP"); return; }
    }
#undef FIELDS
    bad_request(id, "unknown call");
}

static void handle_line(char *line) {
    struct json_object message;
    const char *problem = json_parse(line, &message);
    if (problem) { bad_request(0, problem); return; }
    const struct json_field *type = json_get(&message, "type");
    long long id = 0;
    bool has_id = integer_field(&message, "id", 1, 1LL << 53, &id);
    if (!type || type->type != JSON_STRING) { bad_request(id, "message without a type"); return; }
    if (strcmp(type->string, "packet") == 0) { handle_packet(&message); return; }
    if (!has_id) { bad_request(0, "request without a positive integer id"); return; }
    if (strcmp(type->string, "call") == 0) { handle_call(id, &message); return; }
    if (strcmp(type->string, "advance") == 0) {
        static const char *const allowed[] = {"type", "id", "to", "untilOutput", NULL};
        const struct json_field *to = json_get(&message, "to"), *until = json_get(&message, "untilOutput");
        if (!virtual_clock) { bad_request(id, "advance needs a virtual clock; this adapter runs on the real clock"); return; }
        if (unknown_field(&message, allowed) || !to || to->type != JSON_NUMBER || to->number < 0 || !until ||
            until->type != JSON_BOOL) {
            bad_request(id, "advance needs to (milliseconds) and untilOutput");
            return;
        }
        advance(id, to->number, until->boolean);
        return;
    }
    bad_request(id, "unknown message type");
}

/* --- start and end ------------------------------------------------------------------------------ */

static void hello(enum sandbox sandbox) {
    printf("{\"type\":\"hello\",\"protocol\":1,\"stack\":{\"name\":\"slirp\",\"version\":");
    json_write_string(slirp_version_string());
    printf("},\"address\":\"%s\",\"peer\":\"%s\",\"broadcast\":\"%s\",", LINK_STACK_ADDRESS, LINK_PEER_ADDRESS, LINK_BROADCAST);
    /* slirp's IPv6 side reaches the application on [::1]: without it, IPv6 cannot be carried. */
    bool ipv6 = app_ipv6_usable();
    if (ipv6) printf("\"address6\":\"%s\",\"peer6\":\"%s\",", LINK_STACK_ADDRESS6, LINK_PEER_ADDRESS6);
    printf("\"capabilities\":{");
    printf("\"calls\":[\"listen\",\"connect\",\"write\",\"write-urgent\",\"read\",\"stop-reading\",\"shutdown\",\"close\","
           "\"abort\",\"state\",\"at-mark\"],");
    printf("\"clock\":\"%s\",\"families\":[\"ipv4\"%s],\"notes\":[", virtual_clock ? "virtual" : "real",
           ipv6 ? ",\"ipv6\"" : "");
    const char *notes[] = {
        "The application side is real TCP sockets on 127.0.0.1 (and [::1] over IPv6), which slirp proxies "
        "to the guest-facing connections the harness sees: listen is a real listener slirp connects to "
        "when the peer's SYN arrives; connect is a slirp host forward plus a real connect() to it.",
        ipv6 ? "IPv6: slirp's router advertisements are not sent (its RA timer never fires) and its "
               "neighbour discovery is answered by the adapter, not shown."
             : "IPv4 only: [::1] cannot be bound here (no IPv6 on the loopback), and slirp's IPv6 side "
               "reaches the application only through it (socket.c sotranslate_out).",
        virtual_clock
            ? "Clock: virtual for slirp's TCP timers (clock_get_ns), stepped 1 ms at a time while slirp has "
              "TCP sockets. The loopback sockets of the application side are real but are let settle after "
              "every harness message, at the same virtual instant."
            : "Clock: real. slirp's TCP timers (2 ms fast timer for delayed ACKs, 499 ms slow timer for "
              "retransmission, persist, keepalive, FIN-WAIT-2 and 2MSL) run on the monotonic clock, as do "
              "the loopback sockets of the application side.",
        "accepted and connected are reported when slirp's tcpcb reaches ESTABLISHED; the host socket "
        "itself connects earlier, as slirp connects on the host before answering the peer.",
        "A RST from the peer closes slirp's host socket gracefully (tcp_subr.c tcp_close), so the "
        "application sees end of stream rather than ECONNRESET.",
        "abort closes the host socket with SO_LINGER 0; slirp's recv() then fails with ECONNRESET and "
        "tcp_drop sends the peer a RST (socket.c soread).",
        "state is the tcpcb's t_state as slirp_connection_info prints it.",
        "Urgent data crosses the loopback hop as socket urgent data: slirp sends the peer's to the host "
        "socket with MSG_OOB (socket.c sosendoob) and sets its urgent pointer from what the application "
        "sends with MSG_OOB (sorecvoob), so write-urgent, at-mark and the urgent event act on the host socket.",
        "No set-option: options on the host socket would shape the loopback hop, never slirp's "
        "guest-facing TCP (no Nagle switch, fixed buffers, no keep-alive or user-timeout setting).",
        sandbox == SANDBOX_PRIVATE
            ? "The adapter runs in a private network namespace: 127.0.0.1 is its own."
            : "The adapter could not make a private network namespace: its sockets share the host's "
              "127.0.0.1, so a port in use there (8080 by another case) makes listen fail with EADDRINUSE.",
    };
    for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++) {
        if (i) putchar(',');
        json_write_string(notes[i]);
    }
    puts("]}}");
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--virtual-clock") == 0) {
            virtual_clock = true;
        } else {
            fprintf(stderr, "usage: %s [--virtual-clock]\n", argv[0]);
            return 2;
        }
    }
    /* slirp writes to its host sockets with plain send() (slirp.c slirp_send): a peer the
     * application reset would raise SIGPIPE. Its hosts (QEMU) ignore it, and so does this one. */
    signal(SIGPIPE, SIG_IGN);
    enum sandbox sandbox = sandbox_private_loopback();
    if (sandbox == SANDBOX_BROKEN) {
        fprintf(stderr, "made a private network namespace but could not bring its loopback up\n");
        return 1;
    }
    if (sandbox == SANDBOX_REFUSED) fprintf(stderr, "no private network namespace; using the host's 127.0.0.1\n");
    static const struct app_hooks hooks = {event_accepted, event_connected, event_eof, event_closing, event_urgent, event_error, pump};
    app_init(&hooks);
    stack_init(virtual_clock, emit_packet);
    hello(sandbox);
    fflush(stdout);

    static char buffer[LINE_MAX_OCTETS + 2];
    size_t filled = 0;
    bool discarding = false; /* inside a line too long to keep */
    for (;;) {
        bool stdin_ready = false;
        turn(-1, &stdin_ready);
        if (stdin_ready) {
            ssize_t n = read(STDIN_FILENO, buffer + filled, sizeof buffer - 1 - filled);
            if (n == 0) break;
            if (n < 0 && errno != EINTR && errno != EAGAIN) break;
            filled += n > 0 ? (size_t)n : 0;
            char *start = buffer, *newline;
            while ((newline = memchr(start, '\n', filled - (size_t)(start - buffer))) != NULL) {
                *newline = '\0';
                if (!discarding && newline > start) {
                    handle_line(start);
                    /* Everything the line causes goes out before the next line is read (the
                     * protocol's barrier): slirp's host-side work included. */
                    settle(true);
                    fflush(stdout);
                }
                discarding = false;
                start = newline + 1;
            }
            filled -= (size_t)(start - buffer);
            memmove(buffer, start, filled);
            if (filled == sizeof buffer - 1) {
                bad_request(0, "line longer than 256 KiB");
                discarding = true;
                filled = 0;
            }
        }
        fflush(stdout);
    }
    stack_cleanup();
    return 0;
}
