import { expect } from '@open-wc/testing';
import { computeDelay, JITTER, parseRetryAfter } from '../../src/backoff.js';

const options = { baseDelay: 1000, maxDelay: 30000 };
const mid = () => 0.5; // no jitter

describe('backoff', () => {
  describe('computeDelay', () => {
    it('doubles from the base delay each attempt', () => {
      expect([1, 2, 3, 4, 5].map((n) => computeDelay(n, options, mid))).to.deep.equal([1000, 2000, 4000, 8000, 16000]);
    });

    it('is capped at maxDelay', () => {
      expect(computeDelay(6, options, mid)).to.equal(30000);
      expect(computeDelay(50, options, mid)).to.equal(30000);
      expect(computeDelay(50, options, () => 0.999)).to.equal(30000);
    });

    it('jitters within ±25 % of the nominal delay', () => {
      expect(computeDelay(3, options, () => 0)).to.equal(4000 * (1 - JITTER));
      expect(computeDelay(3, options, () => 0.99999)).to.be.closeTo(4000 * (1 + JITTER), 1);
      const seen = new Set(Array.from({ length: 50 }, (_, i) => computeDelay(2, options, () => i / 50)));
      expect(seen.size).to.be.greaterThan(40);
    });

    it("uses the server's retry: field as a floor", () => {
      expect(computeDelay(1, { ...options, serverRetry: 5000 }, mid)).to.equal(5000);
      expect(computeDelay(5, { ...options, serverRetry: 5000 }, mid)).to.equal(16000);
    });

    it('lets Retry-After win, even above the cap', () => {
      expect(computeDelay(1, { ...options, retryAfter: 120000 }, mid)).to.equal(120000);
      expect(computeDelay(4, { ...options, retryAfter: 0 }, mid)).to.equal(0);
    });
  });

  describe('parseRetryAfter', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    it('reads delta-seconds', () => {
      expect(parseRetryAfter('3', now)).to.equal(3000);
      expect(parseRetryAfter(' 0 ', now)).to.equal(0);
    });
    it('reads an HTTP-date relative to now', () => {
      expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:07 GMT', now)).to.equal(7000);
    });
    it('treats a past date as no wait', () => {
      expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).to.equal(0);
    });
    it('ignores absent or unreadable values', () => {
      expect(parseRetryAfter(null, now)).to.equal(undefined);
      expect(parseRetryAfter('soon', now)).to.equal(undefined);
      expect(parseRetryAfter('-5', now)).to.equal(undefined);
      expect(parseRetryAfter('1.5', now)).to.equal(undefined);
    });
  });
});
