/*
 * A reader for flat JSON objects and a string writer: all the JSON the adapter protocol asks of us.
 * Nested values are refused rather than skipped, since no harness message has one: a nested value
 * means the harness and this adapter disagree about the protocol, which should surface at once.
 */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *skip_space(char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    return p;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/*
 * Unescapes the string starting after its opening quote, writing over the same storage (an escape is
 * never shorter than what it stands for, in UTF-8). Sets *end past the closing quote.
 */
static const char *parse_string(char *p, char **value, char **end) {
    char *out = p;
    *value = p;
    for (;;) {
        char c = *p++;
        if (c == '\0') return "unterminated string";
        if (c == '"') break;
        if ((unsigned char)c < 0x20) return "control character in a string";
        if (c != '\\') {
            *out++ = c;
            continue;
        }
        c = *p++;
        switch (c) {
        case '"': case '\\': case '/': *out++ = c; break;
        case 'b': *out++ = '\b'; break;
        case 'f': *out++ = '\f'; break;
        case 'n': *out++ = '\n'; break;
        case 'r': *out++ = '\r'; break;
        case 't': *out++ = '\t'; break;
        case 'u': {
            unsigned code = 0;
            for (int i = 0; i < 4; i++) {
                int d = hex_digit(*p++);
                if (d < 0) return "bad \\u escape";
                code = code * 16 + (unsigned)d;
            }
            /* Protocol strings are ASCII; anything else only ever shows up in an error message. */
            *out++ = code < 0x80 ? (char)code : '?';
            break;
        }
        default: return "bad escape in a string";
        }
    }
    *out = '\0';
    *end = p;
    return NULL;
}

const char *json_parse(char *line, struct json_object *out) {
    out->count = 0;
    char *p = skip_space(line);
    if (*p++ != '{') return "not a JSON object";
    p = skip_space(p);
    if (*p == '}') return *skip_space(p + 1) ? "text after the object" : NULL;
    for (;;) {
        if (out->count == JSON_MAX_FIELDS) return "too many fields";
        struct json_field *field = &out->fields[out->count++];
        memset(field, 0, sizeof *field);
        if (*p++ != '"') return "expected a field name";
        char *key;
        const char *problem = parse_string(p, &key, &p);
        if (problem) return problem;
        field->key = key;
        p = skip_space(p);
        if (*p++ != ':') return "expected ':'";
        p = skip_space(p);
        if (*p == '"') {
            char *value;
            problem = parse_string(p + 1, &value, &p);
            if (problem) return problem;
            field->type = JSON_STRING;
            field->string = value;
        } else if (strncmp(p, "true", 4) == 0) {
            field->type = JSON_BOOL, field->boolean = true, p += 4;
        } else if (strncmp(p, "false", 5) == 0) {
            field->type = JSON_BOOL, field->boolean = false, p += 5;
        } else if (strncmp(p, "null", 4) == 0) {
            field->type = JSON_NULL, p += 4;
        } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
            char *end;
            field->type = JSON_NUMBER;
            field->number = strtod(p, &end);
            if (end == p) return "bad number";
            p = end;
        } else {
            return "unsupported value (only strings, numbers, booleans and null)";
        }
        p = skip_space(p);
        if (*p == ',') {
            p = skip_space(p + 1);
            continue;
        }
        if (*p++ != '}') return "expected ',' or '}'";
        return *skip_space(p) ? "text after the object" : NULL;
    }
}

const struct json_field *json_get(const struct json_object *object, const char *key) {
    for (int i = 0; i < object->count; i++) {
        if (strcmp(object->fields[i].key, key) == 0) return &object->fields[i];
    }
    return NULL;
}

void json_write_string(const char *text) {
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\') {
            putchar('\\');
            putchar(*p);
        } else if (*p < 0x20 || *p >= 0x7f) {
            /* Non-ASCII bytes are escaped one by one so the line stays valid UTF-8 whatever we quote. */
            printf("\\u%04x", *p);
        } else {
            putchar(*p);
        }
    }
    putchar('"');
}
