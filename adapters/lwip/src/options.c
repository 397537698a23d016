#include "options.h"

#include <string.h>

static bool set_nodelay(struct tcp_pcb *pcb, long long value) {
  if (value != 0) {
    tcp_nagle_disable(pcb);
  } else {
    tcp_nagle_enable(pcb);
  }
  return true;
}

static bool set_keepalive(struct tcp_pcb *pcb, long long value) {
  if (value != 0) {
    ip_set_option(pcb, SOF_KEEPALIVE);
  } else {
    ip_reset_option(pcb, SOF_KEEPALIVE);
  }
  return true;
}

/* keep_idle and keep_intvl are u32_t milliseconds, keep_cnt a u32_t count (lwip/tcp.h). */
static bool set_idle(struct tcp_pcb *pcb, long long value) {
  pcb->keep_idle = (u32_t)value;
  return value > 0;
}

static bool set_interval(struct tcp_pcb *pcb, long long value) {
  pcb->keep_intvl = (u32_t)value;
  return value > 0;
}

static bool set_count(struct tcp_pcb *pcb, long long value) {
  pcb->keep_cnt = (u32_t)value;
  return value > 0;
}

static const struct {
  const char *name;
  bool (*apply)(struct tcp_pcb *pcb, long long value);
} table[] = {
    {"nodelay", set_nodelay},         {"keepalive", set_keepalive},     {"keepalive-idle", set_idle},
    {"keepalive-interval", set_interval}, {"keepalive-count", set_count},
};

#define OPTION_COUNT (sizeof table / sizeof table[0])

static bool remembered[OPTION_COUNT];
static long long remembered_value[OPTION_COUNT];

static int find(const char *name) {
  for (size_t i = 0; i < OPTION_COUNT; i++) {
    if (strcmp(table[i].name, name) == 0) return (int)i;
  }
  return -1;
}

bool option_known(const char *name) { return find(name) >= 0; }

bool option_apply(struct tcp_pcb *pcb, const char *name, long long value) {
  int index = find(name);
  return index >= 0 && table[index].apply(pcb, value);
}

void option_remember(const char *name, long long value) {
  int index = find(name);
  if (index < 0) return;
  remembered[index] = true;
  remembered_value[index] = value;
}

void options_apply_remembered(struct tcp_pcb *pcb) {
  for (size_t i = 0; i < OPTION_COUNT; i++) {
    if (remembered[i]) table[i].apply(pcb, remembered_value[i]);
  }
}
