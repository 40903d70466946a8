// @ts-check
/** Server-Sent Events wire format: fields, comments and the response headers. */

/** Response headers of every event stream. */
export const SSE_HEADERS = Object.freeze({
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
});

/**
 * Formats one event: `id: …\n`, `event: …\n` (when named), one `data:` line per line of
 * data, then the blank line that dispatches it.
 * @param {{id?: number | string | null, event?: string | null, data: string}} event
 * @returns {string}
 */
export function formatEvent({ id, event, data }) {
  let out = '';
  if (id !== undefined && id !== null) out += `id: ${id}\n`;
  if (event) out += `event: ${event}\n`;
  for (const line of String(data).split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return out + '\n';
}

/**
 * Formats a comment line (ignored by parsers; used as a keep-alive ping).
 * @param {string} text
 */
export function formatComment(text) {
  return `: ${text}\n\n`;
}

/**
 * Formats a `retry:` field, which sets the reconnection time of an EventSource.
 * @param {number} ms
 */
export function formatRetry(ms) {
  return `retry: ${ms}\n\n`;
}
