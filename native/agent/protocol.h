/*
 * The agent's protocol: the application-call messages of the adapter protocol (docs/adapter-protocol.md),
 * one JSON object per line each way, independent of the transport that carries the lines (stdin/stdout
 * here; a TCP control connection on remote hosts). The agent sends no hello and takes no packets or
 * advances: the packets go through the TUN, and its clock is the real one.
 *
 *   calls    {"type":"call","id":N,"call":"listen","port":P}
 *            {"type":"call","id":N,"call":"connect","host":"198.18.0.2","port":P,"localPort":Q}   localPort optional
 *            {"type":"call","id":N,"call":"write","bytes":N}   answers at once; see sockets.c for what is held
 *            {"type":"call","id":N,"call":"write-urgent","bytes":N}   the same, as urgent data (MSG_OOB)
 *            {"type":"call","id":N,"call":"read","bytes":N}    non-blocking; bytes optional (all that is there)
 *            {"type":"call","id":N,"call":"set-option","name":"keepalive-idle","value":1000}   options.h
 *            {"type":"call","id":N,"call":"stop-reading"} ... "shutdown" "close" "abort" "state" "at-mark"
 *   results  {"type":"result","id":N,"ok":true} {"type":"result","id":N,"ok":true,"bytes":N}
 *            {"type":"result","id":N,"ok":true,"bytes":N,"eof":true}   the read reached the peer's FIN
 *            {"type":"result","id":N,"ok":true,"state":"TIME-WAIT"} {"type":"result","id":N,"ok":true,"atMark":true}
 *            {"type":"result","id":N,"ok":false,"error":"ECONNREFUSED"}
 *            {"type":"result","id":N|null,"ok":false,"error":"bad request: ..."}
 *   events   {"type":"event","event":"accepted","remotePort":P} {"type":"event","event":"connected"}
 *            {"type":"event","event":"eof"} {"type":"event","event":"closing"} {"type":"event","event":"urgent"}
 *            {"type":"event","event":"error","error":"ECONNRESET"}
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
