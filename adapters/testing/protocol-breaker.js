'use strict';
// Breaks the protocol at the first write, in the way its argument names:
//   wrong-id   answers with an id that was never asked
//   schema     answers with a field the protocol does not have
//   not-ipv4   sends an IPv6 packet
const how = process.argv[2] ?? 'wrong-id';
require('../starter/js/adapter').runAdapter({
  onCall(message, adapter) {
    if (message.call !== 'write') return false;
    process.stderr.write(`toy: breaking the protocol (${how})\n`);
    if (how === 'wrong-id') adapter.answer(message.id + 100, { bytes: message.bytes });
    else if (how === 'schema') adapter.send({ type: 'result', id: message.id, ok: true, written: message.bytes });
    else adapter.send({ type: 'packet', hex: `6000000000000640${'00'.repeat(32)}` });
    return true;
  },
});
