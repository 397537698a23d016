#include "protocol.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "errno_name.h"
#include "json.h"
#include "options.h"
#include "range.h"
#include "sockets.h"

/* Bounds the octet counts of write and read: far above any case, far below overflow. */
#define MAX_OCTETS (1LL << 40)

static protocol_output output;

static void respond(long long id, long long result) {
  char line[128];
  if (result < 0) {
    snprintf(line, sizeof line, "{\"type\":\"result\",\"id\":%lld,\"ok\":false,\"error\":\"%s\"}", id,
             errno_name((int)-result));
  } else {
    snprintf(line, sizeof line, "{\"type\":\"result\",\"id\":%lld,\"ok\":true}", id);
  }
  output(line);
}

static void respond_bytes(long long id, long long result) {
  if (result < 0) {
    respond(id, result);
    return;
  }
  char line[128];
  snprintf(line, sizeof line, "{\"type\":\"result\",\"id\":%lld,\"ok\":true,\"bytes\":%lld}", id, result);
  output(line);
}

/* `id` is NULL when the request's id could not be read. */
static void bad_request(const long long *id, const char *why) {
  char escaped[256], id_text[32], line[384];
  json_escape(why, escaped, sizeof escaped);
  if (id != NULL) {
    snprintf(id_text, sizeof id_text, "%lld", *id);
  } else {
    strcpy(id_text, "null");
  }
  snprintf(line, sizeof line, "{\"type\":\"result\",\"id\":%s,\"ok\":false,\"error\":\"bad request: %s\"}", id_text,
           escaped);
  output(line);
}

static void on_accepted(int remote_port) {
  char line[64];
  snprintf(line, sizeof line, "{\"type\":\"event\",\"event\":\"accepted\",\"remotePort\":%d}", remote_port);
  output(line);
}

static void on_connected(void) { output("{\"type\":\"event\",\"event\":\"connected\"}"); }

static void on_eof(void) { output("{\"type\":\"event\",\"event\":\"eof\"}"); }

static void on_closing(void) { output("{\"type\":\"event\",\"event\":\"closing\"}"); }

static void on_urgent(void) { output("{\"type\":\"event\",\"event\":\"urgent\"}"); }

static void on_error(int err) {
  char line[96];
  snprintf(line, sizeof line, "{\"type\":\"event\",\"event\":\"error\",\"error\":\"%s\"}", errno_name(err));
  output(line);
}

static const struct socket_events events = {on_accepted, on_connected, on_eof, on_closing, on_urgent, on_error};

void protocol_init(protocol_output sink) {
  output = sink;
  sockets_init(&events);
}

/* Reads an integer argument in [min, max]; false (with `why` set) when it is missing and required or bad. */
static bool integer_arg(const struct json_object *request, const char *key, long long min, long long max,
                        bool required, long long *value, char *why, size_t why_size) {
  const struct json_field *field = json_find(request, key);
  if (field == NULL && !required) return true;
  if (field == NULL || field->type != JSON_INTEGER || field->integer < min || field->integer > max) {
    snprintf(why, why_size, "%s must be an integer from %lld to %lld", key, min, max);
    return false;
  }
  *value = field->integer;
  return true;
}

typedef void (*call_handler)(long long id, const struct json_object *request);

static void call_listen(long long id, const struct json_object *request) {
  char why[96];
  long long port = 0;
  if (!integer_arg(request, "port", 1, 65535, true, &port, why, sizeof why)) {
    bad_request(&id, why);
    return;
  }
  /* "family": "inet6" listens on an AF_INET6 socket, which takes IPv6 and IPv4 (as mapped addresses). */
  const struct json_field *family = json_find(request, "family");
  bool inet6 = family != NULL && family->type == JSON_STRING && strcmp(family->string, "inet6") == 0;
  if (family != NULL && !inet6 && !(family->type == JSON_STRING && strcmp(family->string, "inet") == 0)) {
    bad_request(&id, "family must be inet or inet6");
    return;
  }
  respond(id, sockets_listen(inet6 ? AF_INET6 : AF_INET, (int)port));
}

static void call_connect(long long id, const struct json_object *request) {
  char why[96];
  long long port = 0, local_port = 0;
  const struct json_field *host = json_find(request, "host");
  struct sockaddr_storage address = {0};
  struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
  if (host != NULL && host->type == JSON_STRING && inet_pton(AF_INET, host->string, &v4->sin_addr) == 1) {
    address.ss_family = AF_INET;
  } else if (host != NULL && host->type == JSON_STRING && inet_pton(AF_INET6, host->string, &v6->sin6_addr) == 1) {
    address.ss_family = AF_INET6;
  } else {
    bad_request(&id, "host must be an IPv4 address in dotted-quad form or an IPv6 address");
    return;
  }
  if (address.ss_family == AF_INET ? !in_benchmark_range(v4->sin_addr) : !in_benchmark_range6(&v6->sin6_addr)) {
    bad_request(&id, "host must lie in 198.18.0.0/15 or 2001:2::/48 (or be ::ffff: and an address of 198.18.0.0/15), the only ranges tcpconform speaks to");
    return;
  }
  if (!integer_arg(request, "port", 1, 65535, true, &port, why, sizeof why) ||
      !integer_arg(request, "localPort", 1, 65535, false, &local_port, why, sizeof why)) {
    bad_request(&id, why);
    return;
  }
  respond(id, sockets_connect(&address, (int)port, (int)local_port));
}

static void write_call(long long id, const struct json_object *request, long long (*write)(long long bytes)) {
  char why[96];
  long long bytes = 0;
  if (!integer_arg(request, "bytes", 0, MAX_OCTETS, true, &bytes, why, sizeof why)) {
    bad_request(&id, why);
    return;
  }
  respond_bytes(id, write(bytes));
}

static void call_write(long long id, const struct json_object *request) { write_call(id, request, sockets_write); }

static void call_write_urgent(long long id, const struct json_object *request) {
  write_call(id, request, sockets_write_urgent);
}

static void call_read(long long id, const struct json_object *request) {
  char why[96];
  long long bytes = -1;
  if (!integer_arg(request, "bytes", 0, MAX_OCTETS, false, &bytes, why, sizeof why)) {
    bad_request(&id, why);
    return;
  }
  bool eof = false;
  long long result = sockets_read(bytes, &eof);
  if (result < 0 || !eof) {
    respond_bytes(id, result);
    return;
  }
  char line[128];
  snprintf(line, sizeof line, "{\"type\":\"result\",\"id\":%lld,\"ok\":true,\"bytes\":%lld,\"eof\":true}", id, result);
  output(line);
}

static void call_at_mark(long long id, const struct json_object *request) {
  (void)request;
  bool at_mark = false;
  int rc = sockets_at_mark(&at_mark);
  if (rc < 0) {
    respond(id, rc);
    return;
  }
  char line[128];
  snprintf(line, sizeof line, "{\"type\":\"result\",\"id\":%lld,\"ok\":true,\"atMark\":%s}", id, at_mark ? "true" : "false");
  output(line);
}

static void call_set_option(long long id, const struct json_object *request) {
  char why[96];
  long long value = 0;
  const struct json_field *name = json_find(request, "name");
  if (name == NULL || name->type != JSON_STRING || !option_known(name->string)) {
    bad_request(&id, "name must be a socket option of the adapter protocol");
    return;
  }
  if (!integer_arg(request, "value", 0, 4294967295LL, true, &value, why, sizeof why)) {
    bad_request(&id, why);
    return;
  }
  respond(id, sockets_set_option(name->string, value));
}

/* The agent reads only on request, so unread data already stays in the kernel and the window closes. */
static void call_stop_reading(long long id, const struct json_object *request) {
  (void)request;
  respond(id, 0);
}

static void call_shutdown(long long id, const struct json_object *request) {
  (void)request;
  respond(id, sockets_shutdown());
}

static void call_close(long long id, const struct json_object *request) {
  (void)request;
  respond(id, sockets_close());
}

static void call_abort(long long id, const struct json_object *request) {
  (void)request;
  respond(id, sockets_abort());
}

static void call_state(long long id, const struct json_object *request) {
  (void)request;
  const char *state = NULL;
  int rc = sockets_state(&state);
  if (rc < 0) {
    respond(id, rc);
    return;
  }
  char line[128];
  snprintf(line, sizeof line, "{\"type\":\"result\",\"id\":%lld,\"ok\":true,\"state\":\"%s\"}", id, state);
  output(line);
}

static const struct {
  const char *name;
  call_handler handler;
} calls[] = {
    {"listen", call_listen},     {"connect", call_connect},           {"write", call_write},
    {"write-urgent", call_write_urgent}, {"read", call_read},     {"stop-reading", call_stop_reading},
    {"shutdown", call_shutdown}, {"close", call_close},               {"abort", call_abort},
    {"state", call_state},       {"at-mark", call_at_mark},           {"set-option", call_set_option},
};

void protocol_handle_line(const char *line, size_t length) {
  static struct json_object request;
  const char *problem = json_parse_flat_object(line, length, &request);
  if (problem != NULL) {
    bad_request(NULL, problem);
    return;
  }
  const struct json_field *id = json_find(&request, "id");
  if (id == NULL || id->type != JSON_INTEGER) {
    bad_request(NULL, "id must be an integer");
    return;
  }
  const struct json_field *type = json_find(&request, "type");
  if (type == NULL || type->type != JSON_STRING || strcmp(type->string, "call") != 0) {
    bad_request(&id->integer, "type must be \"call\": the agent takes application calls only");
    return;
  }
  const struct json_field *call = json_find(&request, "call");
  if (call == NULL || call->type != JSON_STRING) {
    bad_request(&id->integer, "call must be a string");
    return;
  }
  for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
    if (strcmp(calls[i].name, call->string) == 0) {
      calls[i].handler(id->integer, &request);
      return;
    }
  }
  char why[JSON_MAX_STRING + 32];
  snprintf(why, sizeof why, "unknown call %s", call->string);
  bad_request(&id->integer, why);
}

void protocol_reject_line(const char *why) { bad_request(NULL, why); }
