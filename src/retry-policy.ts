/**
 * What a run does after an attempt failed, as one pure function: give up, wait for the
 * network, or retry after a backoff delay — and whether the next attempt resumes, asks the
 * answer again, or polls. No timers, no DOM: the controller carries the decision out.
 */
import { computeDelay } from './backoff.js';
import type { StreamConfig, Transport } from './stream-types.js';
import { SseChatError } from './types.js';

/** After this many SSE attempts in a row without a byte, event streams are taken to be blocked. */
export const SILENT_FAILURES_BEFORE_POLL = 2;

/** What the run knows when an attempt fails (a `Run` is one). */
export interface RetryState {
  /** The transport of the failed attempt. */
  transport: Transport;
  /** Reconnect attempts since data last flowed (the failed one's number, `0` for the first request). */
  retry: number;
  /** SSE attempts in a row, before this one, that failed without a byte. */
  silentFailures: number;
  /** The run can continue where it broke: it received a sequence number or started from an offset. */
  resumable: boolean;
  /** Text is shown that no sequence number anchors: the next response replaces it. */
  unanchored: boolean;
  /** The server's `retry:` field, ms. */
  serverRetry: number | undefined;
  /** The attempt that failed: the body bytes it received, and why we aborted it (`heartbeat`: a stall). */
  current: { readonly bytes: number; readonly reason?: string | undefined } | undefined;
}

/** What the policy reads of the world. */
export interface RetryEnvironment {
  /** The browser says it is offline. */
  offline: boolean;
  /** A uniform source in [0, 1) for the backoff jitter, e.g. `Math.random`. */
  random: () => number;
}

export type RetryConfig = Pick<StreamConfig, 'maxRetries' | 'retryDelay' | 'retryMaxDelay' | 'pollEndpoint'>;

/** How the next attempt goes. */
export interface NextAttempt {
  transport: Transport;
  /** The new count of silent SSE failures. */
  silentFailures: number;
  /** It continues from the offset (`offset`, `last-event-id`). */
  resume: boolean;
  /** It asks the answer again: its first content (or end) replaces the text shown. */
  restart: boolean;
}

export type RetryDecision =
  /** The answer ends in `error`. `transport` is the one the run ends on. */
  | { action: 'give-up'; error: SseChatError; transport: Transport }
  /** Wait for the `online` event, then reconnect at once: the network's absence costs no retry. */
  | ({ action: 'wait-online'; error: SseChatError } & NextAttempt)
  /** Reconnect attempt `attempt` (`1..maxRetries`) after `delayMs`. */
  | ({ action: 'retry'; error: SseChatError; attempt: number; delayMs: number } & NextAttempt);

/**
 * Decides what follows a failed attempt.
 *
 * - A byte-less SSE failure, when a poll endpoint is set, may mean a proxy holds or replaces
 *   the event stream: a heartbeat stall or a wrong content type switches to polling at once,
 *   other retryable failures after {@link SILENT_FAILURES_BEFORE_POLL} in a row. The switch
 *   makes the failure retryable and is itself a retry.
 * - A failure that is not retryable gives up with that error.
 * - Offline, the run waits for the network without spending a retry.
 * - Otherwise the retry count goes up; past `maxRetries` the run gives up, else it waits
 *   `computeDelay()` (`Retry-After` and the server's `retry:` included).
 *
 * The next attempt resumes when the run knows its offset, started from one, or polls (which
 * always sends one); else the answer is asked again. Either way, text that no sequence number
 * anchors is replaced by the next response instead of added to.
 *
 * @example
 * const decision = decideRetry(failure, run, config, { offline: !navigator.onLine, random: Math.random });
 * if (decision.action === 'give-up') end('error', decision.error);
 * else if (decision.action === 'retry') await sleep(decision.delayMs);
 */
export function decideRetry(
  failure: SseChatError,
  state: RetryState,
  config: RetryConfig,
  { offline, random }: RetryEnvironment,
): RetryDecision {
  const { error, transport, silentFailures } = checkForBlockedStream(failure, state, config);
  if (!error.retryable) return { action: 'give-up', error, transport };
  const resume = transport === 'poll' || state.resumable;
  const next: NextAttempt = { transport, silentFailures, resume, restart: state.unanchored };
  if (offline) return { action: 'wait-online', error, ...next };
  const attempt = state.retry + 1;
  const { maxRetries } = config;
  if (attempt > maxRetries) {
    const retries = `${maxRetries} ${maxRetries === 1 ? 'retry' : 'retries'}`;
    return {
      action: 'give-up',
      error: new SseChatError('retries-exhausted', `gave up after ${retries}: ${error.message}`, { cause: error }),
      transport,
    };
  }
  const delayMs = computeDelay(
    attempt,
    {
      baseDelay: config.retryDelay,
      maxDelay: config.retryMaxDelay,
      serverRetry: state.serverRetry,
      retryAfter: error.retryAfterMs,
    },
    random,
  );
  return { action: 'retry', error, attempt, delayMs, ...next };
}

/** Counts a byte-less SSE failure and, when event streams look blocked, switches to polling. */
function checkForBlockedStream(
  failure: SseChatError,
  state: RetryState,
  config: RetryConfig,
): { error: SseChatError; transport: Transport; silentFailures: number } {
  const { transport, current } = state;
  if (transport !== 'sse' || !config.pollEndpoint || !current || current.bytes > 0) {
    return { error: failure, transport, silentFailures: state.silentFailures };
  }
  const silentFailures = state.silentFailures + 1;
  const blocked =
    failure.type === 'content-type' ||
    (failure.type === 'timeout' && current.reason === 'heartbeat') ||
    (failure.retryable && silentFailures >= SILENT_FAILURES_BEFORE_POLL);
  if (!blocked) return { error: failure, transport, silentFailures };
  const error = new SseChatError(failure.type, `${failure.message}; switching to polling`, {
    retryable: true,
    cause: failure,
  });
  return { error, transport: 'poll', silentFailures };
}
