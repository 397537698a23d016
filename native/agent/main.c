/*
 * tcpconform-agent: the application side of a target, speaking the adapter protocol's call, result and
 * event lines (protocol.c) and making the calls on real sockets (sockets.c).
 *
 *   tcpconform-agent                    serves stdin/stdout: the linux target runs it inside the target's
 *                                       namespace, and it exits when stdin closes, so it never outlives
 *                                       the harness that started it
 *   tcpconform-agent --listen HOST:PORT serves TCP control connections (listen.c): the raw target's
 *                                       agent on a host of its own
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "listen.h"
#include "serve.h"

int main(int argc, char **argv) {
  /* Writes to a socket the peer reset must fail with EPIPE, not kill the agent. */
  signal(SIGPIPE, SIG_IGN);
  if (argc == 1) return serve(STDIN_FILENO, STDOUT_FILENO);
  if (argc == 3 && strcmp(argv[1], "--listen") == 0) return listen_and_serve(argv[2]);
  fprintf(stderr, "usage: tcpconform-agent [--listen HOST:PORT]\n");
  return 2;
}
