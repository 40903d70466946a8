// @ts-check
/**
 * One SSE connection: writes a job's log to a response from an offset, follows the job
 * live until its finish event, pings while idle, and plays the connection's fault
 * (cut, stall, close, replay, malformed, buffer, retry, hang).
 */
import { formatComment, formatEvent, formatRetry, SSE_HEADERS } from './sse.js';

/** How long a stalled or hanging connection is held open at most. */
const HOLD_MS = 60_000;

/**
 * @typedef {object} StreamOptions
 * @property {import('node:http').ServerResponse} res
 * @property {import('./jobs.js').Job} job
 * @property {number} offset  the last sequence number the client has
 * @property {import('./faults.js').Fault} fault
 * @property {number} pingMs
 * @property {import('./jobs.js').ConnectionRecord} record  updated with events, bytes, open
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
export function streamJob({ res, job, offset, fault, pingMs, record, headers = {} }) {
  /** 'open' → 'stalled' | 'done' (ended, cut or client gone) */
  let state = /** @type {'open' | 'stalled' | 'done'} */ ('open');
  let cursor = Math.max(0, offset - fault.replay); // index into job.log
  let draining = false;
  /** @type {string[]} what a buffering proxy holds back */
  const held = [];
  /** @type {NodeJS.Timeout | null} */
  let holdTimer = null;
  let released = false;

  record.status = 200;
  res.writeHead(200, { ...SSE_HEADERS, ...headers });
  res.flushHeaders();

  const unsubscribe = job.subscribe(pump);
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
      const entry = job.log[cursor];
      if (!entry) break;
      cursor++;
      record.events++;
      write(formatEvent({ id: entry.seq, event: entry.event, data: entry.data }));
    }
    if (state === 'open' && job.done && cursor >= job.log.length) end();
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

/**
 * A connection that never gets response headers: closed when the client goes away, or
 * destroyed after HOLD_MS.
 * @param {import('node:http').ServerResponse} res
 * @param {import('./jobs.js').ConnectionRecord} record
 */
export function hang(res, record) {
  const timer = setTimeout(() => res.destroy(), HOLD_MS).unref();
  res.on('close', () => {
    clearTimeout(timer);
    record.open = false;
  });
}
