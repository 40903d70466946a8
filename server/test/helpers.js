// @ts-check
/** Shared helpers of the server tests: a real HTTP server, SSE parsing, the texts of events, a fake clock. */
import http from 'node:http';
import { createSseChatServer } from '../index.js';

/**
 * Starts the API on a random port.
 * @param {import('../index.js').SseChatServerOptions} [options]
 */
export async function startServer(options = {}) {
  const api = createSseChatServer({ faults: true, chunkMs: 1, pingMs: 50, ...options });
  const server = http.createServer((req, res) => {
    if (!api.handle(req, res)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not an API route');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const base = `http://127.0.0.1:${port}${options.basePath ?? '/api'}`;
  return {
    api,
    base,
    /**
     * The server's `_debug/message` record of an answer.
     * @param {string} messageId
     * @returns {Promise<any>}
     */
    debug: async (messageId) => {
      const res = await fetch(`${base}/_debug/message?message_id=${encodeURIComponent(messageId)}`);
      return res.json();
    },
    close: async () => {
      api.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/**
 * A chat request body.
 * @param {string} messageId
 * @param {string} [prompt]
 */
export function chatBody(messageId, prompt = 'hello') {
  return JSON.stringify({
    conversation_id: 'c1',
    message_id: messageId,
    messages: [{ role: 'user', content: prompt }],
  });
}

/**
 * POSTs a chat request.
 * @param {string} url
 * @param {string} messageId
 * @param {{prompt?: string, headers?: Record<string, string>, signal?: AbortSignal}} [options]
 */
export function postChat(url, messageId, { prompt, headers = {}, signal } = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: chatBody(messageId, prompt),
    signal,
  });
}

/**
 * Reads a response body to its end, or to a network error (which is returned, not thrown).
 * @param {Response} res
 * @returns {Promise<{bytes: Buffer, text: string, error: unknown}>}
 */
export async function readBody(res) {
  /** @type {Buffer[]} */
  const chunks = [];
  let error = null;
  const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(Buffer.from(value));
    }
  } catch (e) {
    error = e;
  }
  const bytes = Buffer.concat(chunks);
  return { bytes, text: bytes.toString('utf8'), error };
}

/**
 * @typedef {{id: string | null, event: string | null, data: string | null, retry: string | null}} SseEvent
 */

/**
 * Parses a complete event stream (LF line ends, as the server writes them).
 * @param {string} text
 * @returns {{events: SseEvent[], comments: string[]}} events with data, and comments
 */
export function parseSse(text) {
  /** @type {SseEvent[]} */
  const events = [];
  /** @type {string[]} */
  const comments = [];
  for (const block of text.split('\n\n')) {
    /** @type {SseEvent} */
    const event = { id: null, event: null, data: null, retry: null };
    for (const line of block.split('\n')) {
      if (line === '') continue;
      if (line.startsWith(':')) {
        comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') event.data = event.data === null ? value : `${event.data}\n${value}`;
      else if (field === 'id' || field === 'event' || field === 'retry') event[field] = value;
    }
    if (event.data !== null || event.retry !== null) events.push(event);
  }
  return { events, comments };
}

/**
 * The think and answer texts of agent-protocol events.
 * @param {Array<{data: string | null}>} events
 */
export function decodeTexts(events) {
  let think = '';
  let answer = '';
  for (const { data } of events) {
    const payload = JSON.parse(/** @type {string} */ (data));
    if (payload.mode !== 'append') continue;
    for (const item of payload.data) {
      if (item.type === 'think') think += item.content;
      if (item.type === 'text') answer += item.content;
    }
  }
  return { think, answer };
}

/**
 * Waits until a condition holds (polling every few ms), or fails after `timeoutMs`.
 * @param {() => boolean | Promise<boolean>} condition
 * @param {number} [timeoutMs]
 */
export async function waitFor(condition, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A fake clock with timers, advanced by hand. */
export function fakeTime() {
  let now = 1_000_000;
  let nextId = 1;
  /** @type {Map<number, {at: number, fn: () => void}>} */
  const timers = new Map();
  return {
    now: () => now,
    /** @param {() => void} fn @param {number} ms */
    setTimer: (fn, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    /** @param {number} id */
    clearTimer: (id) => {
      timers.delete(id);
    },
    /** Runs every timer due within `ms`, in time order. @param {number} ms */
    advance(ms) {
      const end = now + ms;
      for (;;) {
        let dueId = 0;
        let due = null;
        for (const [id, timer] of timers) {
          if (timer.at <= end && (!due || timer.at < due.at)) [dueId, due] = [id, timer];
        }
        if (!due) break;
        timers.delete(dueId);
        now = Math.max(now, due.at);
        due.fn();
      }
      now = end;
    },
    get pending() {
      return timers.size;
    },
  };
}
