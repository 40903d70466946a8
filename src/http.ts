/**
 * The HTTP side of the stream core: the URL and headers of a request, and what a response or
 * a failed request means (its error, whether another attempt may succeed). Pure apart from
 * reading a bounded piece of an error body.
 */
import { parseRetryAfter } from './backoff.js';
import { SseChatError } from './types.js';

export const EVENT_STREAM = 'text/event-stream';

/** Status codes worth another attempt: timeouts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Reads at most `limit` bytes of a body as text, then lets go of it. */
export async function readBounded(response: Response, limit = 2048): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // What was read is all the detail there is.
  } finally {
    reader.cancel().catch(() => {});
  }
  return text.slice(0, limit);
}

/** The human part of an error body: `{"error": "..."}`, `{"error":{"message"}}`, `{"message"}` or text. */
export function errorDetail(body: string): string {
  const text = body.trim();
  if (!text) return '';
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'object' && json !== null) {
      const { error, message, detail } = json as Record<string, unknown>;
      for (const candidate of [error, message, detail]) {
        if (typeof candidate === 'string' && candidate) return candidate;
        if (typeof candidate === 'object' && candidate !== null) {
          const nested = (candidate as Record<string, unknown>).message;
          if (typeof nested === 'string' && nested) return nested;
        }
      }
    }
  } catch {
    // Not JSON: fall through to text.
  }
  if (/^\s*</.test(text)) return ''; // an HTML error page says nothing useful in a status line
  return text.replace(/\s+/g, ' ').slice(0, 200);
}

/** Whether a response says it carries an event stream. */
export function isEventStream(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').toLowerCase().startsWith(EVENT_STREAM);
}

/**
 * The error for a response that cannot carry the stream, or `undefined` when it can.
 * `now` is the clock used for an HTTP-date `Retry-After`.
 */
export async function responseError(response: Response, now: number): Promise<SseChatError | undefined> {
  const { status } = response;
  const label = `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (!response.ok) {
    const detail = errorDetail(await readBounded(response));
    return new SseChatError('http', detail ? `${label}: ${detail}` : label, {
      status,
      retryable: isRetryableStatus(status),
      retryAfterMs: isRetryableStatus(status) ? parseRetryAfter(response.headers.get('retry-after'), now) : undefined,
    });
  }
  if (status !== 200) {
    // Only 200 carries an event stream (a 204 is handled before this). Reading a 202 or a 299
    // as the answer made one server's repeated event look like a stream that never ends.
    response.body?.cancel().catch(() => {});
    return new SseChatError('http', `${label}: the server must answer 200 with an event stream`, { status });
  }
  if (!isEventStream(response)) {
    const type = response.headers.get('content-type') ?? '';
    response.body?.cancel().catch(() => {});
    return new SseChatError(
      'content-type',
      `expected ${EVENT_STREAM} but the server sent ${type ? JSON.stringify(type) : 'no content type'} (HTTP ${status})`,
      { status },
    );
  }
  return undefined;
}

/** Where a resumed attempt continues: sent as `offset`, `message_id` and `conversation_id`. */
export interface ResumeParams {
  offset: number;
  messageId: string;
  conversationId: string;
}

/** `url` made absolute against the page (its base URL, or the worker's location). */
export function resolveUrl(url: string): string {
  const base = globalThis.document?.baseURI ?? globalThis.location?.href;
  return new URL(url, base).href;
}

/**
 * The URL of an attempt: `query` (a GET request's fields; objects as JSON), then, when it
 * resumes, where it continues.
 */
export function attemptUrl(
  endpoint: string,
  resume: ResumeParams | undefined,
  query: Record<string, unknown> = {},
): string {
  const url = new URL(resolveUrl(endpoint));
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  if (resume) {
    url.searchParams.set('offset', String(resume.offset));
    url.searchParams.set('message_id', resume.messageId);
    url.searchParams.set('conversation_id', resume.conversationId);
  }
  return url.href;
}

/**
 * A plain record with lowercase keys, whatever form `headers` came in. fetch-event-source
 * reads and writes `accept` and `last-event-id` in lowercase on a plain object: another
 * spelling next to it would make fetch send both values joined into one.
 */
export function normalizeHeaders(headers: HeadersInit | undefined): Record<string, string> {
  return headers ? Object.fromEntries(new Headers(headers)) : {};
}

/**
 * The headers of an event-stream request: the configured ones, one lowercase key each, and a
 * single `last-event-id` when it resumes (none otherwise, whatever the configured ones say).
 */
export function eventStreamHeaders(
  headers: HeadersInit | undefined,
  method: 'POST' | 'GET',
  lastEventId: number | undefined,
): Record<string, string> {
  const result = normalizeHeaders(headers);
  result['accept'] = EVENT_STREAM;
  if (method === 'POST') result['content-type'] = 'application/json';
  if (lastEventId !== undefined) result['last-event-id'] = String(lastEventId);
  else delete result['last-event-id'];
  return result;
}

/** Settles with `promise`, or rejects as soon as `signal` aborts (a custom `fetch` may ignore it). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DOMException('The request was aborted.', 'AbortError'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The message of anything thrown. */
export function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A failed attempt as the core's error; anything but an `SseChatError` is a network failure. */
export function toError(error: unknown): SseChatError {
  if (error instanceof SseChatError) return error;
  // fetch's network failures are TypeErrors ("Failed to fetch", "network error", HTTP/2 resets).
  return new SseChatError('network', `network error: ${describeFailure(error)}`, { retryable: true, cause: error });
}
