/*
 * Socket options on lwIP's pcbs, by the adapter protocol's names: nodelay (TF_NODELAY) and keep-alives
 * (SOF_KEEPALIVE with keep_idle, keep_intvl and keep_cnt, which Debian's lwipopts.h compiles in with
 * LWIP_TCP_KEEPALIVE). lwIP has nothing for the others: its buffers are compile-time (TCP_WND,
 * TCP_SND_BUF), its give-up too (TCP_MAXRTX, TCP_SYNMAXRTX), and its raw API has no linger.
 */
#ifndef LWIP_ADAPTER_OPTIONS_H
#define LWIP_ADAPTER_OPTIONS_H

#include <stdbool.h>

#include "lwip/tcp.h"

/* The hello's list of options, as JSON strings. */
#define OPTIONS_JSON "\"nodelay\",\"keepalive\",\"keepalive-idle\",\"keepalive-interval\",\"keepalive-count\""

bool option_known(const char *name);
/* Sets option `name` on `pcb`; false when its value is out of lwIP's range. */
bool option_apply(struct tcp_pcb *pcb, const char *name, long long value);
/* Keeps `name` = `value` for the pcbs made or accepted from now on. */
void option_remember(const char *name, long long value);
void options_apply_remembered(struct tcp_pcb *pcb);

#endif
