/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, after Jest's own summary, so a
 * CI log reader that knows no Jest still sees how many tests ran.
 */
export default class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(
      `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`,
    );
  }
}
