#include "json.h"

#include <string.h>

struct cursor {
  const char *at;
  const char *end;
};

static void skip_space(struct cursor *c) {
  while (c->at < c->end && (*c->at == ' ' || *c->at == '\t' || *c->at == '\r' || *c->at == '\n')) c->at++;
}

static int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* Appends a code point below U+10000 as UTF-8; returns the octets written or 0 when it does not fit. */
static size_t put_utf8(unsigned code, char *out, size_t room) {
  if (code < 0x80 && room >= 1) {
    out[0] = (char)code;
    return 1;
  }
  if (code < 0x800 && room >= 2) {
    out[0] = (char)(0xC0 | (code >> 6));
    out[1] = (char)(0x80 | (code & 0x3F));
    return 2;
  }
  if (code >= 0x800 && room >= 3) {
    out[0] = (char)(0xE0 | (code >> 12));
    out[1] = (char)(0x80 | ((code >> 6) & 0x3F));
    out[2] = (char)(0x80 | (code & 0x3F));
    return 3;
  }
  return 0;
}

/* Reads a string at the cursor (which is on the opening quote) into `out`, NUL-terminated. */
static const char *parse_string(struct cursor *c, char *out, size_t size) {
  size_t used = 0;
  c->at++;
  while (c->at < c->end) {
    char ch = *c->at++;
    if (ch == '"') {
      out[used] = '\0';
      return NULL;
    }
    if ((unsigned char)ch < 0x20) return "control character in a string";
    if (ch == '\\') {
      if (c->at >= c->end) break;
      char escape = *c->at++;
      switch (escape) {
        case '"': case '\\': case '/': ch = escape; break;
        case 'b': ch = '\b'; break;
        case 'f': ch = '\f'; break;
        case 'n': ch = '\n'; break;
        case 'r': ch = '\r'; break;
        case 't': ch = '\t'; break;
        case 'u': {
          unsigned code = 0;
          for (int i = 0; i < 4; i++) {
            int digit = c->at < c->end ? hex_digit(*c->at++) : -1;
            if (digit < 0) return "bad \\u escape";
            code = code * 16 + (unsigned)digit;
          }
          /* NUL would cut the string short; lone surrogates are not text. */
          if (code == 0 || (code >= 0xD800 && code <= 0xDFFF)) return "unsupported \\u escape";
          size_t written = put_utf8(code, out + used, size - 1 - used);
          if (written == 0) return "string too long";
          used += written;
          continue;
        }
        default: return "bad escape in a string";
      }
    }
    if (used + 1 >= size) return "string too long";
    out[used++] = ch;
  }
  return "unterminated string";
}

static const char *parse_integer(struct cursor *c, long long *out) {
  int negative = 0;
  if (*c->at == '-') {
    negative = 1;
    c->at++;
  }
  int digits = 0;
  long long value = 0;
  while (c->at < c->end && *c->at >= '0' && *c->at <= '9') {
    if (++digits > 18) return "integer out of range";
    value = value * 10 + (*c->at++ - '0');
  }
  if (digits == 0) return "bad number";
  if (c->at < c->end && (*c->at == '.' || *c->at == 'e' || *c->at == 'E')) return "numbers must be integers";
  *out = negative ? -value : value;
  return NULL;
}

static const char *parse_field(struct cursor *c, struct json_field *field) {
  if (c->at >= c->end || *c->at != '"') return "expected a key";
  const char *problem = parse_string(c, field->key, sizeof field->key);
  if (problem != NULL) return problem;
  skip_space(c);
  if (c->at >= c->end || *c->at++ != ':') return "expected ':'";
  skip_space(c);
  if (c->at >= c->end) return "expected a value";
  if (*c->at == '"') {
    field->type = JSON_STRING;
    return parse_string(c, field->string, sizeof field->string);
  }
  if (*c->at == '-' || (*c->at >= '0' && *c->at <= '9')) {
    field->type = JSON_INTEGER;
    return parse_integer(c, &field->integer);
  }
  return "values must be strings or integers";
}

const char *json_parse_flat_object(const char *text, size_t length, struct json_object *out) {
  struct cursor c = {text, text + length};
  out->count = 0;
  skip_space(&c);
  if (c.at >= c.end || *c.at++ != '{') return "expected a JSON object";
  skip_space(&c);
  if (c.at < c.end && *c.at == '}') {
    c.at++;
  } else {
    for (;;) {
      if (out->count == JSON_MAX_FIELDS) return "too many fields";
      const char *problem = parse_field(&c, &out->fields[out->count++]);
      if (problem != NULL) return problem;
      skip_space(&c);
      if (c.at >= c.end) return "unterminated object";
      char separator = *c.at++;
      if (separator == '}') break;
      if (separator != ',') return "expected ',' or '}'";
      skip_space(&c);
    }
  }
  skip_space(&c);
  return c.at == c.end ? NULL : "text after the object";
}

const struct json_field *json_find(const struct json_object *object, const char *key) {
  for (int i = 0; i < object->count; i++) {
    if (strcmp(object->fields[i].key, key) == 0) return &object->fields[i];
  }
  return NULL;
}

void json_escape(const char *text, char *out, size_t size) {
  static const char hex[] = "0123456789abcdef";
  size_t used = 0;
  for (; *text != '\0'; text++) {
    unsigned char ch = (unsigned char)*text;
    char escaped[7];
    size_t length = 0;
    if (ch == '"' || ch == '\\') {
      escaped[length++] = '\\';
      escaped[length++] = (char)ch;
    } else if (ch < 0x20) {
      memcpy(escaped, "\\u00", 4);
      escaped[4] = hex[ch >> 4];
      escaped[5] = hex[ch & 0xF];
      length = 6;
    } else {
      escaped[length++] = (char)ch;
    }
    if (used + length >= size) break;
    memcpy(out + used, escaped, length);
    used += length;
  }
  out[used] = '\0';
}
