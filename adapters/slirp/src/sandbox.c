/*
 * A private network namespace for the adapter process, holding only a loopback interface.
 *
 * slirp's application side is real sockets on 127.0.0.1: a guest SYN to 198.18.0.1:P makes slirp
 * connect() to 127.0.0.1:P. On the host's own loopback that could reach any local service on P, and
 * two cases running in parallel would fight over the same port (every case listens on 8080). In a
 * namespace of its own, 127.0.0.1 belongs to this one case, and there is no route anywhere else.
 */
#define _GNU_SOURCE
#include "sandbox.h"

/* min, default, max octets (tcp(7)): max = default switches autotuning's growth off */
#define LOOPBACK_BUFFERS "4096 16384 16384"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

enum sandbox sandbox_private_loopback(void) {
    /* As root a network namespace is enough; otherwise a user namespace grants the right to make one. */
    if (unshare(CLONE_NEWNET) < 0 && unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) return SANDBOX_REFUSED;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return SANDBOX_BROKEN;
    struct ifreq request;
    memset(&request, 0, sizeof request);
    strcpy(request.ifr_name, "lo");
    bool up = ioctl(fd, SIOCGIFFLAGS, &request) == 0;
    request.ifr_flags |= IFF_UP;
    up = up && ioctl(fd, SIOCSIFFLAGS, &request) == 0;
    close(fd);
    if (!up) return SANDBOX_BROKEN;
    /*
     * Small TCP buffers on this private loopback, without autotuning: the hop between slirp and the
     * application then holds a few KiB instead of megabytes, so a peer filling an application that
     * stopped reading meets slirp's own receive buffer (128 KiB) after little more than that, as
     * the protocol's stop-reading means. The host's settings are untouched (these are per namespace).
     */
    static const char *const buffers[] = {"/proc/sys/net/ipv4/tcp_rmem", "/proc/sys/net/ipv4/tcp_wmem"};
    for (size_t i = 0; i < sizeof buffers / sizeof buffers[0]; i++) {
        int sysctl = open(buffers[i], O_WRONLY | O_CLOEXEC);
        if (sysctl < 0) continue;
        if (write(sysctl, LOOPBACK_BUFFERS, sizeof LOOPBACK_BUFFERS - 1) < 0) { /* the defaults stay */ }
        close(sysctl);
    }
    return SANDBOX_PRIVATE;
}
