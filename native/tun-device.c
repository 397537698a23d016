/*
 * Making a TUN device inside a network namespace (tun.c's open): from the calling thread, or, for a
 * namespace of a user namespace the caller is not in, from a forked child that joins both. Each device
 * comes with its capture socket (capture.c), made in the same namespace.
 */
#define _GNU_SOURCE
#include "tun-device.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"

/*
 * Creates the device in the calling thread's network namespace, and its capture socket into `*capture`.
 * Returns the fd, or -errno with the failed step described in `what`.
 */
int tun_create_here(const char *ifname, int *capture, char *what, size_t what_size) {
  int tun = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (tun < 0) {
    snprintf(what, what_size, "open /dev/net/tun");
    return -errno;
  }
  struct ifreq request;
  memset(&request, 0, sizeof request);
  request.ifr_flags = IFF_TUN | IFF_NO_PI;
  memcpy(request.ifr_name, ifname, strlen(ifname)); /* fits: the caller checked it against IFNAMSIZ */
  if (ioctl(tun, TUNSETIFF, &request) < 0) {
    int err = errno;
    close(tun);
    snprintf(what, what_size, "ioctl TUNSETIFF %s", ifname);
    return -err;
  }
  *capture = capture_open_here(ifname, CAPTURE_OUTGOING);
  if (*capture < 0) {
    close(tun);
    snprintf(what, what_size, "packet socket on %s (wire-time stamps)", ifname);
    return *capture;
  }
  return tun;
}

/* The steps of tun_create_as_owner's child, for the error message; 0 is success. */
enum { STEP_DONE, STEP_SETNS_USER, STEP_SETNS_NET, STEP_OPEN_TUN, STEP_TUNSETIFF, STEP_CAPTURE };

/*
 * The child's half: enters the namespaces, makes the device and its capture socket, sends both fds (or the
 * failed step) and exits.
 */
static void child_create_device(int answer, int userns, int netns, const char *ifname) {
  int report[2] = {STEP_DONE, 0};
  int fds[2] = {-1, -1};
  int capture_err = 0;
  if (setns(userns, CLONE_NEWUSER) < 0) {
    report[0] = STEP_SETNS_USER;
  } else if (setns(netns, CLONE_NEWNET) < 0) {
    report[0] = STEP_SETNS_NET;
  } else if ((fds[0] = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
    report[0] = STEP_OPEN_TUN;
  } else {
    struct ifreq request;
    memset(&request, 0, sizeof request);
    request.ifr_flags = IFF_TUN | IFF_NO_PI;
    memcpy(request.ifr_name, ifname, strlen(ifname));
    if (ioctl(fds[0], TUNSETIFF, &request) < 0) {
      report[0] = STEP_TUNSETIFF;
    } else if ((fds[1] = capture_open_here(ifname, CAPTURE_OUTGOING)) < 0) {
      report[0] = STEP_CAPTURE;
      capture_err = -fds[1];
    }
  }
  report[1] = report[0] == STEP_DONE ? 0 : report[0] == STEP_CAPTURE ? capture_err : errno;
  struct iovec data = {.iov_base = report, .iov_len = sizeof report};
  union {
    struct cmsghdr header;
    char space[CMSG_SPACE(sizeof fds)];
  } control;
  memset(&control, 0, sizeof control);
  struct msghdr message = {.msg_iov = &data, .msg_iovlen = 1};
  if (report[0] == STEP_DONE) {
    message.msg_control = control.space;
    message.msg_controllen = sizeof control.space;
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(header), fds, sizeof fds);
  }
  while (sendmsg(answer, &message, 0) < 0 && errno == EINTR) {
  }
  _exit(0);
}

/*
 * Creates the device in a network namespace owned by a user namespace the caller is not in: what an
 * unprivileged harness does (src/targets/linux/userns.ts). Entering the namespace takes entering its
 * user namespace first, which a multithreaded process cannot do (setns fails with EINVAL); so a forked,
 * single-threaded child enters both, makes the device and hands its fd back over a socket (SCM_RIGHTS).
 * Between fork and _exit the child makes system calls only, as it must in a copy of a threaded process.
 * Returns the fd (and the capture socket's in `*capture`), or -errno with the failed step described in `what`.
 */
int tun_create_as_owner(const char *userns_path, const char *netns_path, const char *ifname, int *capture,
                                  char *what, size_t what_size) {
  int userns = open(userns_path, O_RDONLY | O_CLOEXEC);
  if (userns < 0) {
    snprintf(what, what_size, "open %s", userns_path);
    return -errno;
  }
  int netns = open(netns_path, O_RDONLY | O_CLOEXEC);
  if (netns < 0) {
    int err = errno;
    close(userns);
    snprintf(what, what_size, "open %s", netns_path);
    return -err;
  }
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) {
    int err = errno;
    close(userns);
    close(netns);
    snprintf(what, what_size, "socketpair");
    return -err;
  }
  pid_t child = fork();
  if (child == 0) child_create_device(pair[1], userns, netns, ifname);
  int err = errno;
  close(pair[1]);
  close(userns);
  close(netns);
  if (child < 0) {
    close(pair[0]);
    snprintf(what, what_size, "fork");
    return -err;
  }
  int report[2] = {-1, EIO};
  union {
    struct cmsghdr header;
    char space[CMSG_SPACE(2 * sizeof(int))];
  } control;
  struct iovec data = {.iov_base = report, .iov_len = sizeof report};
  struct msghdr message = {.msg_iov = &data, .msg_iovlen = 1, .msg_control = control.space, .msg_controllen = sizeof control.space};
  ssize_t n;
  do {
    n = recvmsg(pair[0], &message, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  err = errno;
  close(pair[0]);
  while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
  }
  if (n < 0) {
    snprintf(what, what_size, "recvmsg from the namespace's child");
    return -err;
  }
  struct cmsghdr *header = CMSG_FIRSTHDR(&message);
  if (n == (ssize_t)sizeof report && report[0] == STEP_DONE && header != NULL && header->cmsg_type == SCM_RIGHTS &&
      header->cmsg_len == CMSG_LEN(2 * sizeof(int))) {
    int fds[2];
    memcpy(fds, CMSG_DATA(header), sizeof fds);
    *capture = fds[1];
    return fds[0];
  }
  switch (n == (ssize_t)sizeof report ? report[0] : -1) {
    case STEP_SETNS_USER: snprintf(what, what_size, "setns %s", userns_path); break;
    case STEP_SETNS_NET: snprintf(what, what_size, "setns %s", netns_path); break;
    case STEP_OPEN_TUN: snprintf(what, what_size, "open /dev/net/tun"); break;
    case STEP_TUNSETIFF: snprintf(what, what_size, "ioctl TUNSETIFF %s", ifname); break;
    case STEP_CAPTURE: snprintf(what, what_size, "packet socket on %s (wire-time stamps)", ifname); break;
    default: snprintf(what, what_size, "the namespace's child ended without an answer"); return -EIO;
  }
  return -report[1];
}
