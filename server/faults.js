// @ts-check
/**
 * The fault-injection plan of the test/demo server: what goes wrong on which connection.
 *
 * A plan is a comma-separated list with one entry per connection of a message (the first
 * request is index 0, its first resume index 1, …). An entry combines faults with `+`,
 * e.g. `retry:50+cut:300,ok,503:1`. Connections past the end of the plan have no fault.
 */
import { HOLD_MS } from './lib/stream.js';

/**
 * @typedef {object} Fault
 * @property {string} entry  the entry as written (`ok` when none)
 * @property {number | null} cut  destroy the socket after this many body bytes
 * @property {number | null} close  end the response gracefully after this many events
 * @property {number | null} stall  write nothing more after this many body bytes
 * @property {boolean} hang  never send response headers
 * @property {number | null} status  answer with this status instead of streaming
 * @property {number | null} retryAfter  seconds for a `Retry-After` header
 * @property {boolean} retryAfterDate  send `Retry-After` as an HTTP-date
 * @property {boolean} ctype  answer 200 with an HTML body
 * @property {number} replay  start this many events before the requested offset
 * @property {boolean} malformed  send three bad events before the real ones
 * @property {boolean} buffer  withhold every byte until the answer is complete
 * @property {number | null} retry  write an SSE `retry:` field first
 */

/**
 * @typedef {object} FaultResponse a complete response that replaces the stream
 * @property {number} status
 * @property {Record<string, string>} headers
 * @property {string} body
 */

/** @type {Readonly<Fault>} */
export const NO_FAULT = Object.freeze({
  entry: 'ok',
  cut: null,
  close: null,
  stall: null,
  hang: false,
  status: null,
  retryAfter: null,
  retryAfterDate: false,
  ctype: false,
  replay: 0,
  malformed: false,
  buffer: false,
  retry: null,
});

/**
 * Parses a fault plan.
 * @param {string | null | undefined} plan
 * @returns {Fault[]} one fault per connection index
 */
export function parseFaultPlan(plan) {
  if (!plan) return [];
  return String(plan)
    .split(',')
    .map((entry) => parseEntry(entry.trim()));
}

/**
 * The fault for a connection index (no fault past the end of the plan).
 * @param {Fault[]} plan
 * @param {number} index
 * @returns {Fault}
 */
export function faultAt(plan, index) {
  return plan[index] ?? NO_FAULT;
}

/**
 * @param {string} entry
 * @returns {Fault}
 */
function parseEntry(entry) {
  /** @type {Fault} */
  const fault = { ...NO_FAULT, entry: entry || 'ok' };
  if (!entry) return fault;
  for (const part of entry.split('+')) {
    if (!applyPart(fault, part.trim())) {
      console.warn(`[sse-chat server] unknown fault "${part}" in "${entry}": treated as ok`);
      return { ...NO_FAULT, entry: 'ok' };
    }
  }
  return fault;
}

/** Faults that are a plain switch, each named like the Fault field it sets to true. */
const FLAG_FAULTS = /** @type {const} */ (['hang', 'malformed', 'buffer', 'ctype']);
/** Status faults without an argument. */
const BARE_STATUS_FAULTS = ['500', '404', '408', '204'];
/** Faults that take a number, each named like the Fault field the number goes to. */
const NUMBER_FAULTS = /** @type {const} */ (['cut', 'close', 'stall', 'replay', 'retry']);

/**
 * Applies one `name[:arg]` part to a fault; false when it is not understood.
 * @param {Fault} fault
 * @param {string} part
 */
function applyPart(fault, part) {
  const match = /^([a-z0-9]+)(?::(\d+))?$/i.exec(part);
  if (!match) return false;
  const name = /** @type {string} */ (match[1]).toLowerCase();
  const arg = match[2] === undefined ? null : Number(match[2]);
  const bare = arg === null;
  if (name === 'ok') return bare;
  if (name === '503' || name === '429') {
    fault.status = Number(name);
    fault.retryAfter = arg;
    return true;
  }
  const flag = FLAG_FAULTS.find((f) => f === name);
  if (bare && flag) {
    fault[flag] = true;
    return true;
  }
  if (bare && BARE_STATUS_FAULTS.includes(name)) {
    fault.status = Number(name);
    return true;
  }
  const field = NUMBER_FAULTS.find((f) => f === name);
  if (!bare && field) {
    fault[field] = arg;
    return true;
  }
  if (!bare && name === '503date') {
    fault.status = 503;
    fault.retryAfter = arg;
    fault.retryAfterDate = true;
    return true;
  }
  return false;
}

const STATUS_TEXT = /** @type {Record<number, string>} */ ({
  404: 'no such answer',
  408: 'request timeout',
  429: 'too many requests',
  503: 'service unavailable',
});

/**
 * The response that replaces the stream for status faults (`500`, `404`, `408`, `503:S`,
 * `429:S`, `503date:S`, `204`, `ctype`); null when the fault lets the stream through.
 * @param {Fault} fault
 * @param {number} [now] current time in ms, for `503date`
 * @returns {FaultResponse | null}
 */
export function faultResponse(fault, now = Date.now()) {
  if (fault.ctype) {
    return {
      status: 200,
      headers: { 'Content-Type': 'text/html; charset=utf-8' },
      body: '<!doctype html><html><head><title>Sign in</title></head><body><h1>Please sign in</h1></body></html>\n',
    };
  }
  switch (fault.status) {
    case null:
      return null;
    case 204:
      return { status: 204, headers: {}, body: '' };
    case 500:
      return {
        status: 500,
        headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' },
        body: ': internal error\n\n',
      };
    default: {
      /** @type {Record<string, string>} */
      const headers = { 'Content-Type': 'application/json; charset=utf-8' };
      if (fault.retryAfter !== null) {
        headers['Retry-After'] = fault.retryAfterDate
          ? new Date(now + fault.retryAfter * 1000).toUTCString()
          : String(fault.retryAfter);
      }
      const error = STATUS_TEXT[fault.status] ?? 'injected fault';
      return { status: fault.status, headers, body: JSON.stringify({ error }) };
    }
  }
}

/**
 * A connection that never gets response headers: closed when the client goes away, or
 * destroyed after HOLD_MS.
 * @param {import('node:http').ServerResponse} res
 * @param {import('./lib/memory-store.js').ConnectionRecord} record
 */
export function hang(res, record) {
  const timer = setTimeout(() => res.destroy(), HOLD_MS).unref();
  res.on('close', () => {
    clearTimeout(timer);
    record.open = false;
  });
}
