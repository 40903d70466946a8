// A @web/test-runner reporter that writes {passed, failed, skipped} over every test of
// every session to a JSON file, so scripts/test.mjs can print one total for all suites.
import { writeFileSync } from 'node:fs';

function count(suite, totals) {
  for (const test of suite.tests) {
    if (test.skipped) totals.skipped++;
    else if (test.passed) totals.passed++;
    else totals.failed++;
  }
  for (const child of suite.suites) count(child, totals);
}

export function summaryFileReporter(file) {
  return {
    onTestRunFinished({ sessions }) {
      if (!file) return;
      const totals = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        const before = totals.failed;
        if (session.testResults) count(session.testResults, totals);
        // A file that failed to load, or threw outside a test, is a failure too.
        if (session.passed === false && totals.failed === before) totals.failed++;
      }
      writeFileSync(file, JSON.stringify(totals));
    },
  };
}
