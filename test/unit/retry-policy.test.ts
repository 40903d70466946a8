import { expect } from '@open-wc/testing';
import { computeDelay } from '../../src/backoff.js';
import {
  decideRetry,
  SILENT_FAILURES_BEFORE_POLL,
  type RetryConfig,
  type RetryEnvironment,
  type RetryState,
} from '../../src/retry-policy.js';
import { SseChatError } from '../../src/types.js';

const config: RetryConfig = { maxRetries: 3, retryDelay: 1000, retryMaxDelay: 30000, pollEndpoint: undefined };
const withPoll: RetryConfig = { ...config, pollEndpoint: '/api/poll' };
const online: RetryEnvironment = { offline: false, random: () => 0.5 }; // no jitter
const offline: RetryEnvironment = { ...online, offline: true };
/** What the failed attempt received: no byte, and no byte because it stalled past the heartbeat. */
const silent = { bytes: 0 };
const stalled = { bytes: 0, reason: 'heartbeat' };

/** A run that streamed some events with ids, then broke. */
const state = (changes: Partial<RetryState> = {}): RetryState => ({
  transport: 'sse',
  retry: 0,
  silentFailures: 0,
  resumable: true,
  unanchored: false,
  serverRetry: undefined,
  current: { bytes: 120 },
  ...changes,
});

const cut = () => new SseChatError('network', 'the stream closed before the answer finished', { retryable: true });
const notFound = () => new SseChatError('http', 'HTTP 404 Not Found', { status: 404 });
const heartbeat = () => new SseChatError('timeout', 'no data for 400 ms', { retryable: true });
const wrongType = () =>
  new SseChatError('content-type', 'expected text/event-stream but the server sent "text/html" (HTTP 200)');

describe('retry policy', () => {
  describe('giving up', () => {
    it('gives up on a failure that is not retryable, with that very error', () => {
      const failure = notFound();
      expect(decideRetry(failure, state(), config, online)).to.deep.equal({
        action: 'give-up',
        error: failure,
        transport: 'sse',
      });
    });

    it('gives up once the retries are spent, naming the count and the last failure', () => {
      const failure = cut();
      const decision = decideRetry(failure, state({ retry: 3 }), config, online);
      expect(decision.action).to.equal('give-up');
      expect(decision.error).to.include({ type: 'retries-exhausted', retryable: false, cause: failure });
      expect(decision.error.message).to.equal('gave up after 3 retries: the stream closed before the answer finished');
    });

    it('says "retry" for one, and gives up at once with none allowed', () => {
      expect(decideRetry(cut(), state({ retry: 1 }), { ...config, maxRetries: 1 }, online).error.message).to.match(
        /^gave up after 1 retry: /,
      );
      expect(decideRetry(cut(), state(), { ...config, maxRetries: 0 }, online).error.message).to.match(
        /^gave up after 0 retries: /,
      );
    });

    it('gives up on a non-retryable failure even while offline', () => {
      expect(decideRetry(notFound(), state(), config, offline).action).to.equal('give-up');
    });
  });

  describe('retrying', () => {
    it('retries with the next attempt number and its backoff delay', () => {
      const failure = cut();
      expect(decideRetry(failure, state(), config, online)).to.deep.equal({
        action: 'retry',
        error: failure,
        attempt: 1,
        delayMs: 1000,
        transport: 'sse',
        silentFailures: 0,
        resume: true,
        restart: false,
      });
      const third = decideRetry(cut(), state({ retry: 2 }), config, online);
      expect(third).to.include({ action: 'retry', attempt: 3, delayMs: 4000 });
    });

    it('jitters the delay with the random source, as computeDelay does', () => {
      const decision = decideRetry(cut(), state({ retry: 1 }), config, { offline: false, random: () => 0 });
      const expected = computeDelay(2, { baseDelay: 1000, maxDelay: 30000 }, () => 0);
      expect(decision).to.include({ action: 'retry', delayMs: expected });
      expect(expected).to.equal(1500);
    });

    it("waits what Retry-After says, and at least the server's retry: field", () => {
      const limited = new SseChatError('http', 'HTTP 503', { status: 503, retryable: true, retryAfterMs: 120000 });
      expect(decideRetry(limited, state(), config, online)).to.include({ action: 'retry', delayMs: 120000 });
      expect(decideRetry(cut(), state({ serverRetry: 5000 }), config, online)).to.include({
        action: 'retry',
        delayMs: 5000,
      });
    });

    it('resumes a run that knows its offset', () => {
      expect(decideRetry(cut(), state({ resumable: true }), config, online)).to.include({
        resume: true,
        restart: false,
      });
    });

    it('asks an id-less answer again, replacing the text shown only when there is some', () => {
      expect(decideRetry(cut(), state({ resumable: false, unanchored: true }), config, online)).to.include({
        resume: false,
        restart: true,
      });
      expect(decideRetry(cut(), state({ resumable: false, unanchored: false }), config, online)).to.include({
        resume: false,
        restart: false,
      });
    });

    it('replaces unanchored text even when the next request resumes (resume() from 0, polling)', () => {
      expect(decideRetry(cut(), state({ resumable: true, unanchored: true }), config, online)).to.include({
        resume: true,
        restart: true,
      });
    });
  });

  describe('offline', () => {
    it('waits for the network without spending a retry, even with none left', () => {
      const failure = cut();
      expect(decideRetry(failure, state({ retry: 3 }), config, offline)).to.deep.equal({
        action: 'wait-online',
        error: failure,
        transport: 'sse',
        silentFailures: 0,
        resume: true,
        restart: false,
      });
    });

    it('says how the attempt after the wait goes', () => {
      expect(decideRetry(cut(), state({ resumable: false, unanchored: true }), config, offline)).to.include({
        action: 'wait-online',
        resume: false,
        restart: true,
      });
    });
  });

  describe('falling back to polling', () => {
    it('never without a poll endpoint', () => {
      const decision = decideRetry(heartbeat(), state({ current: stalled, silentFailures: 5 }), config, online);
      expect(decision).to.include({ action: 'retry', transport: 'sse', silentFailures: 5 });
    });

    it('never after an attempt that received bytes, and does not count it as silent', () => {
      const decision = decideRetry(
        heartbeat(),
        state({ current: { bytes: 120, reason: 'heartbeat' }, silentFailures: 1 }),
        withPoll,
        online,
      );
      expect(decision).to.include({ action: 'retry', transport: 'sse', silentFailures: 1 });
    });

    it('at once after a byte-less heartbeat stall (a buffering proxy)', () => {
      const failure = heartbeat();
      const decision = decideRetry(failure, state({ current: stalled }), withPoll, online);
      expect(decision).to.include({ action: 'retry', attempt: 1, transport: 'poll', silentFailures: 1, resume: true });
      expect(decision.error).to.include({ type: 'timeout', retryable: true, cause: failure });
      expect(decision.error.message).to.equal('no data for 400 ms; switching to polling');
    });

    it('not after a byte-less timeout that was no stall (the connect timeout)', () => {
      const decision = decideRetry(
        heartbeat(),
        state({ current: { bytes: 0, reason: 'connect-timeout' } }),
        withPoll,
        online,
      );
      expect(decision).to.include({ action: 'retry', transport: 'sse', silentFailures: 1 });
    });

    it('at once after a wrong content type (a proxy error page), which becomes retryable', () => {
      const decision = decideRetry(wrongType(), state({ current: silent }), withPoll, online);
      expect(decision).to.include({ action: 'retry', transport: 'poll' });
      expect(decision.error).to.include({ type: 'content-type', retryable: true });
      expect(decision.error.message).to.match(/\(HTTP 200\); switching to polling$/);
    });

    it(`after ${SILENT_FAILURES_BEFORE_POLL} byte-less retryable failures in a row`, () => {
      const first = decideRetry(cut(), state({ current: silent }), withPoll, online);
      expect(first).to.include({ action: 'retry', transport: 'sse', silentFailures: 1 });
      const second = decideRetry(cut(), state({ current: silent, silentFailures: 1, retry: 1 }), withPoll, online);
      expect(second).to.include({ action: 'retry', attempt: 2, transport: 'poll', silentFailures: 2 });
    });

    it('counts a byte-less failure that is not retryable, and gives up on it', () => {
      const failure = notFound();
      const decision = decideRetry(failure, state({ current: silent, silentFailures: 1 }), withPoll, online);
      expect(decision).to.deep.equal({ action: 'give-up', error: failure, transport: 'sse' });
    });

    it('switches even when the switch spends the last retry, and ends on the poll transport', () => {
      const decision = decideRetry(heartbeat(), state({ current: stalled, retry: 3 }), withPoll, online);
      expect(decision).to.include({ action: 'give-up', transport: 'poll' });
      expect(decision.error.message).to.equal('gave up after 3 retries: no data for 400 ms; switching to polling');
    });

    it('switches before waiting for the network', () => {
      const decision = decideRetry(heartbeat(), state({ current: stalled }), withPoll, offline);
      expect(decision).to.include({ action: 'wait-online', transport: 'poll', resume: true });
    });

    it('counts nothing when no attempt was made', () => {
      expect(decideRetry(cut(), state({ current: undefined }), withPoll, online)).to.include({
        transport: 'sse',
        silentFailures: 0,
      });
    });

    it('once polling, counts nothing and always resumes (a poll always sends its offset)', () => {
      const decision = decideRetry(
        cut(),
        state({ transport: 'poll', current: silent, silentFailures: 2, resumable: false }),
        withPoll,
        online,
      );
      expect(decision).to.include({
        action: 'retry',
        transport: 'poll',
        silentFailures: 2,
        resume: true,
        restart: false,
      });
    });
  });
});
