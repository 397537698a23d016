/*
 * tiny_tcp: see tiny_tcp.h. Laid out like RFC 9293 §3.10 in miniature: user calls, then SEGMENT
 * ARRIVES state by state. It answers every segment at once (no delayed ACK), takes data only in
 * order, and sends what the application writes at once, cut to the peer's MSS and window.
 */
#include "tiny_tcp.h"

#include <string.h>

enum state { CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT };
static const char *const STATE_NAMES[] = {"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
                                          "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT"};

enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };
enum { OUR_MSS = 1460, RECEIVE_BUFFER = 65535, ISS = 100000 };

static struct {
    uint32_t address, peer;
    tiny_tcp_output output;
    tiny_tcp_event event;
    uint16_t listen_port; /* 0: not listening */
} stack;

/* The one connection: RFC 9293's transmission control block, reduced. */
static struct {
    enum state state;
    uint16_t local_port, remote_port;
    uint32_t snd_una, snd_nxt, snd_wnd, rcv_nxt;
    uint16_t peer_mss;
    uint32_t unread;       /* octets received and not yet read: the receive window is what is left */
    uint32_t written;      /* octets written so far: the data is the pattern abc...z */
    int fin_sent;
} tcb;

/* A received segment, its fields in host order. */
struct segment {
    uint32_t src, dst;
    uint16_t src_port, dst_port;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t window, mss; /* mss: 0 when the segment has no MSS option */
    const uint8_t *data;
    uint32_t length;
};

/* --- bytes on the wire --------------------------------------------------------------------- */

static uint32_t sum16(const uint8_t *bytes, size_t length, uint32_t sum) {
    for (size_t i = 0; i + 1 < length; i += 2) sum += (uint32_t)(bytes[i] << 8 | bytes[i + 1]);
    if (length % 2) sum += (uint32_t)bytes[length - 1] << 8;
    return sum;
}

static uint16_t fold(uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

/* Sends one segment from the stack to `dst`:`dst_port`, with an MSS option on a SYN, checksums filled in. */
static void send_segment(uint32_t dst, uint16_t src_port, uint16_t dst_port, uint32_t seq, uint32_t ack, uint8_t flags,
                         const uint8_t *data, size_t length) {
    uint8_t packet[20 + 24 + OUR_MSS];
    size_t options = (flags & SYN) ? 4 : 0;
    size_t tcp_length = 20 + options + length;
    uint8_t *ip = packet, *tcp = packet + 20;
    memset(packet, 0, 20 + 20 + options);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + tcp_length));
    ip[6] = 0x40; /* don't fragment */
    ip[8] = 64;
    ip[9] = 6;
    put32(ip + 12, stack.address);
    put32(ip + 16, dst);
    put16(ip + 10, fold(sum16(ip, 20, 0)));
    put16(tcp, src_port);
    put16(tcp + 2, dst_port);
    put32(tcp + 4, seq);
    put32(tcp + 8, (flags & ACK) ? ack : 0);
    tcp[12] = (uint8_t)((20 + options) / 4) << 4;
    tcp[13] = flags;
    uint32_t window = RECEIVE_BUFFER - tcb.unread;
    put16(tcp + 14, (uint16_t)(window > 0xffff ? 0xffff : window));
    if (options) { tcp[20] = 2; tcp[21] = 4; put16(tcp + 22, OUR_MSS); }
    if (length) memcpy(tcp + 20 + options, data, length);
    uint8_t pseudo[12];
    put32(pseudo, stack.address);
    put32(pseudo + 4, dst);
    pseudo[8] = 0;
    pseudo[9] = 6;
    put16(pseudo + 10, (uint16_t)tcp_length);
    put16(tcp + 16, fold(sum16(tcp, tcp_length, sum16(pseudo, 12, 0))));
    stack.output(packet, 20 + tcp_length);
}

/* A segment on the connection: <SEQ=SND.NXT><ACK=RCV.NXT>. */
static void send_on_connection(uint8_t flags, const uint8_t *data, size_t length) {
    send_segment(stack.peer, tcb.local_port, tcb.remote_port, tcb.snd_nxt, tcb.rcv_nxt, flags, data, length);
}

/* Parses an IPv4 packet carrying TCP; 0 when it is not one this stack takes. */
static int parse(const uint8_t *packet, size_t length, struct segment *s) {
    if (length < 40 || packet[0] >> 4 != 4 || packet[9] != 6) return 0;
    size_t ip_header = (size_t)(packet[0] & 0x0f) * 4, total = get16(packet + 2);
    if (total > length || total < ip_header + 20) return 0;
    const uint8_t *tcp = packet + ip_header;
    size_t tcp_header = (size_t)(tcp[12] >> 4) * 4, tcp_length = total - ip_header;
    if (tcp_header < 20 || tcp_header > tcp_length) return 0;
    /* A segment whose checksum is wrong is dropped unseen (RFC 9293 §3.1, MUST-2). */
    uint8_t pseudo[12];
    memcpy(pseudo, packet + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = 6;
    put16(pseudo + 10, (uint16_t)tcp_length);
    if (fold(sum16(tcp, tcp_length, sum16(pseudo, 12, 0))) != 0) return 0;
    memset(s, 0, sizeof *s);
    s->src = get32(packet + 12);
    s->dst = get32(packet + 16);
    s->src_port = get16(tcp);
    s->dst_port = get16(tcp + 2);
    s->seq = get32(tcp + 4);
    s->ack = get32(tcp + 8);
    s->flags = tcp[13];
    s->window = get16(tcp + 14);
    for (size_t i = 20; i < tcp_header;) { /* options: only MSS matters here */
        uint8_t kind = tcp[i];
        if (kind == 0) break;
        if (kind == 1) { i++; continue; }
        if (i + 1 >= tcp_header || tcp[i + 1] < 2 || i + tcp[i + 1] > tcp_header) break;
        if (kind == 2 && tcp[i + 1] == 4) s->mss = get16(tcp + i + 2);
        i += tcp[i + 1];
    }
    s->data = tcp + tcp_header;
    s->length = (uint32_t)(tcp_length - tcp_header);
    return 1;
}

/* --- user calls (RFC 9293 §3.10.1 - 3.10.6) --------------------------------------------------- */

void tiny_tcp_init(uint32_t address, uint32_t peer, tiny_tcp_output output, tiny_tcp_event event) {
    stack.address = address;
    stack.peer = peer;
    stack.output = output;
    stack.event = event;
}

static void open_connection(enum state state, uint16_t local_port, uint16_t remote_port) {
    memset(&tcb, 0, sizeof tcb);
    tcb.state = state;
    tcb.local_port = local_port;
    tcb.remote_port = remote_port;
    tcb.snd_una = ISS;
    tcb.snd_nxt = ISS + 1;
    tcb.peer_mss = 536; /* RFC 9293 §3.7.1: the default when the peer sends none */
}

const char *tiny_tcp_listen(uint16_t port) {
    stack.listen_port = port;
    return NULL;
}

const char *tiny_tcp_connect(uint16_t port, uint16_t local_port) {
    if (tcb.state != CLOSED) return "EISCONN";
    open_connection(SYN_SENT, local_port ? local_port : 50000, port);
    send_segment(stack.peer, tcb.local_port, tcb.remote_port, ISS, 0, SYN, NULL, 0);
    return NULL;
}

const char *tiny_tcp_write(size_t bytes, size_t *written) {
    if (tcb.state != ESTABLISHED && tcb.state != CLOSE_WAIT) return tcb.state == CLOSED ? "ENOTCONN" : "EPIPE";
    /* No send buffer: what the peer's window takes now is sent, and that is what write reports. */
    uint32_t in_flight = tcb.snd_nxt - tcb.snd_una, room = tcb.snd_wnd > in_flight ? tcb.snd_wnd - in_flight : 0;
    size_t total = bytes < room ? bytes : room;
    for (size_t done = 0; done < total;) {
        uint8_t data[OUR_MSS];
        size_t length = total - done < tcb.peer_mss ? total - done : tcb.peer_mss;
        if (length > OUR_MSS) length = OUR_MSS;
        for (size_t k = 0; k < length; k++) data[k] = (uint8_t)('a' + (tcb.written + k) % 26);
        send_on_connection(ACK | (done + length == total ? PSH : 0), data, length);
        tcb.snd_nxt += (uint32_t)length;
        tcb.written += (uint32_t)length;
        done += length;
    }
    *written = total;
    return NULL;
}

const char *tiny_tcp_read(size_t max, size_t *read) {
    uint32_t before = tcb.unread;
    *read = before < max ? before : max;
    tcb.unread -= (uint32_t)*read;
    /* A window that opened from zero is announced (RFC 9293 §3.8.6.2.2). */
    if (before == RECEIVE_BUFFER && *read > 0 && tcb.state >= ESTABLISHED) send_on_connection(ACK, NULL, 0);
    return NULL;
}

/* Our FIN: ESTABLISHED to FIN-WAIT-1, CLOSE-WAIT to LAST-ACK (RFC 9293 §3.10.4). */
const char *tiny_tcp_shutdown(void) {
    if (tcb.state != ESTABLISHED && tcb.state != CLOSE_WAIT) return tcb.fin_sent ? NULL : "ENOTCONN";
    send_on_connection(FIN | ACK, NULL, 0);
    tcb.snd_nxt++;
    tcb.fin_sent = 1;
    tcb.state = tcb.state == ESTABLISHED ? FIN_WAIT_1 : LAST_ACK;
    return NULL;
}

const char *tiny_tcp_close(void) {
    if (tcb.state == CLOSED || tcb.state == LISTEN) {
        stack.listen_port = 0;
        return NULL;
    }
    if (tcb.state == SYN_SENT) {
        tcb.state = CLOSED;
        return NULL;
    }
    return tiny_tcp_shutdown();
}

const char *tiny_tcp_abort(void) {
    if (tcb.state >= SYN_RECEIVED && tcb.state <= CLOSE_WAIT) send_on_connection(RST | ACK, NULL, 0);
    tcb.state = CLOSED;
    return NULL;
}

const char *tiny_tcp_state(void) {
    if (tcb.state == CLOSED && stack.listen_port != 0) return "LISTEN";
    return STATE_NAMES[tcb.state];
}

/* --- SEGMENT ARRIVES (RFC 9293 §3.10.7) --------------------------------------------------------- */

/* A reset for a segment that belongs to no connection (§3.10.7.1). */
static void reset_for(const struct segment *s) {
    if (s->flags & RST) return;
    if (s->flags & ACK) send_segment(s->src, s->dst_port, s->src_port, s->ack, 0, RST, NULL, 0);
    else send_segment(s->src, s->dst_port, s->src_port, 0, s->seq + s->length + !!(s->flags & SYN) + !!(s->flags & FIN), RST | ACK, NULL, 0);
}

static int seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static int seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }

void tiny_tcp_input(const uint8_t *packet, size_t length) {
    struct segment s;
    if (!parse(packet, length, &s) || s.dst != stack.address) return;
    int ours = tcb.state != CLOSED && s.dst_port == tcb.local_port && s.src_port == tcb.remote_port;

    if (!ours) {
        /* §3.10.7.2 LISTEN: a SYN opens a connection, an ACK is reset, anything else dropped. */
        if (stack.listen_port != s.dst_port || tcb.state != CLOSED) return reset_for(&s);
        if (s.flags & RST) return;
        if (s.flags & ACK) return reset_for(&s);
        if (!(s.flags & SYN)) return;
        open_connection(SYN_RECEIVED, s.dst_port, s.src_port);
        tcb.rcv_nxt = s.seq + 1;
        tcb.snd_wnd = s.window;
        if (s.mss) tcb.peer_mss = s.mss;
        send_segment(stack.peer, tcb.local_port, tcb.remote_port, ISS, tcb.rcv_nxt, SYN | ACK, NULL, 0);
        return;
    }

    if (tcb.state == SYN_SENT) { /* §3.10.7.3 */
        int acceptable = (s.flags & ACK) && s.ack == tcb.snd_nxt;
        if ((s.flags & ACK) && !acceptable) return reset_for(&s);
        if (s.flags & RST) {
            if (acceptable) { tcb.state = CLOSED; stack.event("error", 0, "ECONNREFUSED"); }
            return;
        }
        if (!(s.flags & SYN)) return;
        tcb.rcv_nxt = s.seq + 1;
        tcb.snd_wnd = s.window;
        if (s.mss) tcb.peer_mss = s.mss;
        if (acceptable) {
            tcb.snd_una = s.ack;
            tcb.state = ESTABLISHED;
            send_on_connection(ACK, NULL, 0);
            stack.event("connected", 0, NULL);
        } else { /* simultaneous open */
            tcb.state = SYN_RECEIVED;
            send_segment(stack.peer, tcb.local_port, tcb.remote_port, ISS, tcb.rcv_nxt, SYN | ACK, NULL, 0);
        }
        return;
    }

    /* §3.10.7.4, first: in order only; anything else is answered with an ACK and dropped. A RST is
     * answered only when it falls in the window: a challenge ACK (RFC 5961 §3). */
    if (s.seq != tcb.rcv_nxt) {
        int in_window = seq_lt(tcb.rcv_nxt, s.seq) && seq_lt(s.seq, tcb.rcv_nxt + (RECEIVE_BUFFER - tcb.unread));
        if (!(s.flags & RST) || in_window) send_on_connection(ACK, NULL, 0);
        return;
    }
    /* second: a RST at RCV.NXT ends the connection. */
    if (s.flags & RST) {
        enum state was = tcb.state;
        tcb.state = CLOSED;
        if (was != TIME_WAIT && was != LAST_ACK && was != CLOSING) stack.event("error", 0, "ECONNRESET");
        return;
    }
    /* fourth: a SYN in a synchronized state draws a challenge ACK (RFC 5961 §4). */
    if (s.flags & SYN) return send_on_connection(ACK, NULL, 0);
    /* fifth: the ACK field. */
    if (!(s.flags & ACK)) return;
    if (tcb.state == SYN_RECEIVED) {
        if (s.ack != tcb.snd_nxt) return reset_for(&s);
        tcb.snd_una = s.ack;
        tcb.state = ESTABLISHED;
        stack.event("accepted", tcb.remote_port, NULL);
    } else if (seq_lt(tcb.snd_nxt, s.ack)) {
        return send_on_connection(ACK, NULL, 0); /* it acknowledges something not yet sent */
    } else if (seq_lt(tcb.snd_una, s.ack)) {
        tcb.snd_una = s.ack;
    }
    if (seq_le(tcb.snd_una, s.ack)) tcb.snd_wnd = s.window;
    int fin_acked = tcb.fin_sent && tcb.snd_una == tcb.snd_nxt;
    if (tcb.state == FIN_WAIT_1 && fin_acked) tcb.state = FIN_WAIT_2;
    if (tcb.state == CLOSING && fin_acked) tcb.state = TIME_WAIT;
    if (tcb.state == LAST_ACK && fin_acked) { tcb.state = CLOSED; return; }
    /* seventh: text, taken while the connection can still receive and the window has room. */
    int receiving = tcb.state == ESTABLISHED || tcb.state == FIN_WAIT_1 || tcb.state == FIN_WAIT_2;
    uint32_t taken = 0;
    if (receiving && s.length > 0) {
        uint32_t room = RECEIVE_BUFFER - tcb.unread;
        taken = s.length < room ? s.length : room;
        tcb.rcv_nxt += taken;
        tcb.unread += taken;
    }
    /* eighth: a FIN right after the text taken. */
    int fin = (s.flags & FIN) && taken == s.length && tcb.state != CLOSE_WAIT && tcb.state != LAST_ACK && tcb.state != CLOSING;
    if (fin) {
        tcb.rcv_nxt++;
        if (tcb.state == ESTABLISHED) tcb.state = CLOSE_WAIT;
        else if (tcb.state == FIN_WAIT_1) tcb.state = CLOSING;
        else if (tcb.state == FIN_WAIT_2) tcb.state = TIME_WAIT;
    }
    if (s.length > 0 || (s.flags & FIN)) send_on_connection(ACK, NULL, 0);
    if (fin) stack.event("eof", 0, NULL);
}
