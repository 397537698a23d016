/* Wire-time stamps from a packet socket on the TUN device (see capture.h). */
#define _GNU_SOURCE
#include "capture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * Classic BPF: keep a packet only when its type is the direction's (the harness's own packets go the
 * other way, and are stamped by the harness when written).
 */
#define KEEP_ONLY(packet_type)                                         \
  {                                                                    \
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),   \
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (packet_type), 0, 1),      \
        BPF_STMT(BPF_RET | BPF_K, 0x40000), BPF_STMT(BPF_RET | BPF_K, 0), \
  }
static struct sock_filter outgoing_only[] = KEEP_ONLY(PACKET_OUTGOING);
static struct sock_filter incoming_only[] = KEEP_ONLY(PACKET_HOST);

int capture_open_here(const char *ifname, capture_direction_t direction) {
  /*
   * No protocol yet: a packet socket made with one is already on the taps, and binding it to the device
   * takes it off first, waiting for an RCU grace period (synchronize_net, some 20 ms of the main loop's
   * time); made with none, bind() puts it on, bound to the device, at once.
   */
  int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  struct ifreq request;
  memset(&request, 0, sizeof request);
  memcpy(request.ifr_name, ifname, strnlen(ifname, IFNAMSIZ - 1));
  struct sock_fprog program = {.len = sizeof outgoing_only / sizeof outgoing_only[0],
                               .filter = direction == CAPTURE_OUTGOING ? outgoing_only : incoming_only};
  int on = 1;
  /* Room for a burst the harness has not read yet: a whole window of full-sized segments' prefixes. */
  int buffer = 4 << 20;
  if (ioctl(fd, SIOCGIFINDEX, &request) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0) {
    int err = errno;
    close(fd);
    return -err;
  }
  /* FORCE needs CAP_NET_ADMIN over the namespace; without it the host's rmem_max caps the buffer. */
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer) < 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  }
  struct sockaddr_ll address = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = request.ifr_ifindex};
  if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) {
    int err = errno;
    close(fd);
    return -err;
  }
  return fd;
}

static uint64_t ns_of(const struct timespec *t) { return (uint64_t)t->tv_sec * 1000000000ULL + (uint64_t)t->tv_nsec; }

/* The kernel stamps in CLOCK_REALTIME; the harness reads CLOCK_MONOTONIC. Their difference, now. */
static int64_t realtime_to_monotonic(void) {
  struct timespec real, mono;
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_MONOTONIC, &mono);
  return (int64_t)ns_of(&mono) - (int64_t)ns_of(&real);
}

void capture_collect(capture_ring_t *ring) {
  if (ring->fd < 0) return;
  int64_t offset = realtime_to_monotonic();
  for (;;) {
    capture_t *slot = &ring->ring[(ring->head + ring->count) % CAPTURE_RING];
    union {
      struct cmsghdr header;
      char space[CMSG_SPACE(sizeof(struct timespec))];
    } control;
    struct iovec data = {.iov_base = slot->prefix, .iov_len = sizeof slot->prefix};
    struct msghdr message = {.msg_iov = &data, .msg_iovlen = 1, .msg_control = control.space, .msg_controllen = sizeof control.space};
    /* MSG_TRUNC: the packet's whole length, though only its prefix is copied. */
    ssize_t n = recvmsg(ring->fd, &message, MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) {
      if (errno == EINTR) continue;
      return; /* EAGAIN: nothing more; anything else: the TUN's copies go unstamped, as read */
    }
    uint64_t stamp = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&message); c != NULL; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        struct timespec when;
        memcpy(&when, CMSG_DATA(c), sizeof when);
        stamp = (uint64_t)((int64_t)ns_of(&when) + offset);
      }
    }
    if (stamp == 0) continue;
    slot->length = (uint32_t)n;
    slot->monotonic_ns = stamp;
    if (ring->count == CAPTURE_RING) {
      ring->head = (ring->head + 1) % CAPTURE_RING; /* the oldest was never matched: let it go */
    } else {
      ring->count++;
    }
  }
}

/*
 * The length of `packet`'s IPv4 header when it carries options, else 0. A kernel delivering such a
 * datagram to itself works through its options first (Linux: ip_rcv_options, ip_options_compile):
 * record route and timestamp get the host's address and time, their pointers move on, and the header
 * checksum, already verified, is left as it came. A raw socket's copy differs from the wire's there.
 */
static size_t ipv4_header_with_options(const uint8_t *packet, size_t compared) {
  if (compared < 20 || packet[0] >> 4 != 4) return 0;
  size_t length = (size_t)(packet[0] & 0x0f) * 4;
  return length > 20 && length <= compared ? length : 0;
}

/* Whether capture `c` is `packet`, apart from what local delivery rewrites in an IPv4 header's options. */
static int same_packet(const capture_t *c, const uint8_t *packet, size_t length, size_t compared) {
  if (c->length != length) return 0;
  size_t header = ipv4_header_with_options(packet, compared);
  if (header == 0) return memcmp(c->prefix, packet, compared) == 0;
  /* Version to protocol, then the addresses: all but the checksum; then everything after the options. */
  return memcmp(c->prefix, packet, 10) == 0 && memcmp(c->prefix + 12, packet + 12, 8) == 0 &&
         memcmp(c->prefix + header, packet + header, compared - header) == 0;
}

uint64_t capture_wire_time(capture_ring_t *ring, uint8_t *packet, size_t length) {
  size_t compared = length < CAPTURE_PREFIX ? length : CAPTURE_PREFIX;
  for (size_t i = 0; i < ring->count; i++) {
    const capture_t *c = &ring->ring[(ring->head + i) % CAPTURE_RING];
    if (same_packet(c, packet, length, compared)) {
      size_t header = ipv4_header_with_options(packet, compared);
      if (header != 0) memcpy(packet, c->prefix, header);
      ring->head = (ring->head + i + 1) % CAPTURE_RING;
      ring->count -= i + 1;
      return c->monotonic_ns;
    }
  }
  return 0;
}

/*
 * Whether capture `c` is an IPv6 packet whose headers (fixed and extension) are followed by `payload`: an
 * IPv6 raw socket hands over the transport header onward, never the IPv6 header (RFC 3542 §3), so the
 * capture's length less the payload's is the length of the headers.
 */
static size_t ipv6_headers_before(const capture_t *c, const uint8_t *payload, size_t length) {
  if (c->length <= length || c->prefix[0] >> 4 != 6) return 0;
  size_t headers = c->length - length;
  if (headers < 40 || headers >= CAPTURE_PREFIX) return 0;
  size_t compared = CAPTURE_PREFIX - headers < length ? CAPTURE_PREFIX - headers : length;
  return memcmp(c->prefix + headers, payload, compared) == 0 ? headers : 0;
}

uint64_t capture_wire_time_ipv6(capture_ring_t *ring, const uint8_t *payload, size_t length, uint8_t *headers, size_t *headers_length) {
  for (size_t i = 0; i < ring->count; i++) {
    const capture_t *c = &ring->ring[(ring->head + i) % CAPTURE_RING];
    size_t found = ipv6_headers_before(c, payload, length);
    if (found != 0) {
      memcpy(headers, c->prefix, found);
      *headers_length = found;
      ring->head = (ring->head + i + 1) % CAPTURE_RING;
      ring->count -= i + 1;
      return c->monotonic_ns;
    }
  }
  *headers_length = 0;
  return 0;
}
