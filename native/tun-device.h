/* Making a TUN device inside a network namespace, with its capture socket (see tun-device.c). */
#ifndef TCPCONFORM_TUN_DEVICE_H
#define TCPCONFORM_TUN_DEVICE_H

#include <stddef.h>

/*
 * Creates TUN device `ifname` in the calling thread's network namespace, and its capture socket into
 * `*capture`. Returns the fd, or -errno with the failed step described in `what`.
 */
int tun_create_here(const char *ifname, int *capture, char *what, size_t what_size);

/*
 * Creates it in the network namespace at `netns_path`, owned by the user namespace at `userns_path`,
 * which the caller is not in (the linux target without root). Same returns.
 */
int tun_create_as_owner(const char *userns_path, const char *netns_path, const char *ifname, int *capture, char *what,
                        size_t what_size);

#endif
