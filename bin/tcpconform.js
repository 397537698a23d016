#!/usr/bin/env node
'use strict';
// The TypeScript sources run as they are, compiled in memory by esbuild: no build step to forget.
require('esbuild-register/dist/node').register({ target: 'node20' });
require('../src/cli/main')
  .main(process.argv)
  .catch((error) => {
    process.stderr.write(`tcpconform: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.exit(3);
  });
