// A jest reporter that ends every run with the tests it skipped and why, so that a green run on a
// machine that could not host something says so. A test skipped for a reason carries the reason in its
// name ("... (skipped: /dev/net/tun ...)" or "... skipped: written for rfc5961Rst false"), because
// jest's test.skip takes no message.
'use strict';

class SkippedReasonsReporter {
  constructor(globalConfig) {
    // With -t, every test the pattern leaves out counts as skipped too: then only skips carrying a
    // reason are listed.
    this.filtered = Boolean(globalConfig.testNamePattern);
  }

  onRunComplete(_contexts, results) {
    const skipped = [];
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        const wasSkipped = test.status === 'pending' || test.status === 'skipped' || test.status === 'todo';
        if (wasSkipped && (!this.filtered || /skipped/.test(test.fullName))) {
          skipped.push(`  ${file.testFilePath.replace(`${process.cwd()}/`, '')}: ${test.fullName}`);
        }
      }
    }
    if (skipped.length === 0) return;
    process.stderr.write(`\nSkipped tests (${skipped.length}), each with its reason:\n${skipped.join('\n')}\n`);
  }
}

module.exports = SkippedReasonsReporter;
