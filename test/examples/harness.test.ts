/**
 * The example tests assert `page.problems` is empty: this checks that the page harness
 * (test/helpers/example-page.ts) really sees a page's complaints, starting with its first
 * script, so an empty list means a quiet page rather than deaf hooks.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { openPage } from '../helpers/example-page.js';

describe('the example page harness', () => {
  it("records console.error/warn, uncaught errors and unhandled rejections from the page's first script on", async () => {
    const page = await openPage('/test/fixtures/noisy-page.html');
    try {
      await waitUntil(() => page.problems.length === 4, `four problems, got: ${page.problems.join(' | ')}`);
      expect(page.problems[0]).to.equal('console.error: logged by the first script');
      expect(page.problems[1]).to.match(/^uncaught: Uncaught Error: thrown by the page/);
      expect(page.problems.slice(2).sort()).to.deep.equal(
        ['console.warn: a warning', 'unhandled rejection: Error: never handled'].sort(),
      );
      expect(page.doc.scripts, "the harness's own script removed itself").to.have.length(3);
    } finally {
      page.close();
    }
  });
});
