// @ts-check
/** The story test's tally: one line per check or entry, counted as passed or failed. */

/** @type {{passed: number, failed: number}} */
export const totals = { passed: 0, failed: 0 };

/** @param {boolean} ok @param {string} line */
export function report(ok, line) {
  if (ok) totals.passed++;
  else totals.failed++;
  console.log(`${ok ? '  ok  ' : '  FAIL'} ${line}`);
}

/**
 * One line of the manifest check, `<tag>: <label>`, passed when `bad` is empty: then it ends
 * with how many were checked, else with what is wrong (after `prefix`).
 * @param {string} tag @param {string} label @param {string[]} bad @param {number} count
 * @param {{prefix?: string, separator?: string}} [options]
 */
export function reportList(tag, label, bad, count, { prefix = '', separator = ', ' } = {}) {
  report(bad.length === 0, `${tag}: ${label}${bad.length ? ` — ${prefix}${bad.join(separator)}` : ` (${count})`}`);
}
