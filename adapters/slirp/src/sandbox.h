#ifndef SLIRP_ADAPTER_SANDBOX_H
#define SLIRP_ADAPTER_SANDBOX_H

enum sandbox {
    SANDBOX_PRIVATE, /* in a new network namespace whose loopback is up */
    SANDBOX_REFUSED, /* the kernel refused: still in the namespace the process started in */
    SANDBOX_BROKEN,  /* in a new namespace whose loopback could not be brought up: unusable */
};

/* Moves the process into a new network namespace with only its loopback, up. */
enum sandbox sandbox_private_loopback(void);

#endif
