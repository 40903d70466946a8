// @ts-check
/**
 * The relay producer: answers come from an upstream API instead of the script — an
 * OpenAI-compatible chat-completions endpoint (`POST {baseUrl}/chat/completions`), OpenAI's
 * Responses API (`{baseUrl}/responses`) or Anthropic's Messages API (`{baseUrl}/messages`),
 * streamed (upstream-protocols.js). Thinking becomes think items and answer text text items,
 * appended to the job's log exactly like the scripted producer does, so the widget gets the
 * same sequence ids, resume, history and stop whatever the upstream is.
 *
 * Only one upstream request is made per answer: resumes read the job's log, never the
 * upstream. Whatever goes wrong upstream ends the answer with an agent `error` event whose
 * `finish_reason` says what happened (`upstream 401: invalid api key`).
 */
import { createParser } from 'eventsource-parser';
import { UPSTREAM_APIS, UPSTREAM_PROTOCOLS, createReader } from './upstream-protocols.js';

/** The model asked for when none is configured (OpenAI-compatible APIs). */
export const DEFAULT_MODEL = 'gpt-4o-mini';
/** The model `npm start` asks Anthropic for when none is configured. */
export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-5';
/** An upstream that sends no byte for this long (headers included) is given up. */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
/** At most this many bytes of an upstream error response are read. */
const ERROR_BODY_LIMIT = 4096;
/** At most this many characters of the upstream's error message go into `finish_reason`. */
const ERROR_TEXT_LIMIT = 300;

/**
 * @typedef {object} RelayOptions
 * @property {string} baseUrl  the API base, e.g. `http://localhost:11434/v1` (a trailing slash is fine)
 * @property {import('./upstream-protocols.js').UpstreamProtocol} [protocol]  the upstream's API
 *   (default `openai`: Chat Completions)
 * @property {string} [apiKey]  sent as `Authorization: Bearer <apiKey>` (Anthropic: `x-api-key`) when set
 * @property {string} [model]  default {@link DEFAULT_MODEL}
 * @property {typeof fetch} [fetch]  default the global `fetch`
 * @property {number} [idleTimeoutMs]  default {@link DEFAULT_IDLE_TIMEOUT_MS}
 */

/**
 * A text cut to at most `limit` characters, whitespace runs collapsed.
 * @param {string} text
 * @param {number} [limit]
 */
function bounded(text, limit = ERROR_TEXT_LIMIT) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

/**
 * The message of an OpenAI-style error object (`{error: {message}}`, `{error: "…"}`,
 * `{message}`, `{detail}`), or null.
 * @param {unknown} value
 * @returns {string | null}
 */
function errorMessage(value) {
  if (!value || typeof value !== 'object') return null;
  const { error, message, detail } = /** @type {Record<string, unknown>} */ (value);
  if (typeof error === 'string') return error;
  const nested = errorMessage(error);
  if (nested) return nested;
  if (typeof message === 'string') return message;
  if (typeof detail === 'string') return detail;
  return null;
}

/**
 * The first {@link ERROR_BODY_LIMIT} bytes of a response body, as text; the rest is discarded.
 * @param {Response} res
 */
async function readBounded(res) {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  try {
    while (size < ERROR_BODY_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      const part = value.subarray(0, ERROR_BODY_LIMIT - size);
      size += part.length;
      text += decoder.decode(part, { stream: true }); // a character cut at the limit is dropped
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return text;
}

/**
 * What an upstream error response says: `upstream 401: invalid api key`.
 * @param {Response} res
 */
async function describeStatus(res) {
  const text = await readBounded(res).catch(() => '');
  let message = null;
  try {
    message = errorMessage(JSON.parse(text));
  } catch {
    // not JSON: the text itself
  }
  const said = bounded(message ?? text) || res.statusText || 'no message';
  return `upstream ${res.status}: ${said}`;
}

/**
 * The words of a network error: undici hides the cause (`ECONNREFUSED`, `other side
 * closed`) behind `fetch failed` / `terminated`.
 * @param {unknown} error
 */
function describeNetworkError(error) {
  const cause = /** @type {{cause?: unknown}} */ (error)?.cause;
  const inner = cause instanceof Error ? cause.message : null;
  const outer = error instanceof Error ? error.message : String(error);
  return bounded(inner || outer);
}

/**
 * The conversation as the upstream expects it: `{role, content}` objects only (content a
 * string or an array of parts, as the client sent it), anything else left out.
 * @param {readonly unknown[]} messages
 * @returns {Array<{role: string, content: unknown}>}
 */
function upstreamMessages(messages) {
  /** @type {Array<{role: string, content: unknown}>} */
  const out = [];
  for (const message of messages) {
    if (!message || typeof message !== 'object') continue;
    const { role, content } = /** @type {Record<string, unknown>} */ (message);
    if (typeof role !== 'string') continue;
    out.push({ role, content: typeof content === 'string' || Array.isArray(content) ? content : '' });
  }
  return out;
}

/**
 * The URL of an API's streaming endpoint under a base (default: chat completions).
 * @param {string} baseUrl
 * @param {string} [path]
 */
export function completionsUrl(baseUrl, path = '/chat/completions') {
  let url;
  try {
    url = new URL(String(baseUrl));
  } catch {
    throw new TypeError(`relay baseUrl is not a URL: ${baseUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`relay baseUrl must be http: or https:, not ${url.protocol}`);
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  return url.href;
}

/**
 * Creates the relay producer.
 * @param {RelayOptions} options
 * @returns {import('./lib/memory-store.js').Producer}
 */
export function createRelayProducer(options) {
  const { protocol = 'openai', apiKey, model = DEFAULT_MODEL, idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS } = options;
  const api = UPSTREAM_APIS[protocol];
  if (!api) throw new TypeError(`relay protocol must be one of ${UPSTREAM_PROTOCOLS.join(', ')}, not ${protocol}`);
  const url = completionsUrl(options.baseUrl, api.path);
  const fetchUpstream = options.fetch ?? globalThis.fetch;
  /** @type {Record<string, string>} */
  const headers = { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...api.headers(apiKey) };

  return async function relay({ job, messages, emit, signal }) {
    const message_id = job.messageId;
    // Aborted by the job's signal (stop, eviction, close) and by the idle timer.
    const upstream = new AbortController();
    const onAbort = () => upstream.abort();
    signal.addEventListener('abort', onAbort);
    let idle = false;
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        upstream.abort();
      }, idleTimeoutMs).unref();
    };

    /** @param {'think' | 'text'} type @param {unknown} content */
    const append = (type, content) => {
      if (typeof content !== 'string' || content === '') return;
      emit({ payload: { mode: 'append', message_id, data: [{ id: job.lastSeq + 1, type, content }] } });
    };
    /** @param {string} reason */
    const fail = (reason) => {
      emit({ payload: { mode: 'error', message_id, finish_reason: reason }, final: true });
    };
    /** Set once the answer has ended (its end marker or an upstream error): read no further. */
    let ended = false;
    const reader = createReader(api, {
      append,
      finish(meta) {
        ended = true;
        emit({ payload: { mode: 'finish', message_id, meta: { status: 'available', ...meta } }, final: true });
      },
      fail(reason) {
        ended = true;
        fail(bounded(reason));
      },
    });
    /** @param {import('eventsource-parser').EventSourceMessage} event */
    const onEvent = ({ event, data }) => {
      if (ended) return;
      if (data.trim() === '[DONE]') {
        reader.finish(); // Chat Completions' end marker
        return;
      }
      let chunk;
      try {
        chunk = JSON.parse(data);
      } catch {
        chunk = undefined;
      }
      if (!chunk || typeof chunk !== 'object' || Array.isArray(chunk)) {
        console.warn(`[sse-chat relay] ${message_id}: skipped a malformed upstream chunk: ${bounded(data, 120)}`);
        return;
      }
      // An OpenAI-compatible server that fails mid-stream sends `{error: …}` as a chunk.
      if (chunk.error && protocol === 'openai') {
        ended = true;
        fail(`upstream error: ${bounded(errorMessage(chunk) ?? JSON.stringify(chunk.error))}`);
        return;
      }
      reader.read(event ?? '', chunk);
    };

    let phase = /** @type {'connect' | 'read'} */ ('connect');
    try {
      touch();
      const res = await fetchUpstream(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(api.body(model, upstreamMessages(messages))),
        signal: upstream.signal,
      });
      touch();
      if (!res.ok) return fail(await describeStatus(res));
      const type = res.headers.get('content-type') ?? '';
      if (!/^text\/event-stream\b/i.test(type)) {
        return fail(`upstream sent ${bounded(type, 80) || 'no content type'}, not an event stream`);
      }
      if (!res.body) return fail('upstream sent no body');
      phase = 'read';
      const body = res.body.getReader();
      const decoder = new TextDecoder();
      // The decoder strips a BOM; the parser handles CR/LF/CRLF, comments and split lines.
      const parser = createParser({ onEvent });
      while (!ended) {
        const { done, value } = await body.read();
        touch();
        if (done) {
          // A last event whose blank line never came (some servers end right after
          // `data: [DONE]`): end its lines, so that it is dispatched rather than dropped.
          parser.feed(`${decoder.decode()}\n\n`);
          break;
        }
        parser.feed(decoder.decode(value, { stream: true }));
      }
      if (ended) {
        body.cancel().catch(() => {});
        return;
      }
      // The body ended without its end marker: complete if the model said why it stopped, else a cut.
      if (api.completeAtClose(reader.meta)) reader.finish();
      else fail(`upstream stream ended before ${api.end}`);
    } catch (error) {
      if (signal.aborted) return; // stopped: the store appends the stopped finish
      if (idle)
        fail(
          `upstream sent nothing for ${idleTimeoutMs >= 1000 ? `${Math.round(idleTimeoutMs / 1000)} s` : `${idleTimeoutMs} ms`}`,
        );
      else if (phase === 'connect') fail(`upstream unreachable: ${describeNetworkError(error)}`);
      else fail(`upstream connection lost: ${describeNetworkError(error)}`);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      upstream.abort(); // releases the connection whatever state the body is in
    }
  };
}
