// @ts-check
/**
 * One SSE connection: writes an answer's log to a response from an offset, follows the answer
 * live until its finish event, and pings while idle. For the reference server's fault
 * injection it can also play a transport fault (cut, stall, close, replay, malformed, buffer,
 * retry); an ordinary connection has none.
 */
import { formatComment, formatEvent, formatRetry, SSE_HEADERS } from './sse.js';

/** How long a stalled or hanging connection is held open at most. */
export const HOLD_MS = 60_000;

/**
 * A transport fault the stream plays (the reference server's fault plans: server/faults.js).
 * @typedef {object} StreamFault
 * @property {number | null} cut  destroy the socket after this many body bytes
 * @property {number | null} close  end the response gracefully after this many events
 * @property {number | null} stall  write nothing more after this many body bytes
 * @property {number} replay  start this many events before the requested offset
 * @property {boolean} malformed  send three bad events before the real ones
 * @property {boolean} buffer  withhold every byte until the answer is complete
 * @property {number | null} retry  write an SSE `retry:` field first
 */

/** @type {StreamFault} */
const NONE = Object.freeze({
  cut: null,
  close: null,
  stall: null,
  replay: 0,
  malformed: false,
  buffer: false,
  retry: null,
});

/**
 * What the stream needs of a response: a `node:http` ServerResponse, or the Fetch door's sink.
 * @typedef {Pick<import('node:http').ServerResponse, 'writeHead' | 'flushHeaders' | 'write' | 'end' | 'destroy' | 'on'>} StreamResponse
 */

/**
 * @typedef {object} StreamOptions
 * @property {StreamResponse} res
 * @property {Pick<import('./handler.js').Answer, 'messageId' | 'follow'>} job
 * @property {number} offset  the last sequence number the client has
 * @property {StreamFault} [fault]  none by default
 * @property {number} pingMs
 * @property {import('./memory-store.js').ConnectionRecord} record  updated with events, bytes, open
 * @property {Record<string, string>} [headers]  extra response headers
 */

/**
 * What a live fault (the demo's chaos panel) can do to an open stream.
 * @typedef {object} StreamHandle
 * @property {() => void} cut  destroy the socket now: the client sees a network error
 * @property {() => void} stall  write nothing more, not even pings, until the client gives up
 * @property {() => boolean} open  whether the client is still connected (streaming or stalled)
 */

/**
 * Streams a job to a response. Listeners and timers are released when the response
 * ends or the client goes away.
 * @param {StreamOptions} options
 * @returns {StreamHandle}
 */
export function streamJob({ res, job, offset, fault = NONE, pingMs, record, headers = {} }) {
  /** 'open' → 'stalled' | 'done' (ended, cut or client gone) */
  let state = /** @type {'open' | 'stalled' | 'done'} */ ('open');
  /** @type {import('./memory-store.js').LogEntry[]} entries followed but not written yet (backpressure) */
  const queue = [];
  let head = 0; // the next entry of the queue to write
  /** whether the answer's last entry has been queued */
  let complete = false;
  let draining = false;
  /** @type {string[]} what a buffering proxy holds back */
  const held = [];
  /** @type {NodeJS.Timeout | null} */
  let holdTimer = null;
  let released = false;

  record.status = 200;
  res.writeHead(200, { ...SSE_HEADERS, ...headers });
  res.flushHeaders();

  /** @type {() => void} */
  let unsubscribe = () => {};
  const ping = setInterval(() => {
    if (state === 'open' && !draining && !fault.buffer) write(formatComment('ping'));
  }, pingMs).unref();
  res.on('drain', () => {
    draining = false;
    pump();
  });
  res.on('close', release);

  if (fault.retry !== null) write(formatRetry(fault.retry));
  if (fault.malformed) {
    for (const data of ['{not json', '[1,2]', JSON.stringify({ mode: 'explode', message_id: job.messageId })]) {
      write(formatEvent({ data }));
    }
  }
  unsubscribe = job.follow(
    Math.max(0, offset - fault.replay),
    (entry, final) => {
      queue.push(entry);
      if (final) complete = true;
      pump();
    },
    // The log cannot be read any more (its store is away): the client sees a network error
    // and resumes, perhaps on an instance that can read it.
    () => {
      release();
      res.destroy();
    },
  );
  if (released) unsubscribe();
  pump();
  return {
    cut() {
      release();
      res.destroy();
    },
    stall,
    open: () => state !== 'done', // streaming or stalled: still connected
  };

  /** Writes what the log has beyond the cursor; ends the response after the finish event. */
  function pump() {
    while (state === 'open' && !draining) {
      if (fault.close !== null && record.events >= fault.close) return end();
      const entry = queue[head];
      if (!entry) break;
      head++;
      if (head === queue.length) queue.length = head = 0;
      record.events++;
      write(formatEvent({ id: entry.seq, event: entry.event, data: entry.data }));
    }
    if (state === 'open' && complete && head === queue.length) end();
  }

  /** @param {string} text */
  function write(text) {
    if (fault.buffer) held.push(text);
    else send(Buffer.from(text, 'utf8'));
  }

  /**
   * Writes bytes to the socket, honouring the byte budgets of `cut` and `stall`: the
   * budget is spent exactly, even if that splits a UTF-8 character.
   * @param {Buffer} bytes
   */
  function send(bytes) {
    const cutLeft = fault.cut === null ? Infinity : fault.cut - record.bytes;
    const stallLeft = fault.stall === null ? Infinity : fault.stall - record.bytes;
    const left = Math.min(cutLeft, stallLeft);
    if (bytes.length < left) {
      record.bytes += bytes.length;
      if (!res.write(bytes)) draining = true;
      return;
    }
    const part = bytes.subarray(0, Math.max(0, left));
    record.bytes += part.length;
    if (cutLeft <= stallLeft) {
      // A network error for the client: the socket dies right after the budget.
      release();
      if (part.length > 0) res.write(part, () => res.destroy());
      else res.destroy();
    } else {
      if (part.length > 0) res.write(part);
      stall();
    }
  }

  /** Nothing more, not even pings, until the client gives up (or HOLD_MS passes). */
  function stall() {
    if (state !== 'open') return;
    state = 'stalled';
    holdTimer = setTimeout(() => res.destroy(), HOLD_MS).unref();
  }

  /** Ends the response gracefully (a buffering proxy lets everything through now). */
  function end() {
    if (state !== 'open') return;
    if (held.length > 0) {
      const text = held.join('');
      held.length = 0;
      send(Buffer.from(text, 'utf8'));
      if (/** @type {string} */ (state) !== 'open') return;
    }
    release();
    res.end();
  }

  /** Releases the job subscription and timers; idempotent. */
  function release() {
    state = 'done';
    if (released) return;
    released = true;
    record.open = false;
    unsubscribe();
    clearInterval(ping);
    if (holdTimer) clearTimeout(holdTimer);
  }
}
