/*
 * One session of the agent: request lines in on one descriptor, answers and events out on another, the
 * sockets polled in between. The stdin transport serves stdin/stdout; the TCP transport serves each
 * control connection (both ends on the one descriptor).
 */
#ifndef TCPCONFORM_SERVE_H
#define TCPCONFORM_SERVE_H

/* Serves until `in` ends or fails (0), or poll fails (1); exits the process when `out` is gone. */
int serve(int in, int out);

#endif
