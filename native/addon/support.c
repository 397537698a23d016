#define _GNU_SOURCE
#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

napi_value addon_errno_error(napi_env env, const char *what, int err) {
  char message[ADDON_MAX_PATH + 512];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_value code, text, error;
  napi_create_string_utf8(env, uv_err_name(-err), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, code, text, &error);
  return error;
}

napi_value addon_throw_errno(napi_env env, const char *what, int err) {
  napi_throw(env, addon_errno_error(env, what, err));
  return NULL;
}

int addon_get_string(napi_env env, napi_value value, char *out, size_t size, const char *name) {
  size_t length = 0;
  char message[128];
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) {
    snprintf(message, sizeof message, "%s must be a string", name);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  if (length >= size) {
    snprintf(message, sizeof message, "%s must be shorter than %zu octets", name, size);
    napi_throw_range_error(env, NULL, message);
    return 0;
  }
  napi_get_value_string_utf8(env, value, out, size, &length);
  return 1;
}

int addon_get_bytes(napi_env env, napi_value value, const uint8_t **data, size_t *length, const char *name) {
  bool is_typed_array = false;
  napi_typedarray_type type;
  void *bytes = NULL;
  if (napi_is_typedarray(env, value, &is_typed_array) != napi_ok || !is_typed_array ||
      napi_get_typedarray_info(env, value, &type, length, &bytes, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    char message[128];
    snprintf(message, sizeof message, "%s must be a Uint8Array", name);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  *data = bytes;
  return 1;
}

int netns_enter(const char *path, char *what, size_t what_size) {
  int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0) {
    snprintf(what, what_size, "open /proc/thread-self/ns/net");
    return -errno;
  }
  int target = open(path, O_RDONLY | O_CLOEXEC);
  int err = errno;
  if (target >= 0) {
    int entered = setns(target, CLONE_NEWNET);
    err = errno;
    close(target);
    if (entered == 0) return home;
  }
  close(home);
  snprintf(what, what_size, "%s %s", target < 0 ? "open" : "setns", path);
  return -err;
}

void netns_go_home(int home) {
  if (setns(home, CLONE_NEWNET) < 0) {
    fprintf(stderr, "tcpconform: cannot return a thread to its own network namespace: %s\n", strerror(errno));
    abort();
  }
  close(home);
}
