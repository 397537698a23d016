/*
 * Just enough JSON for the agent's requests: one flat object whose values are strings or integers.
 * Nothing is allocated; sizes are bounded so that a hostile line cannot grow the agent.
 */
#ifndef TCPCONFORM_JSON_H
#define TCPCONFORM_JSON_H

#include <stddef.h>

#define JSON_MAX_FIELDS 16
#define JSON_MAX_KEY 32
#define JSON_MAX_STRING 256

enum json_type { JSON_STRING, JSON_INTEGER };

struct json_field {
  char key[JSON_MAX_KEY];
  enum json_type type;
  char string[JSON_MAX_STRING]; /* for JSON_STRING, UTF-8 */
  long long integer;            /* for JSON_INTEGER */
};

struct json_object {
  int count;
  struct json_field fields[JSON_MAX_FIELDS];
};

/* Parses `text`; returns NULL on success or a short description of the first problem. */
const char *json_parse_flat_object(const char *text, size_t length, struct json_object *out);

/* The first field named `key`, or NULL. */
const struct json_field *json_find(const struct json_object *object, const char *key);

/* Writes `text` escaped for use inside a JSON string (quotes not included), truncated to fit `size`. */
void json_escape(const char *text, char *out, size_t size);

#endif
