/*
 * tcpconform's lwIP adapter: lwIP 2.1 (Debian's liblwip) behind the adapter protocol
 * (docs/adapter-protocol.md) on stdin and stdout.
 *
 * This file is the transport and the dispatch: lines in, requests checked, answers out. stack.c runs
 * lwIP and its virtual clock; app.c makes the application calls. Everything happens on this one
 * thread, one input line at a time, and everything a line causes is written before the next is read.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "json.h"
#include "out.h"
#include "stack.h"

/* The protocol's bound on a line (docs/adapter-protocol.md, "Framing"). */
#define MAX_LINE (256 * 1024)
#define MAX_OCTETS (1LL << 40)

/* The fields each message may carry; anything else is a bad request, as the protocol's schema says. */
static bool only_fields(const struct json_object *message, const char *const *allowed, long long id) {
  for (int i = 0; i < message->count; i++) {
    bool known = false;
    for (const char *const *name = allowed; *name != NULL; name++) known = known || strcmp(*name, message->fields[i].key) == 0;
    if (!known) {
      char why[128];
      snprintf(why, sizeof why, "unknown field %.64s", message->fields[i].key);
      out_bad_request(id, why);
      return false;
    }
  }
  return true;
}

/* Reads an integer argument in [min, max]; answers a bad request when it is missing (and required) or bad. */
static bool integer_arg(const struct json_object *message, const char *key, long long min, long long max, bool required,
                        long long *value, long long id) {
  const struct json_field *field = json_get(message, key);
  if (field == NULL && !required) return true;
  if (!json_integer(field, min, max, value)) {
    char why[128];
    snprintf(why, sizeof why, "%s must be an integer from %lld to %lld", key, min, max);
    out_bad_request(id, why);
    return false;
  }
  return true;
}

/* What run_call returns when it has answered a bad request itself. */
#define ANSWERED LLONG_MIN

/*
 * Checks a call's arguments and makes it. Returns its result — 0 or an octet count, or < 0 with *error
 * set — or ANSWERED when the request was bad and has been answered. `bytes` says the result carries a
 * count, `eof` that a read reached the peer's FIN. (The call runs before *error is read: C leaves the
 * order of arguments unspecified.)
 */
static long long run_call(const char *name, const struct json_object *message, long long id, const char **error, bool *bytes, bool *eof) {
  static const char *const bare[] = {"type", "id", "call", NULL};
  long long a = -1, b = 0;
  if (strcmp(name, "listen") == 0) {
    static const char *const fields[] = {"type", "id", "call", "port", NULL};
    if (!only_fields(message, fields, id) || !integer_arg(message, "port", 1, 65535, true, &a, id)) return ANSWERED;
    return app_listen((int)a, error);
  }
  if (strcmp(name, "connect") == 0) {
    static const char *const fields[] = {"type", "id", "call", "host", "port", "localPort", NULL};
    const struct json_field *host = json_get(message, "host");
    if (!only_fields(message, fields, id)) return ANSWERED;
    if (host == NULL || host->kind != JSON_STRING) {
      out_bad_request(id, "host must be an IPv4 or IPv6 address");
      return ANSWERED;
    }
    if (!integer_arg(message, "port", 1, 65535, true, &a, id) || !integer_arg(message, "localPort", 1, 65535, false, &b, id)) return ANSWERED;
    return app_connect(host->string, (int)a, (int)b, error);
  }
  if (strcmp(name, "write") == 0 || strcmp(name, "read") == 0) {
    static const char *const fields[] = {"type", "id", "call", "bytes", NULL};
    bool writing = name[0] == 'w';
    if (!only_fields(message, fields, id) || !integer_arg(message, "bytes", 0, MAX_OCTETS, writing, &a, id)) return ANSWERED;
    *bytes = true;
    return writing ? app_write(a, error) : app_read(a, eof, error);
  }
  if (strcmp(name, "set-option") == 0) {
    static const char *const fields[] = {"type", "id", "call", "name", "value", NULL};
    const struct json_field *option = json_get(message, "name");
    if (!only_fields(message, fields, id)) return ANSWERED;
    if (option == NULL || option->kind != JSON_STRING) {
      out_bad_request(id, "name must be a string");
      return ANSWERED;
    }
    if (!integer_arg(message, "value", 0, 0xffffffffLL, true, &a, id)) return ANSWERED;
    return app_set_option(option->string, a, error);
  }
  static const struct {
    const char *name;
    int (*call)(const char **error);
  } no_arguments[] = {{"shutdown", app_shutdown}, {"close", app_close}, {"abort", app_abort}};
  for (size_t i = 0; i < sizeof no_arguments / sizeof no_arguments[0]; i++) {
    if (strcmp(name, no_arguments[i].name) == 0) return only_fields(message, bare, id) ? no_arguments[i].call(error) : ANSWERED;
  }
  if (strcmp(name, "stop-reading") == 0) {
    /* Nothing to do: app.c hands data to the application (and tells lwIP) only on read. */
    return only_fields(message, bare, id) ? 0 : ANSWERED;
  }
  char why[128];
  snprintf(why, sizeof why, "unknown call %.64s", name);
  out_bad_request(id, why);
  return ANSWERED;
}

static void handle_call(const struct json_object *message, long long id) {
  static const char *const bare[] = {"type", "id", "call", NULL};
  const struct json_field *call = json_get(message, "call");
  if (call == NULL || call->kind != JSON_STRING) {
    out_bad_request(id, "call must be a string");
  } else if (strcmp(call->string, "state") == 0) {
    if (only_fields(message, bare, id)) out_ok_state(id, app_state());
  } else {
    const char *error = "EIO";
    bool bytes = false, eof = false;
    long long rc = run_call(call->string, message, id, &error, &bytes, &eof);
    if (rc == ANSWERED) return;
    if (rc < 0) {
      out_error(id, error);
    } else if (bytes) {
      out_ok_read(id, rc, eof);
    } else {
      out_ok(id);
    }
  }
}

static void handle_advance(const struct json_object *message, long long id) {
  static const char *const fields[] = {"type", "id", "to", "untilOutput", NULL};
  if (!only_fields(message, fields, id)) return;
  const struct json_field *to = json_get(message, "to");
  const struct json_field *until_output = json_get(message, "untilOutput");
  if (to == NULL || to->kind != JSON_NUMBER || to->number < 0) {
    out_bad_request(id, "to must be a number of milliseconds, at least 0");
    return;
  }
  if (until_output == NULL || until_output->kind != JSON_BOOL) {
    out_bad_request(id, "untilOutput must be true or false");
    return;
  }
  out_ok_now(id, stack_advance(to->number, until_output->boolean));
}

static int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  return -1;
}

static void handle_packet(const struct json_object *message) {
  static const char *const fields[] = {"type", "hex", NULL};
  static uint8_t packet[MAX_LINE / 2];
  if (!only_fields(message, fields, -1)) return;
  const struct json_field *hex = json_get(message, "hex");
  if (hex == NULL || hex->kind != JSON_STRING || hex->length % 2 != 0 || hex->length / 2 > sizeof packet) {
    out_bad_request(-1, "hex must be an even number of lower-case hex digits");
    return;
  }
  for (size_t i = 0; i < hex->length / 2; i++) {
    int high = hex_digit(hex->string[2 * i]), low = hex_digit(hex->string[2 * i + 1]);
    if (high < 0 || low < 0) {
      out_bad_request(-1, "hex must be an even number of lower-case hex digits");
      return;
    }
    packet[i] = (uint8_t)(high << 4 | low);
  }
  const char *why = NULL;
  if (!stack_input(packet, hex->length / 2, &why)) {
    /* Said on stderr, where the harness keeps it: a packet gets no answer in the protocol. */
    fprintf(stderr, "lwip adapter: packet dropped: %s\n", why);
  }
}

static void handle_line(char *line, size_t length) {
  static struct json_object message;
  const char *problem = json_parse(line, length, &message);
  if (problem != NULL) {
    out_bad_request(-1, problem);
    return;
  }
  const struct json_field *type = json_get(&message, "type");
  if (type == NULL || type->kind != JSON_STRING) {
    out_bad_request(-1, "type must be a string");
    return;
  }
  if (strcmp(type->string, "packet") == 0) {
    handle_packet(&message);
    return;
  }
  long long id = 0;
  if (!json_integer(json_get(&message, "id"), 1, 1LL << 53, &id)) {
    out_bad_request(-1, "id must be a positive integer");
    return;
  }
  if (strcmp(type->string, "call") == 0) {
    handle_call(&message, id);
  } else if (strcmp(type->string, "advance") == 0) {
    handle_advance(&message, id);
  } else {
    char why[128];
    snprintf(why, sizeof why, "unknown message type %.64s", type->string);
    out_bad_request(id, why);
  }
}

/* Splits stdin into lines; a line longer than MAX_LINE is refused once and skipped. */
struct line_reader {
  char *buffer; /* MAX_LINE + 1: room for the parser's terminator */
  size_t used;
  bool skipping;
};

static void take_input(struct line_reader *reader, const char *data, size_t length) {
  for (size_t i = 0; i < length; i++) {
    if (data[i] == '\n') {
      if (!reader->skipping) handle_line(reader->buffer, reader->used);
      reader->used = 0;
      reader->skipping = false;
    } else if (reader->skipping) {
      continue;
    } else if (reader->used == MAX_LINE) {
      out_bad_request(-1, "line too long");
      reader->skipping = true;
    } else {
      reader->buffer[reader->used++] = data[i];
    }
  }
}

int main(void) {
  static char chunk[65536];
  struct line_reader reader = {malloc(MAX_LINE + 1), 0, false};
  if (reader.buffer == NULL) {
    fputs("lwip adapter: out of memory\n", stderr);
    return 1;
  }
  out_init();
  app_init();
  stack_init();
  out_hello();
  out_flush();
  for (;;) {
    ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* stdin closed: the harness is done with this case */
    take_input(&reader, chunk, (size_t)n);
    out_flush();
  }
  if (reader.used > 0 && !reader.skipping) handle_line(reader.buffer, reader.used);
  out_flush();
  return 0;
}
