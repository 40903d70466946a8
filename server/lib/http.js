// @ts-check
/** Small `node:http` helpers: request bodies, query parameters and plain responses. */

/** @typedef {import('node:http').IncomingMessage} Request */
/** @typedef {import('node:http').ServerResponse} Response */

/** Request bodies larger than this are refused with 413. */
export const BODY_LIMIT = 1024 * 1024;

/** An error that becomes a JSON response with its status. */
export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Sends a JSON response.
 * @param {Response} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Sends a response with a complete body (or none).
 * @param {Response} res
 * @param {number} status
 * @param {Record<string, string>} headers
 * @param {string} [body]
 */
export function sendText(res, status, headers, body = '') {
  if (status === 204 || status === 304) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/**
 * Reads a request body as text, refusing more than `limit` bytes with a 413 error.
 * A body already parsed by a framework (`req.body`) is not available here: see readJson.
 * @param {Request} req
 * @param {number} [limit]
 * @returns {Promise<string>}
 */
export function readText(req, limit = BODY_LIMIT) {
  return new Promise((resolve, reject) => {
    const tooLarge = () => {
      req.removeListener('data', onData);
      req.resume(); // discard the rest
      reject(new HttpError(413, `request body larger than ${limit} bytes`));
    };
    if (Number(req.headers['content-length']) > limit) return tooLarge();
    if (req.readableEnded) return resolve(''); // consumed elsewhere, nothing left to read
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    /** @param {Buffer} chunk */
    function onData(chunk) {
      size += chunk.length;
      if (size > limit) return tooLarge();
      chunks.push(chunk);
    }
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Reads a JSON object body (an empty body is `{}`). A body a framework already parsed into
 * `req.body` (Express, koa-bodyparser's `ctx.req.body`) is used as it is.
 * @param {Request} req
 * @returns {Promise<Record<string, unknown>>}
 */
export async function readJson(req) {
  const parsed = /** @type {{body?: unknown}} */ (req).body;
  if (parsed !== undefined && parsed !== null && typeof parsed === 'object' && !Buffer.isBuffer(parsed)) {
    return /** @type {Record<string, unknown>} */ (parsed);
  }
  const text = await readText(req);
  if (text.trim() === '') return {};
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'request body must be a JSON object');
  }
  return value;
}

/**
 * The query of a URL as a plain object (the last value wins for repeated keys).
 * @param {URL} url
 * @returns {Record<string, string>}
 */
export function queryObject(url) {
  return Object.fromEntries(url.searchParams);
}

/**
 * Parses an integer parameter; `undefined` when absent, a 400 error when invalid.
 * @param {string | undefined | null} value
 * @param {string} name
 * @param {{min?: number, max?: number, clamp?: boolean}} [range] out-of-range values are
 *   clamped when `clamp` is set, refused otherwise
 * @returns {number | undefined}
 */
export function intParam(value, name, { min = 0, max = Number.MAX_SAFE_INTEGER, clamp = false } = {}) {
  if (value === undefined || value === null || value === '') return undefined;
  const trimmed = String(value).trim();
  if (!/^-?\d+$/.test(trimmed)) throw new HttpError(400, `${name} must be an integer`);
  const n = Number(trimmed);
  if (n >= min && n <= max) return n;
  if (clamp) return Math.min(max, Math.max(min, n));
  throw new HttpError(400, `${name} must be between ${min} and ${max}`);
}

/**
 * A header's value as one string, or null.
 * @param {Request} req
 * @param {string} name  lower case
 */
export function header(req, name) {
  const value = req.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
