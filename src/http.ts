/**
 * Classifying HTTP responses into the stream core's errors (DESIGN §4.4,
 * FETCH_EVENT_SOURCE.md pitfall 4). Pure apart from reading a bounded piece of the body.
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
