/*
 * The agent's protocol: one JSON object per line each way, independent of the transport that carries
 * the lines (stdin/stdout here; a TCP control connection on remote hosts).
 *
 *   requests   {"id":N,"call":"listen","port":P}
 *              {"id":N,"call":"connect","host":"198.18.0.2","port":P,"localPort":Q}   localPort optional
 *              {"id":N,"call":"write","bytes":N}       answers at once; see sockets.c for what is held
 *              {"id":N,"call":"read","bytes":N}        non-blocking; bytes optional (all that is there)
 *              {"id":N,"call":"stop-reading"} {"id":N,"call":"shutdown"}
 *              {"id":N,"call":"close"} {"id":N,"call":"abort"}
 *   responses  {"id":N,"ok":true} {"id":N,"ok":true,"bytes":N} {"id":N,"ok":false,"error":"ECONNREFUSED"}
 *              {"id":N|null,"ok":false,"error":"bad request: ..."}
 *   events     {"event":"accepted","remotePort":P} {"event":"connected"} {"event":"eof"}
 *              {"event":"error","error":"ECONNRESET"}
 */
#ifndef TCPCONFORM_PROTOCOL_H
#define TCPCONFORM_PROTOCOL_H

#include <stddef.h>

/* Sends one line (without its newline) to the harness. */
typedef void (*protocol_output)(const char *line);

void protocol_init(protocol_output output);
/* Handles one request line (without its newline). */
void protocol_handle_line(const char *line, size_t length);
/* Answers a line the transport could not hand over whole, e.g. one too long to buffer. */
void protocol_reject_line(const char *why);

#endif
