/*
 * A TUN device inside a network namespace, read on the Node main loop.
 *
 * The device is created from inside the namespace (the calling thread enters it, creates the device and
 * returns), so it never exists in the host's namespace. Reading uses uv_poll on the main loop rather than
 * the threadpool: a threadpool read on an idle TUN parks a thread forever and even process.exit() hangs.
 *
 * Each packet the kernel sends is stamped with its wire time: when the stack handed it to the device, as
 * a packet socket on the device sees it (capture.c), not when the main loop got round to reading it.
 *
 * JavaScript API:
 *   open(netnsPath, ifname[, userNsPath]) -> handle
 *   startReading(handle, callback(packet: Buffer, timeNs: bigint))
 *   drain(handle)                                          (reads what is there now, through the callback)
 *   write(handle, packet: Uint8Array) -> timeNs: bigint   (taken just before the packet is handed over)
 *   stamps(handle) -> { wire: number, read: number }       (packets stamped at the wire, and as read)
 *   close(handle)                                          (idempotent)
 *   closeAsync(handle) -> Promise<void>                    (the same, the fd closed on the threadpool)
 * Times are CLOCK_MONOTONIC nanoseconds, the clock behind process.hrtime.bigint().
 */
#define _GNU_SOURCE
#include <uv.h>

#include "addon/support.h"
#include "capture.h"
#include "tun-device.h"

#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* An IPv4 packet is at most 65535 octets; a TUN without IFF_VNET_HDR never hands over more. */
#define MAX_PACKET 65536

typedef struct {
  int fd;                  /* -1 once closed */
  capture_ring_t capture;  /* the device's outgoing packets with their wire times */
  uint64_t stamped_at_wire, stamped_as_read; /* packets matched to their capture, and those that found none */
  uv_poll_t *poll;         /* NULL unless reading */
  napi_ref callback;       /* set while reading */
  napi_ref self;           /* keeps the handle from being collected while reading */
  napi_async_context async;
  napi_env env;
  uint8_t packet[MAX_PACKET];
} tun_t;

/* Marks handles made by this addon, so that any other object passed in is refused. */
static const napi_type_tag TUN_TAG = {0x746370636f6e666fULL, 0x726d54554e000001ULL};

#define CHECK(env, call)                                                  \
  do {                                                                    \
    if ((call) != napi_ok) {                                              \
      napi_throw_error((env), NULL, "tcpconform tun: N-API call failed: " #call); \
      return NULL;                                                        \
    }                                                                     \
  } while (0)

static uint64_t monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void free_poll(uv_handle_t *handle) { free(handle); }

/* Stops reading; safe to repeat. `release_refs` is false while finalizing, when N-API refs are going. */
static void stop_reading(tun_t *t, int release_refs) {
  if (t->poll == NULL) return;
  uv_poll_stop(t->poll);
  uv_close((uv_handle_t *)t->poll, free_poll);
  t->poll = NULL;
  if (release_refs) {
    napi_delete_reference(t->env, t->callback);
    napi_delete_reference(t->env, t->self);
    napi_async_destroy(t->env, t->async);
  }
}

/* The two descriptors a handle holds, to close: each -1 when already closed. */
typedef struct {
  int tun;
  int capture;
} tun_fds_t;

/* Stops reading and hands back the fds to close; later calls see them closed. */
static tun_fds_t detach_fds(tun_t *t, int release_refs) {
  stop_reading(t, release_refs);
  tun_fds_t fds = {.tun = t->fd, .capture = t->capture.fd};
  t->fd = -1;
  t->capture.fd = -1;
  return fds;
}

static void close_fds(tun_fds_t fds) {
  if (fds.capture >= 0) close(fds.capture);
  if (fds.tun >= 0) close(fds.tun);
}

static void finalize_tun(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  close_fds(detach_fds(data, 0));
  free(data);
}

/* The handle in argv[0], or NULL with a TypeError thrown when it is missing or not one of ours. */
static tun_t *handle_arg(napi_env env, size_t argc, napi_value *argv) {
  bool ours = false;
  napi_valuetype type;
  if (argc < 1 || napi_typeof(env, argv[0], &type) != napi_ok || type != napi_external ||
      napi_check_object_type_tag(env, argv[0], &TUN_TAG, &ours) != napi_ok || !ours) {
    napi_throw_type_error(env, NULL, "expected a handle returned by open()");
    return NULL;
  }
  void *data = NULL;
  napi_get_value_external(env, argv[0], &data);
  return data;
}


static napi_value tun_open(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  /* /var/run/netns/NAME, where a name is a file name of at most 255 octets. */
  char netns_path[512], ifname[IFNAMSIZ], userns_path[512];
  if (argc < 2 || !addon_get_string(env, argv[0], netns_path, sizeof netns_path, "netnsPath") ||
      !addon_get_string(env, argv[1], ifname, sizeof ifname, "ifname")) {
    return NULL;
  }
  napi_valuetype third = napi_undefined;
  if (argc >= 3) CHECK(env, napi_typeof(env, argv[2], &third));
  if (third != napi_undefined && !addon_get_string(env, argv[2], userns_path, sizeof userns_path, "userNsPath")) return NULL;

  char what[600];
  int fd, capture = -1;
  if (third != napi_undefined) {
    fd = tun_create_as_owner(userns_path, netns_path, ifname, &capture, what, sizeof what);
  } else {
    int home = netns_enter(netns_path, what, sizeof what);
    if (home < 0) return addon_throw_errno(env, what, -home);
    fd = tun_create_here(ifname, &capture, what, sizeof what);
    /* Every path goes home, also the failed ones: the thread runs the rest of Node. */
    netns_go_home(home);
  }
  if (fd < 0) return addon_throw_errno(env, what, -fd);

  tun_t *t = calloc(1, sizeof *t);
  if (t == NULL) {
    close(fd);
    close(capture);
    return addon_throw_errno(env, "allocate tun", ENOMEM);
  }
  t->fd = fd;
  t->capture.fd = capture;
  t->env = env;
  napi_value handle;
  if (napi_create_external(env, t, finalize_tun, NULL, &handle) != napi_ok) {
    close(fd);
    close(capture);
    free(t);
    napi_throw_error(env, NULL, "tcpconform tun: cannot create a handle");
    return NULL;
  }
  CHECK(env, napi_type_tag_object(env, handle, &TUN_TAG));
  return handle;
}

/* Hands an error raised on the loop to process 'uncaughtException', as Node does for its own handles. */
static void raise_on_loop(napi_env env, napi_value error) { napi_fatal_exception(env, error); }

/* How a packet reaches JavaScript: from the loop (a callback of its own) or inside a call from JavaScript. */
typedef enum { FROM_LOOP, FROM_CALL } caller_t;

/*
 * Calls the JavaScript callback with one packet and its wire time; false when it threw. From the loop the
 * error goes to 'uncaughtException' (as for Node's own handles); inside a call it stays pending, thrown
 * by the call.
 */
static int deliver(tun_t *t, size_t length, caller_t caller) {
  napi_env env = t->env;
  uint64_t wire_ns = capture_wire_time(&t->capture, t->packet, length);
  if (wire_ns == 0) {
    capture_collect(&t->capture); /* its capture may have come after the last collection */
    wire_ns = capture_wire_time(&t->capture, t->packet, length);
  }
  if (wire_ns != 0) t->stamped_at_wire++;
  else t->stamped_as_read++;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value callback, receiver, argv[2], result;
  void *copy;
  napi_get_reference_value(env, t->callback, &callback);
  napi_get_global(env, &receiver);
  napi_create_buffer_copy(env, length, t->packet, &copy, &argv[0]);
  napi_create_bigint_uint64(env, wire_ns != 0 ? wire_ns : monotonic_ns(), &argv[1]);
  napi_status status = caller == FROM_LOOP ? napi_make_callback(env, t->async, receiver, callback, 2, argv, &result)
                                           : napi_call_function(env, receiver, callback, 2, argv, &result);
  int ok = status == napi_ok;
  if (status == napi_pending_exception && caller == FROM_LOOP) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    raise_on_loop(env, error);
  }
  napi_close_handle_scope(env, scope);
  return ok;
}

static void report_read_failure(tun_t *t, const char *what, int err) {
  napi_handle_scope scope;
  napi_open_handle_scope(t->env, &scope);
  uv_poll_stop(t->poll); /* level-triggered: a broken device would otherwise wake the loop forever */
  raise_on_loop(t->env, addon_errno_error(t->env, what, err));
  napi_close_handle_scope(t->env, scope);
}

/*
 * Reads every packet that is ready and delivers it; 0, or the errno of a failed read. The captures come
 * first: the kernel queues a packet's capture before it queues the packet on the device.
 */
static int read_available(tun_t *t, caller_t caller) {
  capture_collect(&t->capture);
  /* The callback may close the handle; stop as soon as it has. */
  while (t->fd >= 0) {
    ssize_t n = read(t->fd, t->packet, sizeof t->packet);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN ? 0 : errno;
    }
    if (!deliver(t, (size_t)n, caller)) return 0;
  }
  return 0;
}

/* Drains every packet that is ready, so one wakeup costs one epoll round however many arrived. */
static void on_readable(uv_poll_t *poll, int status, int events) {
  (void)events;
  tun_t *t = poll->data;
  if (status < 0) {
    report_read_failure(t, "poll tun", -status);
    return;
  }
  int err = read_available(t, FROM_LOOP);
  if (err != 0) report_read_failure(t, "read tun", err);
}

/*
 * Reads what the device holds now, through the reading callback, before returning: a packet the kernel
 * sent before this moment is then known, even when the loop has not yet polled the device (timers run
 * before the poll phase). A no-op unless reading.
 */
static napi_value tun_drain(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  tun_t *t = handle_arg(env, argc, argv);
  if (t == NULL || t->poll == NULL) return NULL;
  int err = read_available(t, FROM_CALL);
  if (err != 0) return addon_throw_errno(env, "read tun", err);
  return NULL;
}

/* How many packets got their wire time from a capture, and how many only the time they were read. */
static napi_value tun_stamps(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  tun_t *t = handle_arg(env, argc, argv);
  if (t == NULL) return NULL;
  napi_value result, wire, read;
  CHECK(env, napi_create_object(env, &result));
  CHECK(env, napi_create_double(env, (double)t->stamped_at_wire, &wire));
  CHECK(env, napi_create_double(env, (double)t->stamped_as_read, &read));
  CHECK(env, napi_set_named_property(env, result, "wire", wire));
  CHECK(env, napi_set_named_property(env, result, "read", read));
  return result;
}

static napi_value tun_start_reading(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  tun_t *t = handle_arg(env, argc, argv);
  if (t == NULL) return NULL;
  napi_valuetype type = napi_undefined;
  if (argc < 2 || napi_typeof(env, argv[1], &type) != napi_ok || type != napi_function) {
    napi_throw_type_error(env, NULL, "callback must be a function");
    return NULL;
  }
  if (t->fd < 0) return addon_throw_errno(env, "startReading", EBADF);
  if (t->poll != NULL) {
    napi_throw_error(env, NULL, "startReading: already reading");
    return NULL;
  }
  uv_loop_t *loop;
  CHECK(env, napi_get_uv_event_loop(env, &loop));
  uv_poll_t *poll = malloc(sizeof *poll);
  if (poll == NULL) return addon_throw_errno(env, "startReading", ENOMEM);
  int rc = uv_poll_init(loop, poll, t->fd);
  if (rc < 0) {
    free(poll);
    return addon_throw_errno(env, "uv_poll_init tun", -rc);
  }
  poll->data = t;
  napi_value resource_name;
  if (napi_create_string_utf8(env, "tcpconform:tun", NAPI_AUTO_LENGTH, &resource_name) != napi_ok ||
      napi_async_init(env, NULL, resource_name, &t->async) != napi_ok ||
      napi_create_reference(env, argv[1], 1, &t->callback) != napi_ok ||
      napi_create_reference(env, argv[0], 1, &t->self) != napi_ok) {
    uv_close((uv_handle_t *)poll, free_poll);
    napi_throw_error(env, NULL, "startReading: cannot hold the callback");
    return NULL;
  }
  /* Recorded before starting, so that a failed start is undone like a close. */
  t->poll = poll;
  rc = uv_poll_start(poll, UV_READABLE, on_readable);
  if (rc < 0) {
    stop_reading(t, 1);
    return addon_throw_errno(env, "uv_poll_start tun", -rc);
  }
  return NULL;
}

static napi_value tun_write(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  tun_t *t = handle_arg(env, argc, argv);
  if (t == NULL) return NULL;
  const uint8_t *data = NULL;
  size_t length = 0;
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "packet must be a Uint8Array");
    return NULL;
  }
  if (!addon_get_bytes(env, argv[1], &data, &length, "packet")) return NULL;
  if (t->fd < 0) return addon_throw_errno(env, "write tun", EBADF);
  /* Taken before the write: the kernel may process the packet, and answer it, inside the call. */
  uint64_t time_ns = monotonic_ns();
  ssize_t n;
  do {
    n = write(t->fd, data, length);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return addon_throw_errno(env, "write tun", errno);
  if ((size_t)n != length) return addon_throw_errno(env, "write tun (short write)", EIO);
  napi_value result;
  CHECK(env, napi_create_bigint_uint64(env, time_ns, &result));
  return result;
}

static napi_value tun_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  tun_t *t = handle_arg(env, argc, argv);
  if (t == NULL) return NULL;
  close_fds(detach_fds(t, 1));
  return NULL;
}

/*
 * Closing the last fd of a TUN unregisters the device, and closing the capture's packet socket takes
 * it off the device's taps: in both the kernel waits for an RCU grace period (synchronize_net) inside
 * close(), about 20 ms each, during which the main loop would serve no other case (whose real-time
 * deadlines run on). closeAsync stops reading at once and closes both on the threadpool; a close is
 * bounded, unlike the reads that must never go there.
 */
typedef struct {
  tun_fds_t fds;
  napi_async_work work;
  napi_deferred deferred;
} close_job_t;

static void close_job_execute(napi_env env, void *data) {
  (void)env;
  close_fds(((close_job_t *)data)->fds);
}

static void resolve_undefined(napi_env env, napi_deferred deferred) {
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  napi_resolve_deferred(env, deferred, undefined);
}

static void close_job_complete(napi_env env, napi_status status, void *data) {
  (void)status;
  close_job_t *job = data;
  resolve_undefined(env, job->deferred);
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value tun_close_async(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  tun_t *t = handle_arg(env, argc, argv);
  if (t == NULL) return NULL;
  napi_value promise, resource_name;
  napi_deferred deferred;
  CHECK(env, napi_create_promise(env, &deferred, &promise));
  tun_fds_t fds = detach_fds(t, 1);
  close_job_t *job = fds.tun < 0 && fds.capture < 0 ? NULL : calloc(1, sizeof *job);
  if (job == NULL) {
    /* Already closed, or no memory for the job: close here rather than leak the device. */
    close_fds(fds);
    resolve_undefined(env, deferred);
    return promise;
  }
  job->fds = fds;
  job->deferred = deferred;
  CHECK(env, napi_create_string_utf8(env, "tcpconform:tun-close", NAPI_AUTO_LENGTH, &resource_name));
  CHECK(env, napi_create_async_work(env, NULL, resource_name, close_job_execute, close_job_complete, job, &job->work));
  CHECK(env, napi_queue_async_work(env, job->work));
  return promise;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor functions[] = {
      {"open", NULL, tun_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"startReading", NULL, tun_start_reading, NULL, NULL, NULL, napi_enumerable, NULL},
      {"drain", NULL, tun_drain, NULL, NULL, NULL, napi_enumerable, NULL},
      {"write", NULL, tun_write, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stamps", NULL, tun_stamps, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, tun_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"closeAsync", NULL, tun_close_async, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(env, napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions));
  return exports;
}
