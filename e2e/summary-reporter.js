// @ts-check
// Prints the closing line "N passed, M failed" on its own line. A test that
// was skipped or never ran counts as failed: this suite must never skip.

/** @implements {import('@playwright/test/reporter').Reporter} */
class SummaryReporter {
  /** @param {import('@playwright/test/reporter').FullConfig} _config
   *  @param {import('@playwright/test/reporter').Suite} suite */
  onBegin(_config, suite) {
    this.suite = suite;
  }

  /** @param {import('@playwright/test/reporter').FullResult} result */
  onEnd(result) {
    let passed = 0;
    let failed = 0;
    for (const t of this.suite ? this.suite.allTests() : []) {
      const o = t.outcome();
      if (o === 'expected' || o === 'flaky') passed += 1;
      else failed += 1;
    }
    // A failed global setup, teardown or time-out is a failure too.
    if (result.status !== 'passed' && failed === 0) failed = 1;
    if (passed + failed === 0) failed = 1;
    process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  }

  printsToStdio() {
    return true;
  }
}

module.exports = SummaryReporter;
