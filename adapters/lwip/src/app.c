#include "app.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/ip_addr.h"
#include "lwip/priv/tcp_priv.h" /* tcp_active_pcbs, tcp_tw_pcbs: what lwIP holds after the application let go */
#include "lwip/tcp.h"
#include "options.h"
#include "out.h"

#define MAX_CONNECTIONS 64
#define MAX_LISTENERS 16
#define PATTERN "abcdefghijklmnopqrstuvwxyz"
#define PATTERN_LENGTH 26
#define CHUNK 0xffff

struct conn {
  struct tcp_pcb *pcb;     /* NULL once lwIP has freed it: reset, timed out, or closed after a shutdown */
  bool connecting;         /* an active open not yet established */
  bool closing;            /* close was called while octets were held */
  bool shut;               /* shutdown was called */
  bool shutdown_when_sent; /* ... while octets were held */
  bool fin_received;
  bool eof_reported;
  const char *pending_error; /* what lwIP's error left for the next read or write, as a socket keeps it */
  long long held;          /* octets accepted by write that lwIP has not taken yet */
  unsigned long long sent; /* octets lwIP has taken, for the pattern's offset */
  struct pbuf *unread;     /* received and not yet read */
};

static struct conn *conns[MAX_CONNECTIONS]; /* oldest first */
static int conn_count;
static struct tcp_pcb *listeners[MAX_LISTENERS];
static int listener_count;
/* Local ports of every pcb the application made or accepted, for finding what lwIP still holds. */
static u16_t used_ports[MAX_CONNECTIONS + MAX_LISTENERS];
static int used_port_count;
static char pattern_chunk[CHUNK + PATTERN_LENGTH];

/* lwIP's errors by the errno names its own err_to_errno() gives them (src/api/err.c). */
static const char *err_name(err_t err) {
  switch (err) {
    case ERR_MEM: return "ENOMEM";
    case ERR_BUF: return "ENOBUFS";
    case ERR_TIMEOUT: return "EWOULDBLOCK";
    case ERR_RTE: return "EHOSTUNREACH";
    case ERR_INPROGRESS: return "EINPROGRESS";
    case ERR_VAL: return "EINVAL";
    case ERR_WOULDBLOCK: return "EWOULDBLOCK";
    case ERR_USE: return "EADDRINUSE";
    case ERR_ALREADY: return "EALREADY";
    case ERR_ISCONN: return "EISCONN";
    case ERR_CONN: return "ENOTCONN";
    case ERR_ABRT: return "ECONNABORTED";
    case ERR_RST: return "ECONNRESET";
    case ERR_CLSD: return "ENOTCONN";
    default: return "EIO";
  }
}

void app_init(void) {
  for (size_t i = 0; i < sizeof pattern_chunk; i++) pattern_chunk[i] = PATTERN[i % PATTERN_LENGTH];
}

static int fail(const char **error, const char *name) {
  *error = name;
  return -1;
}

static void remember_port(u16_t port) {
  for (int i = 0; i < used_port_count; i++) {
    if (used_ports[i] == port) return;
  }
  if (used_port_count < (int)(sizeof used_ports / sizeof used_ports[0])) used_ports[used_port_count++] = port;
}

static struct conn *current(void) {
  for (int i = 0; i < conn_count; i++) {
    if (!conns[i]->closing) return conns[i];
  }
  return NULL;
}

/* Lets go of a connection: its pcb (callbacks first, so lwIP reports nothing more), its unread data. */
static void forget(struct conn *c) {
  if (c->unread != NULL) pbuf_free(c->unread);
  for (int i = 0; i < conn_count; i++) {
    if (conns[i] == c) {
      memmove(&conns[i], &conns[i + 1], (size_t)(conn_count - i - 1) * sizeof conns[0]);
      conn_count--;
      break;
    }
  }
  free(c);
}

static void detach(struct tcp_pcb *pcb) {
  tcp_arg(pcb, NULL);
  tcp_recv(pcb, NULL); /* lwIP's tcp_recv_null then takes what still arrives */
  tcp_sent(pcb, NULL);
  tcp_err(pcb, NULL);
}

/* Hands held octets to lwIP while its send buffer and queue take them, then lets it send. */
static err_t push_held(struct conn *c) {
  while (c->held > 0 && c->pcb != NULL) {
    long long room = tcp_sndbuf(c->pcb);
    long long n = c->held < room ? c->held : room;
    if (n > CHUNK) n = CHUNK;
    if (n == 0) break;
    err_t err = tcp_write(c->pcb, pattern_chunk + c->sent % PATTERN_LENGTH, (u16_t)n, TCP_WRITE_FLAG_COPY);
    if (err == ERR_MEM) break; /* the segment queue is full: the sent callback comes back */
    if (err != ERR_OK) return err;
    c->held -= n;
    c->sent += (unsigned long long)n;
  }
  return c->pcb != NULL ? tcp_output(c->pcb) : ERR_OK;
}

static err_t close_now(struct conn *c) {
  struct tcp_pcb *pcb = c->pcb;
  forget(c);
  if (pcb == NULL) return ERR_OK;
  detach(pcb);
  err_t err = tcp_close(pcb);
  /* tcp_close fails only for want of memory; lwIP then still holds the pcb, so it is aborted instead. */
  if (err != ERR_OK) tcp_abort(pcb);
  return err;
}

/* Carries out a shutdown or close that waited for held octets; false when the connection is gone. */
static bool finish_if_written(struct conn *c) {
  if (c->held > 0) return true;
  if (c->shutdown_when_sent && c->pcb != NULL) {
    c->shutdown_when_sent = false;
    tcp_shutdown(c->pcb, 0, 1);
  }
  if (c->closing) {
    close_now(c);
    return false;
  }
  return true;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t length) {
  (void)pcb;
  (void)length;
  struct conn *c = arg;
  push_held(c);
  finish_if_written(c);
  return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
  (void)pcb;
  (void)err;
  struct conn *c = arg;
  if (p == NULL) {
    c->fin_received = true;
    out_event_closing();
  } else if (c->unread == NULL) {
    c->unread = p;
  } else {
    pbuf_cat(c->unread, p);
  }
  return ERR_OK;
}

/* lwIP has freed the pcb. The connection stays until the application closes it, as a socket would. */
static void on_err(void *arg, err_t err) {
  struct conn *c = arg;
  if (c->closing) {
    /* Closed by the application while octets were held: it hears nothing more of it. */
    c->pcb = NULL;
    forget(c);
    return;
  }
  c->pcb = NULL;
  c->held = 0;
  if (err == ERR_CLSD) {
    /* LAST-ACK done after a shutdown: a normal end, not an error (tcp_in.c, TF_CLOSED). */
  } else if (err == ERR_RST) {
    c->pending_error = c->connecting ? "ECONNREFUSED" : "ECONNRESET";
  } else if (err == ERR_ABRT) {
    /* The application's own aborts detach first, so this is lwIP giving up on its own: tcp_slowtmr()
       (tcp.c) aborts on too many retransmissions, unanswered keep-alives and the SYN-RECEIVED and
       FIN-WAIT-2 timeouts. */
    c->pending_error = "ETIMEDOUT";
  } else {
    c->pending_error = err_name(err);
  }
  if (c->pending_error != NULL) out_event_error(c->pending_error);
  c->connecting = false;
}

static struct conn *adopt(struct tcp_pcb *pcb) {
  if (conn_count == MAX_CONNECTIONS) return NULL;
  struct conn *c = calloc(1, sizeof *c);
  if (c == NULL) return NULL;
  c->pcb = pcb;
  conns[conn_count++] = c;
  tcp_arg(pcb, c);
  tcp_recv(pcb, on_recv);
  tcp_sent(pcb, on_sent);
  tcp_err(pcb, on_err);
  options_apply_remembered(pcb);
  return c;
}

/* lwIP calls this when a handshake on a listener completes (tcp_in.c, SYN_RCVD → ESTABLISHED). */
static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err) {
  (void)arg;
  if (err != ERR_OK || pcb == NULL) return ERR_VAL;
  struct conn *c = adopt(pcb);
  if (c == NULL) {
    tcp_abort(pcb);
    return ERR_ABRT;
  }
  remember_port(pcb->local_port);
  out_event_accepted(pcb->remote_port);
  return ERR_OK;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err) {
  (void)pcb;
  (void)err; /* always ERR_OK in lwIP 2.1 */
  struct conn *c = arg;
  c->connecting = false;
  out_event_connected();
  push_held(c);
  finish_if_written(c);
  return ERR_OK;
}

/*
 * A new pcb of `type` (IPADDR_TYPE_V4, _V6, or _ANY for a listener that takes both families) with
 * SO_REUSEADDR, as the Linux agent's sockets have: a case may reuse a port in TIME-WAIT.
 */
static struct tcp_pcb *new_pcb(u8_t type, int local_port, const char **error) {
  struct tcp_pcb *pcb = tcp_new_ip_type(type);
  if (pcb == NULL) {
    *error = "ENOMEM";
    return NULL;
  }
  ip_set_option(pcb, SOF_REUSEADDR);
  if (local_port != 0) {
    err_t err = tcp_bind(pcb, type == IPADDR_TYPE_V4 ? IP4_ADDR_ANY : type == IPADDR_TYPE_V6 ? IP6_ADDR_ANY : IP_ANY_TYPE, (u16_t)local_port);
    if (err != ERR_OK) {
      tcp_close(pcb);
      *error = err_name(err);
      return NULL;
    }
  }
  return pcb;
}

int app_listen(int port, const char **error) {
  if (listener_count == MAX_LISTENERS) return fail(error, "EMFILE");
  struct tcp_pcb *pcb = new_pcb(IPADDR_TYPE_ANY, port, error);
  if (pcb == NULL) return -1;
  err_t err = ERR_OK;
  struct tcp_pcb *listener = tcp_listen_with_backlog_and_err(pcb, TCP_DEFAULT_LISTEN_BACKLOG, &err);
  if (listener == NULL) {
    tcp_close(pcb);
    return fail(error, err_name(err));
  }
  tcp_accept(listener, on_accept);
  listeners[listener_count++] = listener;
  remember_port((u16_t)port);
  return 0;
}

int app_connect(const char *host, int port, int local_port, const char **error) {
  ip_addr_t remote;
  if (!ipaddr_aton(host, &remote)) return fail(error, "EINVAL");
  struct tcp_pcb *pcb = new_pcb(IP_IS_V6(&remote) ? IPADDR_TYPE_V6 : IPADDR_TYPE_V4, local_port, error);
  if (pcb == NULL) return -1;
  struct conn *c = adopt(pcb);
  if (c == NULL) {
    tcp_close(pcb);
    return fail(error, "EMFILE");
  }
  c->connecting = true;
  err_t err = tcp_connect(pcb, &remote, (u16_t)port, on_connected);
  if (err != ERR_OK) {
    forget(c);
    detach(pcb);
    tcp_close(pcb);
    return fail(error, err_name(err));
  }
  remember_port(pcb->local_port);
  return 0;
}

/* Fails a read or write with the error lwIP left, once. */
static bool take_pending_error(struct conn *c, const char **error) {
  if (c->pending_error == NULL) return false;
  *error = c->pending_error;
  c->pending_error = NULL;
  return true;
}

long long app_write(long long bytes, const char **error) {
  struct conn *c = current();
  if (c == NULL) return fail(error, "ENOTCONN");
  if (take_pending_error(c, error)) return -1;
  if (c->pcb == NULL || c->shut) return fail(error, "EPIPE");
  c->held += bytes;
  if (!c->connecting) {
    err_t err = push_held(c);
    if (err != ERR_OK) return fail(error, err_name(err));
  }
  return bytes;
}

long long app_read(long long max_bytes, bool *eof, const char **error) {
  struct conn *c = current();
  if (c == NULL) return fail(error, "ENOTCONN");
  if (take_pending_error(c, error)) return -1;
  long long available = c->unread != NULL ? c->unread->tot_len : 0;
  long long taken = max_bytes < 0 || max_bytes > available ? available : max_bytes;
  if (taken > 0) c->unread = pbuf_free_header(c->unread, (u16_t)taken);
  /* Only now does lwIP learn the octets are gone, and open its window again. */
  for (long long left = taken; left > 0 && c->pcb != NULL;) {
    u16_t step = left > 0xffff ? 0xffff : (u16_t)left;
    tcp_recved(c->pcb, step);
    left -= step;
  }
  *eof = c->unread == NULL && c->fin_received;
  if (*eof && !c->eof_reported) {
    c->eof_reported = true;
    out_event_eof();
  }
  return taken;
}

int app_shutdown(const char **error) {
  struct conn *c = current();
  if (c == NULL || c->pcb == NULL) return fail(error, "ENOTCONN");
  c->shut = true;
  if (c->held > 0) {
    c->shutdown_when_sent = true;
    return 0;
  }
  err_t err = tcp_shutdown(c->pcb, 0, 1);
  return err == ERR_OK ? 0 : fail(error, err_name(err));
}

/* With no connection left, close and abort act on the listeners, as CLOSE and ABORT do in LISTEN. */
static int close_listeners(const char **error) {
  if (listener_count == 0) return fail(error, "ENOTCONN");
  while (listener_count > 0) tcp_close(listeners[--listener_count]);
  return 0;
}

int app_close(const char **error) {
  struct conn *c = current();
  if (c == NULL) return close_listeners(error);
  c->closing = true;
  if (c->held > 0) return 0;
  err_t err = close_now(c);
  return err == ERR_OK ? 0 : fail(error, err_name(err));
}

int app_abort(const char **error) {
  struct conn *c = current();
  if (c == NULL) return close_listeners(error);
  struct tcp_pcb *pcb = c->pcb;
  forget(c);
  if (pcb != NULL) {
    detach(pcb);
    tcp_abort(pcb); /* sends a RST (tcp_abandon) unless the connection never left SYN-SENT */
  }
  return 0;
}

/* enum tcp_state (lwip/tcpbase.h) in RFC 9293's spelling. */
static const char *state_name(enum tcp_state state) {
  static const char *const names[] = {
      [CLOSED] = "CLOSED",           [LISTEN] = "LISTEN",         [SYN_SENT] = "SYN-SENT",
      [SYN_RCVD] = "SYN-RECEIVED",   [ESTABLISHED] = "ESTABLISHED", [FIN_WAIT_1] = "FIN-WAIT-1",
      [FIN_WAIT_2] = "FIN-WAIT-2",   [CLOSE_WAIT] = "CLOSE-WAIT", [CLOSING] = "CLOSING",
      [LAST_ACK] = "LAST-ACK",       [TIME_WAIT] = "TIME-WAIT",
  };
  return (unsigned)state < sizeof names / sizeof names[0] ? names[state] : "CLOSED";
}

/* A connection lwIP holds for the application on one of its ports: closed by it but not gone, or a
   handshake in progress on a listener. */
static const char *held_state(void) {
  struct tcp_pcb *lists[] = {tcp_active_pcbs, tcp_tw_pcbs};
  for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
    for (struct tcp_pcb *pcb = lists[l]; pcb != NULL; pcb = pcb->next) {
      for (int i = 0; i < used_port_count; i++) {
        if (pcb->local_port == used_ports[i] && pcb->state != CLOSED && pcb->state != LISTEN) return state_name(pcb->state);
      }
    }
  }
  return NULL;
}

const char *app_state(void) {
  struct conn *c = current();
  if (c == NULL && conn_count > 0) c = conns[0]; /* closed while octets were held: still the application's */
  if (c != NULL) return c->pcb != NULL ? state_name(c->pcb->state) : "CLOSED";
  const char *held = held_state();
  if (held != NULL) return held;
  return listener_count > 0 ? "LISTEN" : "CLOSED";
}

/* On the connection; before there is one, on the pcbs made and accepted from then on (options.c). */
int app_set_option(const char *name, long long value, const char **error) {
  if (!option_known(name)) return fail(error, "ENOPROTOOPT");
  struct conn *c = current();
  if (c == NULL) {
    option_remember(name, value);
    return 0;
  }
  if (c->pcb == NULL) return fail(error, "ENOTCONN");
  return option_apply(c->pcb, name, value) ? 0 : fail(error, "EINVAL");
}
