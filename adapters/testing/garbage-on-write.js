'use strict';
// Prints debugging text on stdout at the first write, as an adapter with a stray printf would.
require('../starter/js/adapter').runAdapter({
  onCall(message, adapter) {
    if (message.call !== 'write') return false;
    process.stderr.write('toy: debug output is on\n');
    adapter.print(`DEBUG tcp_write len=${message.bytes}`);
    adapter.answer(message.id, { bytes: message.bytes });
    return true;
  },
});
