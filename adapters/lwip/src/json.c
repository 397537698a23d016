#include "json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cursor {
  char *text;
  size_t at, length;
};

static void skip_space(struct cursor *c) {
  while (c->at < c->length && strchr(" \t\r\n", c->text[c->at]) != NULL && c->text[c->at] != '\0') c->at++;
}

static int hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* Writes code point `cp` as UTF-8 at *out. Lone surrogates are written as they are: only ASCII matters here. */
static char *put_utf8(char *out, unsigned cp) {
  if (cp < 0x80) {
    *out++ = (char)cp;
  } else if (cp < 0x800) {
    *out++ = (char)(0xc0 | (cp >> 6));
    *out++ = (char)(0x80 | (cp & 0x3f));
  } else {
    *out++ = (char)(0xe0 | (cp >> 12));
    *out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
    *out++ = (char)(0x80 | (cp & 0x3f));
  }
  return out;
}

/* Reads a string at the cursor (on its opening quote), unescaping it in place. */
static const char *read_string(struct cursor *c, const char **start, size_t *length) {
  c->at++; /* the opening quote */
  char *out = c->text + c->at;
  *start = out;
  while (c->at < c->length) {
    char ch = c->text[c->at++];
    if (ch == '"') {
      *length = (size_t)(out - *start);
      *out = '\0'; /* never past the closing quote, which has been read */
      return NULL;
    }
    if ((unsigned char)ch < 0x20) return "control characters must be escaped in strings";
    if (ch != '\\') {
      *out++ = ch;
      continue;
    }
    if (c->at >= c->length) break;
    char escape = c->text[c->at++];
    const char *simple = strchr("\"\\/bfnrt", escape);
    if (escape != '\0' && simple != NULL) {
      *out++ = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
    } else if (escape == 'u' && c->at + 4 <= c->length) {
      unsigned cp = 0;
      for (int i = 0; i < 4; i++) {
        int digit = hex_value(c->text[c->at++]);
        if (digit < 0) return "a \\u escape needs four hex digits";
        cp = cp * 16 + (unsigned)digit;
      }
      out = put_utf8(out, cp);
    } else {
      return "unknown escape in a string";
    }
  }
  return "a string is not terminated";
}

static const char *read_value(struct cursor *c, struct json_field *field) {
  char ch = c->text[c->at];
  if (ch == '"') {
    field->kind = JSON_STRING;
    return read_string(c, &field->string, &field->length);
  }
  if (ch == '{' || ch == '[') return "values must be strings, numbers, booleans or null";
  static const struct {
    const char *word;
    enum json_kind kind;
    bool value;
  } words[] = {{"true", JSON_BOOL, true}, {"false", JSON_BOOL, false}, {"null", JSON_NULL, false}};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
    size_t n = strlen(words[i].word);
    if (c->length - c->at >= n && memcmp(c->text + c->at, words[i].word, n) == 0) {
      c->at += n;
      field->kind = words[i].kind;
      field->boolean = words[i].value;
      return NULL;
    }
  }
  if (ch != '-' && (ch < '0' || ch > '9')) return "expected a value";
  char *end = NULL;
  /* strtod stops at the ',' or '}' after the number; the line is terminated, so it cannot run off. */
  field->number = strtod(c->text + c->at, &end);
  if (end == c->text + c->at || !isfinite(field->number)) return "a number does not parse";
  c->at = (size_t)(end - c->text);
  field->kind = JSON_NUMBER;
  return NULL;
}

const char *json_parse(char *text, size_t length, struct json_object *out) {
  text[length] = '\0';
  struct cursor c = {text, 0, length};
  out->count = 0;
  skip_space(&c);
  if (c.at >= length || text[c.at] != '{') return "expected a JSON object";
  c.at++;
  skip_space(&c);
  if (c.at < length && text[c.at] == '}') {
    c.at++;
  } else {
    for (;;) {
      if (out->count == JSON_MAX_FIELDS) return "too many fields";
      struct json_field *field = &out->fields[out->count++];
      skip_space(&c);
      if (c.at >= length || text[c.at] != '"') return "expected a field name";
      size_t key_length;
      const char *problem = read_string(&c, &field->key, &key_length);
      if (problem != NULL) return problem;
      skip_space(&c);
      if (c.at >= length || text[c.at] != ':') return "expected ':' after a field name";
      c.at++;
      skip_space(&c);
      if (c.at >= length) return "expected a value";
      problem = read_value(&c, field);
      if (problem != NULL) return problem;
      skip_space(&c);
      if (c.at < length && text[c.at] == ',') {
        c.at++;
        continue;
      }
      if (c.at < length && text[c.at] == '}') {
        c.at++;
        break;
      }
      return "expected ',' or '}'";
    }
  }
  skip_space(&c);
  return c.at == length ? NULL : "text after the object";
}

const struct json_field *json_get(const struct json_object *object, const char *key) {
  for (int i = 0; i < object->count; i++) {
    if (strcmp(object->fields[i].key, key) == 0) return &object->fields[i];
  }
  return NULL;
}

bool json_integer(const struct json_field *field, long long min, long long max, long long *value) {
  if (field == NULL || field->kind != JSON_NUMBER || floor(field->number) != field->number) return false;
  if (field->number < (double)min || field->number > (double)max) return false;
  *value = (long long)field->number;
  return true;
}

void json_escape(const char *text, char *out, size_t size) {
  size_t used = 0;
  for (; *text != '\0'; text++) {
    char piece[8];
    unsigned char ch = (unsigned char)*text;
    if (ch == '"' || ch == '\\') {
      snprintf(piece, sizeof piece, "\\%c", ch);
    } else if (ch < 0x20) {
      snprintf(piece, sizeof piece, "\\u%04x", ch);
    } else {
      piece[0] = (char)ch;
      piece[1] = '\0';
    }
    size_t n = strlen(piece);
    if (used + n + 1 > size) break;
    memcpy(out + used, piece, n);
    used += n;
  }
  out[used] = '\0';
}
