/*
 * The floor for bench/roundtrip.ts: the same SYN -> SYN-ACK exchanges, with as little as possible between
 * the TUN and the clock. Runs in a network namespace of its own (unshare), which goes away with the
 * process, and sends only inside it: 198.18.0.2 (the peer) to 198.18.0.1 (the kernel), or over IPv6
 * 2001:2::2 to 2001:2::1.
 *
 * Usage: roundtrip EXCHANGES [ipv4|ipv6]
 * Prints one JSON line: {"samplesNs":[...],"totalNs":N}, each sample from just before the SYN's write
 * to just after the SYN-ACK's read, on CLOCK_MONOTONIC.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/ipv6.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TARGET "198.18.0.1"
#define PEER "198.18.0.2"
#define TARGET6 "2001:2::1"
#define PEER6 "2001:2::2"
#define LISTEN_PORT 8080
#define SYN_LENGTH 44 /* IPv4 20 + TCP 20 + MSS option 4 */
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

static void fail(const char *what) {
  fprintf(stderr, "roundtrip: %s: %s\n", what, strerror(errno));
  exit(1);
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint32_t sum16(const uint8_t *data, size_t length, uint32_t sum) {
  for (size_t i = 0; i + 1 < length; i += 2) sum += (uint32_t)(data[i] << 8 | data[i + 1]);
  if (length & 1) sum += (uint32_t)(data[length - 1] << 8);
  return sum;
}

static uint16_t fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return (uint16_t)~sum;
}

static void put16(uint8_t *at, uint16_t value) {
  at[0] = (uint8_t)(value >> 8);
  at[1] = (uint8_t)value;
}

static void put32(uint8_t *at, uint32_t value) {
  put16(at, (uint16_t)(value >> 16));
  put16(at + 2, (uint16_t)value);
}

static int ipv6; /* the family of the exchanges: IPv4 unless told */

/* The IP header of a segment from the peer to the target; returns its length and the pseudo-header's sum. */
static size_t build_ip(uint8_t *packet, size_t tcp_length, uint32_t *pseudo) {
  if (ipv6) {
    memset(packet, 0, 40);
    packet[0] = 0x60;
    put16(packet + 4, (uint16_t)tcp_length);
    packet[6] = IPPROTO_TCP;
    packet[7] = 64;
    inet_pton(AF_INET6, PEER6, packet + 8);
    inet_pton(AF_INET6, TARGET6, packet + 24);
    *pseudo = sum16(packet + 8, 32, 0) + IPPROTO_TCP + (uint32_t)tcp_length;
    return 40;
  }
  memset(packet, 0, 20);
  packet[0] = 0x45;
  put16(packet + 2, (uint16_t)(20 + tcp_length));
  packet[6] = 0x40; /* don't fragment */
  packet[8] = 64;
  packet[9] = IPPROTO_TCP;
  inet_pton(AF_INET, PEER, packet + 12);
  inet_pton(AF_INET, TARGET, packet + 16);
  put16(packet + 10, fold(sum16(packet, 20, 0)));
  *pseudo = sum16(packet + 12, 8, 0) + IPPROTO_TCP + (uint32_t)tcp_length;
  return 20;
}

/* A segment from the peer to the listener: SYN with an MSS option, or a bare RST. Returns its length. */
static size_t build_segment(uint8_t *packet, uint16_t src_port, uint32_t seq, uint8_t flags) {
  size_t tcp_length = flags == TCP_SYN ? 24 : 20;
  uint32_t pseudo;
  size_t ip_length = build_ip(packet, tcp_length, &pseudo);
  size_t length = ip_length + tcp_length;
  uint8_t *tcp = packet + ip_length;
  memset(tcp, 0, tcp_length);
  put16(tcp, src_port);
  put16(tcp + 2, LISTEN_PORT);
  put32(tcp + 4, seq);
  tcp[12] = (uint8_t)((tcp_length / 4) << 4);
  tcp[13] = flags;
  put16(tcp + 14, 65535);
  if (flags == TCP_SYN) {
    tcp[20] = 2;
    tcp[21] = 4;
    put16(tcp + 22, 1460);
  }
  put16(tcp + 16, fold(sum16(tcp, tcp_length, pseudo)));
  return length;
}

static void set_flags_up(int control, const char *ifname) {
  struct ifreq request = {0};
  strncpy(request.ifr_name, ifname, IFNAMSIZ - 1);
  if (ioctl(control, SIOCGIFFLAGS, &request) < 0) fail("SIOCGIFFLAGS");
  request.ifr_flags |= IFF_UP;
  if (ioctl(control, SIOCSIFFLAGS, &request) < 0) fail("SIOCSIFFLAGS");
}

static void set_address(int control, const char *ifname, unsigned long which, const char *address) {
  struct ifreq request = {0};
  strncpy(request.ifr_name, ifname, IFNAMSIZ - 1);
  struct sockaddr_in *in = (struct sockaddr_in *)&request.ifr_addr;
  in->sin_family = AF_INET;
  inet_pton(AF_INET, address, &in->sin_addr);
  if (ioctl(control, which, &request) < 0) fail("set address");
}

/*
 * TARGET6 on the TUN, on a /64 routed into it, usable at once: Duplicate Address Detection is turned off
 * for this namespace's TUN alone (its own sysctl, read through this process's /proc/sys/net).
 */
static void set_address6(const char *ifname) {
  char path[128];
  snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/accept_dad", ifname);
  FILE *dad = fopen(path, "w");
  if (dad == NULL || fputs("0", dad) < 0 || fclose(dad) != 0) fail("accept_dad");
  int control = socket(AF_INET6, SOCK_DGRAM, 0);
  if (control < 0) fail("socket");
  struct ifreq request = {0};
  strncpy(request.ifr_name, ifname, IFNAMSIZ - 1);
  if (ioctl(control, SIOCGIFINDEX, &request) < 0) fail("SIOCGIFINDEX");
  struct in6_ifreq address = {.ifr6_prefixlen = 64, .ifr6_ifindex = request.ifr_ifindex};
  inet_pton(AF_INET6, TARGET6, &address.ifr6_addr);
  if (ioctl(control, SIOCSIFADDR, &address) < 0) fail("set IPv6 address");
  close(control);
}

/* The namespace, its TUN (TARGET, with PEER routed into it) and a listener; returns the TUN's fd. */
static int set_up(void) {
  if (unshare(CLONE_NEWNET) < 0) fail("unshare");
  int tun = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (tun < 0) fail("open /dev/net/tun");
  struct ifreq request = {0};
  request.ifr_flags = IFF_TUN | IFF_NO_PI;
  strcpy(request.ifr_name, "bench0");
  if (ioctl(tun, TUNSETIFF, &request) < 0) fail("TUNSETIFF");
  int control = socket(AF_INET, SOCK_DGRAM, 0);
  if (control < 0) fail("socket");
  set_flags_up(control, "lo");
  set_address(control, "bench0", SIOCSIFADDR, TARGET);
  set_address(control, "bench0", SIOCSIFDSTADDR, PEER);
  set_flags_up(control, "bench0");
  close(control);
  if (ipv6) set_address6("bench0");
  /* An AF_INET6 listener takes IPv4 too, but each family gets its own socket, as a server would. */
  int listener = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons(LISTEN_PORT)};
  struct sockaddr_in6 local6 = {.sin6_family = AF_INET6, .sin6_port = htons(LISTEN_PORT)};
  int bound = ipv6 ? bind(listener, (struct sockaddr *)&local6, sizeof local6) : bind(listener, (struct sockaddr *)&local, sizeof local);
  if (listener < 0 || bound < 0 || listen(listener, SOMAXCONN) < 0) fail("listen");
  return tun;
}

/*
 * Waits up to `timeout_ms` for the SYN-ACK to `port`, skipping anything else (the namespace's own IPv6
 * chatter); returns when it came, or 0.
 */
static uint64_t syn_ack_within(int tun, uint16_t port, int timeout_ms) {
  uint8_t packet[65536];
  for (;;) {
    struct pollfd ready = {.fd = tun, .events = POLLIN};
    if (poll(&ready, 1, timeout_ms) <= 0) return 0;
    ssize_t n = read(tun, packet, sizeof packet);
    uint64_t at = now_ns();
    if (n < 0) fail("read");
    const uint8_t *tcp;
    if (ipv6) {
      if (n < 60 || packet[0] >> 4 != 6 || packet[6] != IPPROTO_TCP) continue;
      tcp = packet + 40;
    } else {
      if (n < 40 || packet[0] >> 4 != 4 || packet[9] != IPPROTO_TCP) continue;
      tcp = packet + (packet[0] & 0x0F) * 4;
    }
    uint16_t dst_port = (uint16_t)(tcp[2] << 8 | tcp[3]);
    if (dst_port == port && tcp[13] == (TCP_SYN | TCP_ACK)) return at;
  }
}

static uint64_t await_syn_ack(int tun, uint16_t port) {
  uint64_t at = syn_ack_within(tun, port, 2000);
  if (at == 0) fail("no SYN-ACK within 2 s");
  return at;
}

/*
 * Before the clock starts: SYNs until the kernel answers one. An IPv6 address's local route goes in from
 * the kernel's work queue a moment after the address is added, and a SYN that comes first is dropped.
 */
static void warm_up(int tun) {
  const uint16_t port = 9999;
  uint8_t packet[96];
  for (int tries = 0; tries < 400; tries++) {
    size_t length = build_segment(packet, port, 1, TCP_SYN);
    if (write(tun, packet, length) != (ssize_t)length) fail("write SYN");
    if (syn_ack_within(tun, port, 5) != 0) {
      length = build_segment(packet, port, 2, TCP_RST);
      if (write(tun, packet, length) != (ssize_t)length) fail("write RST");
      return;
    }
  }
  fail("the kernel answered no SYN within 2 s of setting up");
}

int main(int argc, char **argv) {
  int exchanges = argc > 1 ? atoi(argv[1]) : 1000;
  ipv6 = argc > 2 && strcmp(argv[2], "ipv6") == 0;
  if (exchanges <= 0 || (argc > 2 && !ipv6 && strcmp(argv[2], "ipv4") != 0)) {
    fprintf(stderr, "usage: roundtrip EXCHANGES [ipv4|ipv6]\n");
    return 2;
  }
  int tun = set_up();
  warm_up(tun);
  uint64_t *samples = calloc((size_t)exchanges, sizeof *samples);
  uint8_t packet[96];
  srandom((unsigned)now_ns());
  uint64_t start = now_ns();
  for (int i = 0; i < exchanges; i++) {
    uint16_t port = (uint16_t)(10000 + i % 50000);
    uint32_t seq = (uint32_t)random();
    size_t length = build_segment(packet, port, seq, TCP_SYN);
    uint64_t sent = now_ns();
    if (write(tun, packet, length) != (ssize_t)length) fail("write SYN");
    samples[i] = await_syn_ack(tun, port) - sent;
    length = build_segment(packet, port, seq + 1, TCP_RST);
    if (write(tun, packet, length) != (ssize_t)length) fail("write RST");
  }
  uint64_t total = now_ns() - start;
  printf("{\"samplesNs\":[");
  for (int i = 0; i < exchanges; i++) printf("%s%llu", i ? "," : "", (unsigned long long)samples[i]);
  printf("],\"totalNs\":%llu}\n", (unsigned long long)total);
  return 0;
}
