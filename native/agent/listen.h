/*
 * The agent's TCP transport, for a target on another host (the raw target): `tcpconform-agent --listen
 * HOST:PORT` accepts control connections and serves each as one session, speaking the same lines as the
 * stdin transport.
 */
#ifndef TCPCONFORM_LISTEN_H
#define TCPCONFORM_LISTEN_H

/* Listens on `host_port` ("198.18.1.2:7000") and serves sessions until killed; returns only on failure. */
int listen_and_serve(const char *host_port);

#endif
