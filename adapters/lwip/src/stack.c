#include "stack.h"

#include <math.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/timeouts.h"
#include "out.h"

static struct netif netif;
static double now_ms;
/* Packets handed out so far: how `advance` tells that the stack has sent something. */
static unsigned long packets_out;

/*
 * lwIP's clock. The library calls sys_now() through the PLT, so this definition replaces the Unix port's
 * wall clock: lwIP's time is the harness's virtual time, in whole milliseconds as lwIP counts it.
 */
u32_t sys_now(void) { return (u32_t)now_ms; }

double stack_now(void) { return now_ms; }

/* Hands a packet lwIP sent, of either family, to the harness. */
static void output(struct pbuf *p) {
  static uint8_t packet[0x10000];
  u16_t length = pbuf_copy_partial(p, packet, p->tot_len, 0);
  out_packet(packet, length, now_ms);
  packets_out++;
}

static err_t output_ipv4(struct netif *nif, struct pbuf *p, const ip4_addr_t *next_hop) {
  (void)nif;
  (void)next_hop;
  output(p);
  return ERR_OK;
}

/* Debian's build has IPv6 (lwipopts.h: LWIP_IPV6 1): the netif's IPv6 packets go to the harness as they are. */
static err_t output_ipv6(struct netif *nif, struct pbuf *p, const ip6_addr_t *next_hop) {
  (void)nif;
  (void)next_hop;
  output(p);
  return ERR_OK;
}

static err_t netif_setup(struct netif *nif) {
  nif->name[0] = 't';
  nif->name[1] = 'c';
  nif->mtu = 1500;
  nif->output = output_ipv4;
  nif->output_ip6 = output_ipv6;
  /* A point-to-point link: no Ethernet, no ARP; packets go straight to the harness. The link has a
     subnet (198.18.0.0/15) whose broadcast address, 198.19.255.255, lwIP knows as one only with
     NETIF_FLAG_BROADCAST (ip4_addr_isbroadcast_u32): the hello gives it for address validation cases. */
  nif->flags = NETIF_FLAG_LINK_UP | NETIF_FLAG_BROADCAST;
  return ERR_OK;
}

void stack_init(void) {
  lwip_init();
  ip4_addr_t address, netmask, gateway;
  ip4addr_aton(STACK_ADDRESS, &address);
  ip4addr_aton("255.254.0.0", &netmask); /* 198.18.0.0/15 */
  ip4addr_aton(PEER_ADDRESS, &gateway);
  netif_add(&netif, &address, &netmask, &gateway, NULL, netif_setup, ip_input);
  /* 2001:2::1, on the /64 lwIP takes every address's prefix to be (ip6_route), so the peer is on-link.
     Set PREFERRED at once: no Duplicate Address Detection, hence no solicited-node group joined and no
     MLD report; no router solicitations either (rs_count 0). The harness sees IPv6 TCP alone. */
  ip6_addr_t address6;
  s8_t slot;
  ip6addr_aton(STACK_ADDRESS6, &address6);
  netif_add_ip6_address(&netif, &address6, &slot);
  netif_ip6_addr_set_state(&netif, slot, IP6_ADDR_PREFERRED);
  netif.rs_count = 0;
  netif_set_default(&netif);
  netif_set_link_up(&netif);
  netif_set_up(&netif);
}

bool stack_input(const uint8_t *packet, size_t length, const char **why) {
  if (length > 0xffff) {
    *why = "a packet longer than 65535 octets";
    return false;
  }
  /*
   * PBUF_RAM, not PBUF_POOL as a driver would: Debian's liblwip0 2.1.3 sizes its pool pbufs at 592
   * octets of payload (memp_pools[MEMP_PBUF_POOL]->size is 616) while pbuf_alloc() fills them as if they
   * held PBUF_POOL_BUFSIZE (1536): a packet over 592 octets would overflow the heap.
   */
  struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)length, PBUF_RAM);
  if (p == NULL) {
    *why = "lwIP has no buffer for the packet";
    return false;
  }
  pbuf_take(p, packet, (u16_t)length);
  /* ip_input frees the pbuf whatever it does with it. */
  netif.input(p, &netif);
  return true;
}

double stack_advance(double to_ms, bool until_output) {
  if (to_ms < now_ms) to_ms = now_ms; /* time never goes backwards */
  unsigned long before = packets_out;
  for (;;) {
    /* Everything due now runs first: a segment sent at this moment belongs to it. */
    sys_check_timeouts();
    if (until_output && packets_out != before) return now_ms;
    u32_t sleep = sys_timeouts_sleeptime();
    double next = sleep == SYS_TIMEOUTS_SLEEPTIME_INFINITE ? INFINITY : floor(now_ms) + sleep;
    if (next > to_ms) break;
    /* Step to the due time exactly, so that lwIP re-arms its cyclic timers on their own grid. */
    now_ms = next;
  }
  now_ms = to_ms;
  return now_ms;
}
