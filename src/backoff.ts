/**
 * Reconnect delays: exponential backoff with jitter, capped; a
 * server's `retry:` field is a floor; `Retry-After` wins over everything, even the cap.
 * Pure: the random source and the clock are passed in.
 */

export interface BackoffOptions {
  /** First delay in ms (`retry-delay`). */
  baseDelay: number;
  /** Cap of the computed delay in ms (`retry-max-delay`). */
  maxDelay: number;
  /** The server's SSE `retry:` field in ms, used as a floor. */
  serverRetry?: number;
  /** The server's `Retry-After`, already in ms: used as it is. */
  retryAfter?: number;
}

/** Jitter spreads each delay over ±`JITTER` of its nominal value. */
export const JITTER = 0.25;

/**
 * The delay before reconnect `attempt` (1-based): `baseDelay · 2^(attempt-1)` with
 * ±25 % jitter, at most `maxDelay`, at least the server's `retry:`.
 * @param random a uniform source in [0, 1), e.g. `Math.random`.
 */
export function computeDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  if (options.retryAfter !== undefined && options.retryAfter >= 0) return Math.round(options.retryAfter);
  const base = Math.max(0, options.baseDelay);
  const cap = Math.max(0, options.maxDelay);
  const nominal = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.min(cap, nominal * (1 - JITTER + 2 * JITTER * random()));
  return Math.round(Math.max(jittered, options.serverRetry ?? 0));
}

/**
 * `Retry-After` as a delay in ms: delta-seconds or an HTTP-date (relative to `now`, ms
 * since the epoch). `undefined` when absent or unreadable; a past date is `0`.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
