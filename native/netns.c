/*
 * Sockets made inside a network namespace, for the raw target (src/targets/raw).
 *
 * A socket belongs for life to the network namespace of the thread that created it, so a thread that
 * enters the harness's namespace, creates a socket and comes back leaves Node holding a socket in that
 * namespace while the process itself stays where it was. The raw-socket package creates its socket on the
 * calling thread, in its constructor: runIn() wraps such a call. A TCP connection has no synchronous
 * creation in Node, so connectIn() makes it on a threadpool thread that enters the namespace itself.
 *
 * JavaScript API:
 *   runIn(netnsPath, fn) -> fn's result     fn runs with the main thread inside the namespace; the thread
 *                                           comes home afterwards whatever fn did (an exception goes on)
 *   connectIn(netnsPath, host, port, timeoutMs) -> Promise<fd>
 *                                           a TCP connection to host:port (IPv4) made from the namespace,
 *                                           for new net.Socket({ fd }); rejects with the errno's name as code
 *   disableOffloads(netnsPath, ifname)      turns off transmit checksumming, TSO and GSO on the device, so
 *                                           that what it sends is complete, wire-sized packets (ethtool's
 *                                           tx off tso off gso off)
 *   openCapture(netnsPath, ifname) -> capture
 *                                           the kernel's stamps of what arrives on the device (capture.c)
 *   wireTime(capture, packet) -> bigint     when `packet` arrived on the device (CLOCK_MONOTONIC ns), 0n
 *                                           when no capture matches it; an IPv4 header with options gets
 *                                           the wire's octets back in `packet` (capture.h)
 *   wireHeaders6(capture, payload) -> { timeNs, headers } | undefined
 *                                           for what an IPv6 raw socket read (its transport header on): when
 *                                           its packet arrived, and the IPv6 headers the wire carried before
 *                                           it, which the socket does not give; undefined when no capture
 *                                           matches it (capture.h)
 *   closeCapture(capture)                   idempotent
 */
#define _GNU_SOURCE
#include <uv.h>

#include "addon/support.h"
#include "capture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHECK(env, call)                                                     \
  do {                                                                       \
    if ((call) != napi_ok) {                                                 \
      napi_throw_error((env), NULL, "tcpconform netns: N-API call failed: " #call); \
      return NULL;                                                           \
    }                                                                        \
  } while (0)

static napi_value run_in(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], global, result = NULL;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char path[ADDON_MAX_PATH], what[ADDON_MAX_PATH + 32];
  napi_valuetype type = napi_undefined;
  if (argc < 2 || !addon_get_string(env, argv[0], path, sizeof path, "netnsPath")) return NULL;
  if (napi_typeof(env, argv[1], &type) != napi_ok || type != napi_function) {
    napi_throw_type_error(env, NULL, "fn must be a function");
    return NULL;
  }
  int home = netns_enter(path, what, sizeof what);
  if (home < 0) {
    napi_throw(env, addon_errno_error(env, what, -home));
    return NULL;
  }
  napi_get_global(env, &global);
  /* An exception fn throws stays pending and propagates once this returns; the thread goes home first. */
  napi_call_function(env, global, argv[1], 0, NULL, &result);
  netns_go_home(home);
  return result;
}

typedef struct {
  char path[ADDON_MAX_PATH];
  struct sockaddr_in address;
  int timeout_ms;
  int fd;          /* the result, or -errno */
  char what[ADDON_MAX_PATH + 64];
  napi_deferred deferred;
  napi_async_work work;
} connect_t;

/* A blocking connect bounded by timeout_ms; the socket is made while the thread is in the namespace. */
static int connect_from_here(connect_t *c) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(c->what, sizeof c->what, "socket");
    return -errno;
  }
  char host[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &c->address.sin_addr, host, sizeof host);
  snprintf(c->what, sizeof c->what, "connect %s:%d from %s", host, ntohs(c->address.sin_port), c->path);
  int err = 0;
  if (connect(fd, (struct sockaddr *)&c->address, sizeof c->address) < 0) {
    err = errno;
    if (err == EINPROGRESS) {
      struct pollfd wait = {.fd = fd, .events = POLLOUT};
      int ready;
      do {
        ready = poll(&wait, 1, c->timeout_ms);
      } while (ready < 0 && errno == EINTR);
      socklen_t length = sizeof err;
      if (ready == 0) {
        err = ETIMEDOUT;
      } else if (ready < 0) {
        err = errno;
      } else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &length) < 0) {
        err = errno;
      }
    }
  }
  if (err != 0) {
    close(fd);
    return -err;
  }
  return fd;
}

static void connect_execute(napi_env env, void *data) {
  (void)env;
  connect_t *c = data;
  int home = netns_enter(c->path, c->what, sizeof c->what);
  if (home < 0) {
    c->fd = home;
    return;
  }
  c->fd = connect_from_here(c);
  netns_go_home(home);
}

static void connect_complete(napi_env env, napi_status status, void *data) {
  connect_t *c = data;
  if (status != napi_ok) {
    c->fd = -ECANCELED;
    snprintf(c->what, sizeof c->what, "connectIn");
  }
  if (c->fd >= 0) {
    napi_value fd;
    napi_create_int32(env, c->fd, &fd);
    napi_resolve_deferred(env, c->deferred, fd);
  } else {
    napi_reject_deferred(env, c->deferred, addon_errno_error(env, c->what, -c->fd));
  }
  napi_delete_async_work(env, c->work);
  free(c);
}

static napi_value connect_in(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  connect_t *c = calloc(1, sizeof *c);
  if (c == NULL) {
    napi_throw(env, addon_errno_error(env, "connectIn", ENOMEM));
    return NULL;
  }
  char host[64];
  int32_t port = 0, timeout_ms = 0;
  if (argc < 4 || !addon_get_string(env, argv[0], c->path, sizeof c->path, "netnsPath") ||
      !addon_get_string(env, argv[1], host, sizeof host, "host")) {
    free(c);
    return NULL;
  }
  if (inet_pton(AF_INET, host, &c->address.sin_addr) != 1 || napi_get_value_int32(env, argv[2], &port) != napi_ok ||
      port < 1 || port > 65535 || napi_get_value_int32(env, argv[3], &timeout_ms) != napi_ok || timeout_ms < 0) {
    free(c);
    napi_throw_type_error(env, NULL, "expected an IPv4 address, a port from 1 to 65535 and a timeout in ms");
    return NULL;
  }
  c->address.sin_family = AF_INET;
  c->address.sin_port = htons((uint16_t)port);
  c->timeout_ms = timeout_ms;
  napi_value promise, name;
  CHECK(env, napi_create_promise(env, &c->deferred, &promise));
  CHECK(env, napi_create_string_utf8(env, "tcpconform:connectIn", NAPI_AUTO_LENGTH, &name));
  CHECK(env, napi_create_async_work(env, NULL, name, connect_execute, connect_complete, c, &c->work));
  CHECK(env, napi_queue_async_work(env, c->work));
  return promise;
}

/* The device's transmit offloads off, through the legacy ethtool ioctls, on a socket of its namespace. */
static int offloads_off(const char *ifname, char *what, size_t what_size) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(what, what_size, "socket");
    return -errno;
  }
  static const struct {
    unsigned int command;
    const char *name;
  } settings[] = {{ETHTOOL_STXCSUM, "tx-checksumming"}, {ETHTOOL_STSO, "tso"}, {ETHTOOL_SGSO, "gso"}};
  for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
    struct ethtool_value value = {.cmd = settings[i].command, .data = 0};
    struct ifreq request;
    memset(&request, 0, sizeof request);
    memcpy(request.ifr_name, ifname, strlen(ifname)); /* fits: checked against IFNAMSIZ */
    request.ifr_data = (char *)&value;
    if (ioctl(fd, SIOCETHTOOL, &request) < 0) {
      int err = errno;
      close(fd);
      snprintf(what, what_size, "turn %s off on %s", settings[i].name, ifname);
      return -err;
    }
  }
  close(fd);
  return 0;
}

static napi_value disable_offloads(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char path[ADDON_MAX_PATH], ifname[IFNAMSIZ], what[ADDON_MAX_PATH + 64];
  if (argc < 2 || !addon_get_string(env, argv[0], path, sizeof path, "netnsPath") ||
      !addon_get_string(env, argv[1], ifname, sizeof ifname, "ifname")) {
    return NULL;
  }
  int home = netns_enter(path, what, sizeof what);
  if (home < 0) {
    napi_throw(env, addon_errno_error(env, what, -home));
    return NULL;
  }
  int rc = offloads_off(ifname, what, sizeof what);
  netns_go_home(home);
  if (rc < 0) napi_throw(env, addon_errno_error(env, what, -rc));
  return NULL;
}

/* A capture of arriving packets, owned by its JavaScript handle. */
static const napi_type_tag CAPTURE_TAG = {0x746370636f6e666fULL, 0x726d434150000001ULL};

static void finalize_capture(napi_env env, void *data, void *hint) {
  (void)env, (void)hint;
  capture_ring_t *ring = data;
  if (ring->fd >= 0) close(ring->fd);
  free(ring);
}

static capture_ring_t *capture_arg(napi_env env, napi_value value) {
  bool ours = false;
  void *data = NULL;
  if (napi_check_object_type_tag(env, value, &CAPTURE_TAG, &ours) != napi_ok || !ours ||
      napi_get_value_external(env, value, &data) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a capture returned by openCapture()");
    return NULL;
  }
  return data;
}

static napi_value open_capture(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char path[ADDON_MAX_PATH], ifname[IFNAMSIZ], what[ADDON_MAX_PATH + 64];
  if (argc < 2 || !addon_get_string(env, argv[0], path, sizeof path, "netnsPath") ||
      !addon_get_string(env, argv[1], ifname, sizeof ifname, "ifname")) {
    return NULL;
  }
  int home = netns_enter(path, what, sizeof what);
  if (home < 0) return addon_throw_errno(env, what, -home);
  int fd = capture_open_here(ifname, CAPTURE_INCOMING);
  netns_go_home(home);
  if (fd < 0) {
    snprintf(what, sizeof what, "packet socket on %s (wire-time stamps)", ifname);
    return addon_throw_errno(env, what, -fd);
  }
  capture_ring_t *ring = calloc(1, sizeof *ring);
  if (ring == NULL) {
    close(fd);
    return addon_throw_errno(env, "allocate capture", ENOMEM);
  }
  ring->fd = fd;
  napi_value handle;
  if (napi_create_external(env, ring, finalize_capture, NULL, &handle) != napi_ok) {
    finalize_capture(env, ring, NULL);
    return addon_throw_errno(env, "capture handle", ENOMEM);
  }
  CHECK(env, napi_type_tag_object(env, handle, &CAPTURE_TAG));
  return handle;
}

/*
 * The arguments of a lookup in a capture, (capture, bytes named `what`), with every capture waiting on
 * the socket taken into the ring first; NULL (an exception pending) when either argument is wrong.
 */
static capture_ring_t *lookup_args(napi_env env, napi_callback_info info, const char *what, const uint8_t **data, size_t *length) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  capture_ring_t *ring = argc < 2 ? NULL : capture_arg(env, argv[0]);
  if (ring == NULL || !addon_get_bytes(env, argv[1], data, length, what)) return NULL;
  capture_collect(ring);
  return ring;
}

static napi_value wire_time(napi_env env, napi_callback_info info) {
  const uint8_t *data = NULL;
  size_t length = 0;
  capture_ring_t *ring = lookup_args(env, info, "packet", &data, &length);
  if (ring == NULL) return NULL;
  napi_value result;
  /* A Uint8Array's octets are writable: the wire's IPv4 header may go back into them (capture.h). */
  CHECK(env, napi_create_bigint_uint64(env, capture_wire_time(ring, (uint8_t *)data, length), &result));
  return result;
}

static napi_value wire_headers6(napi_env env, napi_callback_info info) {
  const uint8_t *data = NULL;
  size_t length = 0;
  capture_ring_t *ring = lookup_args(env, info, "payload", &data, &length);
  if (ring == NULL) return NULL;
  uint8_t headers[CAPTURE_PREFIX];
  size_t headers_length = 0;
  uint64_t time_ns = capture_wire_time_ipv6(ring, data, length, headers, &headers_length);
  napi_value result;
  if (headers_length == 0) {
    CHECK(env, napi_get_undefined(env, &result));
    return result;
  }
  napi_value time, copy;
  void *copy_data = NULL;
  CHECK(env, napi_create_object(env, &result));
  CHECK(env, napi_create_bigint_uint64(env, time_ns, &time));
  CHECK(env, napi_create_buffer_copy(env, headers_length, headers, &copy_data, &copy));
  CHECK(env, napi_set_named_property(env, result, "timeNs", time));
  CHECK(env, napi_set_named_property(env, result, "headers", copy));
  return result;
}

static napi_value close_capture(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  capture_ring_t *ring = argc < 1 ? NULL : capture_arg(env, argv[0]);
  if (ring == NULL) return NULL;
  if (ring->fd >= 0) close(ring->fd);
  ring->fd = -1;
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"runIn", NULL, run_in, NULL, NULL, NULL, napi_default, NULL},
      {"connectIn", NULL, connect_in, NULL, NULL, NULL, napi_default, NULL},
      {"disableOffloads", NULL, disable_offloads, NULL, NULL, NULL, napi_default, NULL},
      {"openCapture", NULL, open_capture, NULL, NULL, NULL, napi_default, NULL},
      {"wireTime", NULL, wire_time, NULL, NULL, NULL, napi_default, NULL},
      {"wireHeaders6", NULL, wire_headers6, NULL, NULL, NULL, napi_default, NULL},
      {"closeCapture", NULL, close_capture, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(env, napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
