/*
 * Everything the adapter writes on stdout: protocol lines, buffered, flushed once an input line has
 * been handled (the harness reads a result as proof that what came before it has been written).
 */
#ifndef LWIP_ADAPTER_OUT_H
#define LWIP_ADAPTER_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void out_init(void);
void out_flush(void);

void out_hello(void);
void out_packet(const uint8_t *bytes, size_t length, double time_ms);

/* Results. `id` < 0 writes "id":null (a request whose id could not be read). */
void out_ok(long long id);
void out_ok_bytes(long long id, long long bytes);
void out_ok_read(long long id, long long bytes, bool eof);
void out_ok_state(long long id, const char *state);
void out_ok_now(long long id, double now_ms);
void out_error(long long id, const char *error);
void out_bad_request(long long id, const char *why);

void out_event_accepted(int remote_port);
void out_event_connected(void);
void out_event_closing(void);
void out_event_eof(void);
void out_event_error(const char *error);

#endif
