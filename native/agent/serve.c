#include "serve.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protocol.h"
#include "sockets.h"

#define MAX_LINE 4096

static int out_fd = -1;

static void write_line(const char *line) {
  size_t length = strlen(line);
  char framed[MAX_LINE + 2];
  if (length > MAX_LINE) length = MAX_LINE;
  memcpy(framed, line, length);
  framed[length++] = '\n';
  for (size_t done = 0; done < length;) {
    ssize_t n = write(out_fd, framed + done, length - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) exit(1); /* the harness is gone */
    done += (size_t)n;
  }
}

/* Splits the input into lines; a line longer than MAX_LINE is answered once and skipped. */
struct line_reader {
  char buffer[MAX_LINE];
  size_t used;
  bool skipping;
};

static void take_lines(struct line_reader *reader, const char *data, size_t length) {
  for (size_t i = 0; i < length; i++) {
    if (data[i] == '\n') {
      if (!reader->skipping) protocol_handle_line(reader->buffer, reader->used);
      reader->used = 0;
      reader->skipping = false;
    } else if (reader->skipping) {
      continue;
    } else if (reader->used == MAX_LINE) {
      protocol_reject_line("line too long");
      reader->skipping = true;
    } else {
      reader->buffer[reader->used++] = data[i];
    }
  }
}

int serve(int in, int out) {
  out_fd = out;
  protocol_init(write_line);
  static struct line_reader reader;
  for (;;) {
    struct pollfd fds[1 + SOCKETS_MAX];
    fds[0] = (struct pollfd){.fd = in, .events = POLLIN};
    int count = 1 + sockets_poll_set(fds + 1, SOCKETS_MAX);
    if (poll(fds, (nfds_t)count, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    /* Sockets first: their entries describe the sockets as they were before any call changes them. */
    sockets_on_ready(fds + 1, count - 1);
    if (fds[0].revents != 0) {
      char data[MAX_LINE];
      ssize_t n = read(in, data, sizeof data);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (reader.used > 0 && !reader.skipping) protocol_handle_line(reader.buffer, reader.used);
        return 0;
      }
      take_lines(&reader, data, (size_t)n);
    }
  }
}
