'use strict';
// Stops answering at the first write, as a stack stuck in a loop would; it stays alive and reads on.
let hung = false;
require('../starter/js/adapter').runAdapter({
  onCall(message) {
    if (message.call === 'write' && !hung) {
      hung = true;
      process.stderr.write('toy: write: waiting for a lock that never frees\n');
    }
    return hung;
  },
});
