'use strict';
// Crashes on the first write, as a stack with a bug in its send path would: a message on stderr, then SIGSEGV.
require('../starter/js/adapter').runAdapter({
  onCall(message) {
    if (message.call !== 'write') return false;
    process.stderr.write('toy: tcp_write: pcb->snd_queuelen overflow, about to crash\n');
    process.kill(process.pid, 'SIGSEGV');
    return true;
  },
});
