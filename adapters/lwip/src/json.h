/*
 * Just enough JSON for the adapter protocol's requests: one flat object whose values are strings,
 * numbers, booleans or null. Parsed in place — strings are unescaped and terminated inside the line —
 * so a 256 KiB packet line costs no copy and no allocation.
 */
#ifndef LWIP_ADAPTER_JSON_H
#define LWIP_ADAPTER_JSON_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_MAX_FIELDS 16

enum json_kind { JSON_STRING, JSON_NUMBER, JSON_BOOL, JSON_NULL };

struct json_field {
  const char *key;
  enum json_kind kind;
  const char *string; /* JSON_STRING: terminated, UTF-8 */
  size_t length;      /* JSON_STRING: octets, without the terminator */
  double number;      /* JSON_NUMBER */
  bool boolean;       /* JSON_BOOL */
};

struct json_object {
  int count;
  struct json_field fields[JSON_MAX_FIELDS];
};

/* Parses the object in text[0..length) (text must have room for length + 1 octets). NULL on success,
 * else what is wrong, as a phrase for a "bad request" answer. */
const char *json_parse(char *text, size_t length, struct json_object *out);

/* The field named `key`, or NULL. */
const struct json_field *json_get(const struct json_object *object, const char *key);

/* True when `field` is a number with no fraction in [min, max]; stores it in *value. */
bool json_integer(const struct json_field *field, long long min, long long max, long long *value);

/* Writes `text` escaped for the inside of a JSON string, cut to fit `size` (terminator included). */
void json_escape(const char *text, char *out, size_t size);

#endif
