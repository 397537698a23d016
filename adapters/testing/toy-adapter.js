'use strict';
/**
 * A toy adapter for the harness's own tests: just enough TCP for a passive open and a little data,
 * a virtual clock with no timers, and hooks through which the misbehaving adapters beside it break
 * the protocol on purpose. It shares no code with the harness, as a real adapter would not.
 *
 * Written for tests only: one connection, no retransmission, no windows. Not a TCP.
 */
const readline = require('node:readline');

const ADDRESS = [198, 18, 0, 1];
const PEER = [198, 18, 0, 2];
const ISN = 5000;
const SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, FIN = 0x01;

function sum16(bytes, start = 0) {
  let sum = start;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** An IPv4 packet from ADDRESS to PEER carrying one TCP segment, checksums filled in. */
function segment({ srcPort, dstPort, seq, ack, flags, payload = Buffer.alloc(0), mss }) {
  const options = mss === undefined ? Buffer.alloc(0) : Buffer.from([2, 4, mss >> 8, mss & 0xff]);
  const tcp = Buffer.alloc(20 + options.length + payload.length);
  tcp.writeUInt16BE(srcPort, 0);
  tcp.writeUInt16BE(dstPort, 2);
  tcp.writeUInt32BE(seq >>> 0, 4);
  tcp.writeUInt32BE(ack >>> 0, 8);
  tcp[12] = ((20 + options.length) / 4) << 4;
  tcp[13] = flags;
  tcp.writeUInt16BE(65535, 14);
  options.copy(tcp, 20);
  payload.copy(tcp, 20 + options.length);
  const pseudo = Buffer.from([...ADDRESS, ...PEER, 0, 6, tcp.length >> 8, tcp.length & 0xff]);
  tcp.writeUInt16BE(~sum16(tcp, sum16(pseudo)) & 0xffff, 16);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + tcp.length, 2);
  ip[8] = 64;
  ip[9] = 6;
  Buffer.from(ADDRESS).copy(ip, 12);
  Buffer.from(PEER).copy(ip, 16);
  ip.writeUInt16BE(~sum16(ip) & 0xffff, 10);
  return Buffer.concat([ip, tcp]);
}

function parse(hex) {
  const ip = Buffer.from(hex, 'hex');
  const tcp = ip.subarray((ip[0] & 0x0f) * 4);
  return {
    srcPort: tcp.readUInt16BE(0),
    dstPort: tcp.readUInt16BE(2),
    seq: tcp.readUInt32BE(4),
    flags: tcp[13],
    payloadLength: tcp.length - (tcp[12] >> 4) * 4,
  };
}

/**
 * Runs the toy adapter. `hooks.onCall(message, toy)` may handle a call itself (return true) to
 * misbehave; `toy.print(line)` writes a raw line, `toy.answer(id, fields)` a result.
 */
function runToyAdapter(hooks = {}) {
  const out = (line) => process.stdout.write(`${line}\n`);
  const send = (message) => out(JSON.stringify(message));
  let now = 0;
  let listening;
  let conn; // { localPort, remotePort, sndNxt, rcvNxt }
  let written = 0;
  const toy = {
    print: out,
    send,
    answer: (id, fields = {}) => send({ type: 'result', id, ok: true, ...fields }),
    packet: (bytes) => send({ type: 'packet', hex: bytes.toString('hex'), time: now }),
  };

  function onPacket(hex) {
    const s = parse(hex);
    if (s.flags & RST) return;
    if (s.flags & SYN && listening === s.dstPort && conn === undefined) {
      conn = { localPort: s.dstPort, remotePort: s.srcPort, sndNxt: ISN + 1, rcvNxt: s.seq + 1, established: false };
      toy.packet(segment({ srcPort: s.dstPort, dstPort: s.srcPort, seq: ISN, ack: conn.rcvNxt, flags: SYN | ACK, mss: 1460 }));
      return;
    }
    if (conn === undefined || s.dstPort !== conn.localPort) {
      const ack = s.seq + s.payloadLength + (s.flags & SYN ? 1 : 0) + (s.flags & FIN ? 1 : 0);
      toy.packet(segment({ srcPort: s.dstPort, dstPort: s.srcPort, seq: 0, ack, flags: RST | ACK }));
      return;
    }
    if (!conn.established && s.flags & ACK) {
      conn.established = true;
      send({ type: 'event', event: 'accepted', remotePort: conn.remotePort });
    }
    const length = s.payloadLength + (s.flags & FIN ? 1 : 0);
    if (length > 0) {
      conn.rcvNxt = s.seq + length;
      toy.packet(segment({ srcPort: conn.localPort, dstPort: conn.remotePort, seq: conn.sndNxt, ack: conn.rcvNxt, flags: ACK }));
    }
  }

  function onCall(message) {
    if (hooks.onCall?.(message, toy)) return;
    switch (message.call) {
      case 'listen':
        listening = message.port;
        return toy.answer(message.id);
      case 'write': {
        if (!conn) return send({ type: 'result', id: message.id, ok: false, error: 'ENOTCONN' });
        const payload = Buffer.from(Array.from({ length: message.bytes }, (_, k) => 97 + ((written + k) % 26)));
        written += message.bytes;
        toy.packet(segment({ srcPort: conn.localPort, dstPort: conn.remotePort, seq: conn.sndNxt, ack: conn.rcvNxt, flags: PSH | ACK, payload }));
        conn.sndNxt += message.bytes;
        return toy.answer(message.id, { bytes: message.bytes });
      }
      case 'read':
        return toy.answer(message.id, { bytes: 0 });
      case 'state':
        return toy.answer(message.id, { state: conn ? 'ESTABLISHED' : listening ? 'LISTEN' : 'CLOSED' });
      default:
        return toy.answer(message.id);
    }
  }

  send({
    type: 'hello',
    protocol: 1,
    stack: { name: 'toy', version: '0' },
    address: ADDRESS.join('.'),
    peer: PEER.join('.'),
    capabilities: { calls: ['listen', 'write', 'read', 'close', 'state'], clock: 'virtual', notes: ['a toy for the harness tests'] },
  });
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const message = JSON.parse(line);
    if (message.type === 'packet') onPacket(message.hex);
    else if (message.type === 'call') onCall(message);
    else if (message.type === 'advance') {
      // No timers: nothing happens between now and `to`.
      now = Math.max(now, message.to);
      toy.answer(message.id, { now });
    }
  });
}

module.exports = { runToyAdapter };

if (require.main === module) runToyAdapter();
