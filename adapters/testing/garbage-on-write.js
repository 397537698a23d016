'use strict';
// Prints debugging text on stdout at the first write, as an adapter with a stray printf would.
require('./toy-adapter').runToyAdapter({
  onCall(message, toy) {
    if (message.call !== 'write') return false;
    process.stderr.write('toy: debug output is on\n');
    toy.print(`DEBUG tcp_write len=${message.bytes}`);
    toy.answer(message.id, { bytes: message.bytes });
    return true;
  },
});
