/*
 * JSON lines, as far as the adapter protocol needs them (docs/adapter-protocol.md).
 *
 * Every message the harness sends is one flat object whose values are strings, numbers, booleans or
 * null, so the reader handles exactly that and refuses anything else. The writers print one message
 * per call; main.c flushes stdout once per loop turn.
 */
#ifndef SLIRP_ADAPTER_JSON_H
#define SLIRP_ADAPTER_JSON_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_MAX_FIELDS 16

enum json_type { JSON_STRING, JSON_NUMBER, JSON_BOOL, JSON_NULL };

struct json_field {
    const char *key;
    enum json_type type;
    const char *string; /* JSON_STRING: unescaped, NUL-terminated, inside the parsed line */
    double number;      /* JSON_NUMBER */
    bool boolean;       /* JSON_BOOL */
};

struct json_object {
    int count;
    struct json_field fields[JSON_MAX_FIELDS];
};

/*
 * Parses one line in place (strings are unescaped into the line's own storage). Returns NULL on
 * success, else a short reason for a "bad request: …" answer.
 */
const char *json_parse(char *line, struct json_object *out);

/* The field called `key`, or NULL. */
const struct json_field *json_get(const struct json_object *object, const char *key);

/* Writes `text` as a JSON string literal (quotes included) on stdout. */
void json_write_string(const char *text);

#endif
