#!/usr/bin/env node
'use strict';
/**
 * An adapter in JavaScript: the adapter protocol (docs/adapter-protocol.md) around a toy TCP that knows
 * just enough for a passive open and a little data. Read it as a walk through the protocol; put your
 * own stack where the toy's functions are.
 *
 *   tcpconform adapter-check 'node adapters/starter/js/adapter.js'
 *   tcpconform run --target adapter --adapter 'node adapters/starter/js/adapter.js' --id handshake/passive-open
 *
 * The toy: one connection, on a virtual clock with no timers; no retransmission, no window, no FIN.
 * tcpconform's misbehaving test adapters (adapters/testing/) build on it through `hooks`.
 */
const readline = require('node:readline');

// Addresses: the stack's own and the peer's (the harness). Both must lie in 198.18.0.0/15.
const ADDRESS = [198, 18, 0, 1];
const PEER = [198, 18, 0, 2];
const ISN = 5000;
const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;

// --- the toy TCP: IPv4 and TCP bytes, by hand ---------------------------------------------------

/** The 16-bit one's complement sum of `bytes`, added to `start`. */
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

/** The fields of an incoming IPv4 packet's TCP segment the toy looks at. */
function parse(bytes) {
  const tcp = bytes.subarray((bytes[0] & 0x0f) * 4);
  return {
    srcPort: tcp.readUInt16BE(0),
    dstPort: tcp.readUInt16BE(2),
    seq: tcp.readUInt32BE(4),
    flags: tcp[13],
    payloadLength: tcp.length - (tcp[12] >> 4) * 4,
  };
}

// --- the protocol -------------------------------------------------------------------------------

/**
 * Runs the adapter until its stdin ends. `hooks.onCall(message, adapter)` may answer a call itself
 * (and return true), which is how the test adapters misbehave; `adapter.print(line)` writes any line.
 */
function runAdapter(hooks = {}) {
  // One JSON object per line on stdout; nothing else may go there (debugging output goes to stderr).
  const print = (line) => process.stdout.write(`${line}\n`);
  const send = (message) => print(JSON.stringify(message));
  const answer = (id, fields = {}) => send({ type: 'result', id, ok: true, ...fields });
  const fail = (id, error) => send({ type: 'result', id, ok: false, error });
  /** Virtual time in ms: it moves only when the harness says `advance`. Packets carry it. */
  let now = 0;
  const sendPacket = (bytes) => send({ type: 'packet', hex: bytes.toString('hex'), time: now });

  let listening; // the port the application listens on
  let conn; // the one connection: { localPort, remotePort, sndNxt, rcvNxt, established }
  let written = 0; // octets written so far: the data is the pattern abc…z, repeating

  /** A packet from the harness: what the stack does with it, answered at once (before the next line). */
  function onPacket(hex) {
    const bytes = Buffer.from(hex, 'hex');
    if (bytes.length < 40 || bytes[0] >> 4 !== 4 || bytes[9] !== 6) return; // not IPv4 TCP: dropped
    const s = parse(bytes);
    if (s.flags & RST) return;
    if (s.flags & SYN && listening === s.dstPort && conn === undefined) {
      conn = { localPort: s.dstPort, remotePort: s.srcPort, sndNxt: ISN + 1, rcvNxt: s.seq + 1, established: false };
      sendPacket(segment({ srcPort: s.dstPort, dstPort: s.srcPort, seq: ISN, ack: conn.rcvNxt, flags: SYN | ACK, mss: 1460 }));
      return;
    }
    if (conn === undefined || s.dstPort !== conn.localPort) {
      // Nobody listens: RFC 9293 §3.10.7.1's reset for a segment without ACK.
      const ack = s.seq + s.payloadLength + (s.flags & SYN ? 1 : 0) + (s.flags & FIN ? 1 : 0);
      sendPacket(segment({ srcPort: s.dstPort, dstPort: s.srcPort, seq: 0, ack, flags: RST | ACK }));
      return;
    }
    if (!conn.established && s.flags & ACK) {
      conn.established = true;
      // Events are written as soon as the stack signals them: the harness stamps them on arrival.
      send({ type: 'event', event: 'accepted', remotePort: conn.remotePort });
    }
    const length = s.payloadLength + (s.flags & FIN ? 1 : 0);
    if (length > 0) {
      conn.rcvNxt = s.seq + length;
      sendPacket(segment({ srcPort: conn.localPort, dstPort: conn.remotePort, seq: conn.sndNxt, ack: conn.rcvNxt, flags: ACK }));
    }
  }

  /** An application call: every one gets exactly one result, with its id, in the order they came. */
  function onCall(message) {
    if (hooks.onCall?.(message, adapter)) return;
    switch (message.call) {
      case 'listen':
        listening = message.port;
        return answer(message.id);
      case 'write': {
        if (!conn) return fail(message.id, 'ENOTCONN');
        const payload = Buffer.from(Array.from({ length: message.bytes }, (_, k) => 97 + ((written + k) % 26)));
        written += message.bytes;
        sendPacket(segment({ srcPort: conn.localPort, dstPort: conn.remotePort, seq: conn.sndNxt, ack: conn.rcvNxt, flags: PSH | ACK, payload }));
        conn.sndNxt += message.bytes;
        return answer(message.id, { bytes: message.bytes });
      }
      case 'read':
        return answer(message.id, { bytes: 0 }); // the toy keeps no received data
      case 'state':
        return answer(message.id, { state: conn ? (conn.established ? 'ESTABLISHED' : 'SYN-RECEIVED') : listening ? 'LISTEN' : 'CLOSED' });
      case 'close':
        return answer(message.id); // the toy sends no FIN
      default:
        // Calls the hello does not claim are never sent; anything else is a request this adapter cannot read.
        return fail(message.id, `bad request: unknown call ${JSON.stringify(message.call)}`);
    }
  }

  /** The virtual clock: run the stack's timers up to `to` (the toy has none) and answer with the time reached. */
  function onAdvance(message) {
    now = Math.max(now, message.to);
    answer(message.id, { now });
  }

  const adapter = { print, send, answer, sendPacket };

  // The first line, unprompted: who the stack is, where it is, what it can do.
  send({
    type: 'hello',
    protocol: 1,
    stack: { name: 'toy', version: '0' },
    address: ADDRESS.join('.'),
    peer: PEER.join('.'),
    capabilities: { calls: ['listen', 'write', 'read', 'close', 'state'], clock: 'virtual', families: ['ipv4'], notes: ['a toy TCP: no FIN, no retransmission, no window'] },
  });

  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      // Not even an id to answer to: a bad request with id null.
      return fail(null, 'bad request: not JSON');
    }
    if (message.type === 'packet') onPacket(message.hex);
    else if (message.type === 'call') onCall(message);
    else if (message.type === 'advance') onAdvance(message);
    else fail(Number.isInteger(message.id) && message.id > 0 ? message.id : null, `bad request: unknown type ${JSON.stringify(message.type)}`);
  });
  // The harness closes stdin at the end of a case: the adapter exits with status 0 (readline's end).
}

module.exports = { runAdapter };

if (require.main === module) runAdapter();
