// @ts-check
/**
 * Byte-exact replay of recorded event streams (only with `faults: true`): tests register the
 * responses of someone else's server — a spec example, a vendor's stream — and the widget
 * streams them from a real HTTP server, chunked where the test says, cut where it says.
 *
 *   POST     {base}/_debug/fixture   `{responses: [...]}` → `{id}`: registers a fixture
 *   GET|POST {base}/fixture?id=      serves connection i of the fixture `responses[min(i, n-1)]`
 *   GET      {base}/_debug/fixture?id=   → `{requests: [...]}`: what each connection asked
 *
 * A response is `{status?, headers?, body, encoding?, split?, cut?, close?, hang?}`; see
 * FixtureResponseInput. Only the request's `id` parameter is read: a client may add its own
 * (the widget's `offset`, `message_id` and `conversation_id` on a resume).
 */
import { randomUUID } from 'node:crypto';
import { HttpError, header, queryObject, readJson, readText, sendJson } from './lib/http.js';
import { SSE_HEADERS } from './lib/sse.js';

/** At most this many fixtures are kept; registering one more drops the oldest. */
export const MAX_FIXTURES = 1000;
/** At most this many responses per fixture. */
export const MAX_RESPONSES = 1000;
/** Pause between the pieces of a split body, so the client reads them as separate chunks. */
export const SPLIT_PAUSE_MS = 4;
/**
 * Pause between the last byte of a `cut` response and the socket's end. Chromium drops bytes
 * that arrive just before a network error (the body stream errors before the page has read
 * them: here, one cut in ten to one in four lost its last piece, whether the socket was
 * destroyed or half-closed), so without it the client would not see the bytes a cut promises.
 */
export const CUT_GRACE_MS = 40;
/** How long a `hang` response is held open at most. */
const HOLD_MS = 60_000;
/** HTTP token characters (RFC 9110 §5.6.2), for header names. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Canonical base64, padding included (Buffer.from would silently skip bad characters). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Statuses whose responses cannot carry a body. */
const NO_BODY_STATUS = [204, 304];

/**
 * @typedef {object} FixtureResponseInput one response as a test registers it
 * @property {number} [status]  default 200
 * @property {Record<string, string>} [headers]  replace the default event-stream headers (lib/sse.js)
 * @property {string} body
 * @property {'utf8' | 'base64'} [encoding]  `base64` for bytes that are not UTF-8 text
 * @property {number[]} [split]  increasing byte offsets: the body is written in pieces cut
 *   there, with a pause between them
 * @property {number} [cut]  write this many bytes, then destroy the socket (a network error,
 *   CUT_GRACE_MS after the last byte)
 * @property {number} [close]  write this many bytes, then end the response gracefully
 * @property {boolean} [hang]  never send the response headers
 */

/**
 * @typedef {object} FixtureResponse a validated response
 * @property {number} status
 * @property {Record<string, string>} headers
 * @property {Buffer} body
 * @property {number[]} split
 * @property {number | null} cut
 * @property {number | null} close
 * @property {boolean} hang
 */

/**
 * @typedef {object} FixtureRequest what one connection of a fixture asked
 * @property {string} method
 * @property {Record<string, string>} query
 * @property {{accept: string | null, 'last-event-id': string | null, 'content-type': string | null}} headers
 * @property {unknown} body  the request body parsed as JSON; null when empty or not JSON
 */

/**
 * @typedef {object} Fixture
 * @property {FixtureResponse[]} responses
 * @property {FixtureRequest[]} requests
 */

/**
 * @typedef {import('node:http').IncomingMessage} Request
 * @typedef {import('node:http').ServerResponse} Response
 * @typedef {(req: Request, res: Response, url: URL) => Promise<void> | void} Handler
 */

/**
 * The fixture routes, keyed like the server's route table (`METHOD /path`).
 * @param {{track: (res: Response) => void, max?: number}} options  `track` registers an
 *   open response so that the server's close() destroys it
 * @returns {Record<string, Handler>}
 */
export function createFixtureRoutes({ track, max = MAX_FIXTURES }) {
  /** @type {Map<string, Fixture>} in registration order, oldest first */
  const fixtures = new Map();

  /**
   * `POST /_debug/fixture {responses}` → `{id}`.
   * @param {Request} req
   * @param {Response} res
   */
  async function register(req, res) {
    const responses = parseResponses(await readJson(req));
    const id = randomUUID();
    fixtures.set(id, { responses, requests: [] });
    while (fixtures.size > max) {
      const oldest = fixtures.keys().next().value;
      if (oldest === undefined) break;
      fixtures.delete(oldest);
    }
    sendJson(res, 200, { id });
  }

  /**
   * `GET /_debug/fixture?id=` → `{requests}`.
   * @type {Handler}
   */
  function requests(_req, res, url) {
    sendJson(res, 200, { requests: requireFixture(url).requests });
  }

  /**
   * `GET|POST /fixture?id=`: records the request, then plays the connection's response.
   * @param {Request} req
   * @param {Response} res
   * @param {URL} url
   */
  async function serve(req, res, url) {
    const fixture = requireFixture(url);
    const method = req.method ?? 'GET';
    /** @type {FixtureRequest} */
    const record = {
      method,
      query: queryObject(url),
      headers: {
        accept: header(req, 'accept'),
        'last-event-id': header(req, 'last-event-id'),
        'content-type': header(req, 'content-type'),
      },
      body: method === 'POST' ? await bodyJson(req) : null,
    };
    const index = fixture.requests.length;
    fixture.requests.push(record);
    const response = /** @type {FixtureResponse} */ (fixture.responses[Math.min(index, fixture.responses.length - 1)]);
    track(res);
    play(res, response);
  }

  /** @param {URL} url */
  function requireFixture(url) {
    const id = url.searchParams.get('id');
    if (!id) throw new HttpError(400, 'id is required');
    const fixture = fixtures.get(id);
    if (!fixture) throw new HttpError(404, `unknown fixture ${JSON.stringify(id.slice(0, 100))}`);
    return fixture;
  }

  return {
    'POST /_debug/fixture': register,
    'GET /_debug/fixture': requests,
    'GET /fixture': serve,
    'POST /fixture': serve,
  };
}

/**
 * Writes a response: its headers at once, then the body piece by piece (a short pause
 * between pieces), stopping at `cut` (the socket is destroyed) or `close` (the response ends).
 * @param {Response} res
 * @param {FixtureResponse} response
 */
export function play(res, response) {
  if (response.hang) {
    const timer = setTimeout(() => res.destroy(), HOLD_MS).unref();
    res.on('close', () => clearTimeout(timer));
    return;
  }
  const limit = response.cut ?? response.close ?? response.body.length;
  const pieces = piecesOf(response.body.subarray(0, limit), response.split);
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  let gone = false;
  res.on('close', () => {
    gone = true;
    clearTimeout(timer);
  });
  res.writeHead(response.status, response.headers);
  res.flushHeaders();

  /** @param {number} i */
  const next = (i) => {
    if (gone) return;
    const piece = pieces[i];
    if (piece === undefined) return finish();
    // The next piece only after this one reached the socket, and a pause: two writes in a
    // row could arrive in one TCP segment and be read as one chunk.
    res.write(piece, () => {
      if (i + 1 < pieces.length) timer = setTimeout(() => next(i + 1), SPLIT_PAUSE_MS);
      else next(i + 1);
    });
  };
  const finish = () => {
    if (response.cut === null) res.end();
    else timer = setTimeout(() => res.destroy(), CUT_GRACE_MS); // the client sees a network error
  };
  next(0);
}

/**
 * The body cut at `offsets` (those past its end are dropped); no empty piece.
 * @param {Buffer} body
 * @param {number[]} offsets  increasing
 * @returns {Buffer[]}
 */
function piecesOf(body, offsets) {
  /** @type {Buffer[]} */
  const pieces = [];
  let start = 0;
  for (const offset of [...offsets, body.length]) {
    const end = Math.min(offset, body.length);
    if (end > start) pieces.push(body.subarray(start, end));
    start = Math.max(start, end);
  }
  return pieces;
}

/**
 * A request body as JSON (a body a framework already parsed is used as it is); null when
 * empty or not JSON: a fixture records what it was asked, it does not judge it.
 * @param {Request} req
 * @returns {Promise<unknown>}
 */
async function bodyJson(req) {
  const parsed = /** @type {{body?: unknown}} */ (req).body;
  if (parsed !== undefined && parsed !== null && typeof parsed === 'object' && !Buffer.isBuffer(parsed)) return parsed;
  const text = await readText(req);
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Validates a registration body: `{responses: [...]}`.
 * @param {Record<string, unknown>} body
 * @returns {FixtureResponse[]}
 */
export function parseResponses(body) {
  const { responses } = body;
  if (!Array.isArray(responses) || responses.length === 0) {
    throw new HttpError(400, 'responses must be a non-empty array');
  }
  if (responses.length > MAX_RESPONSES) throw new HttpError(400, `at most ${MAX_RESPONSES} responses`);
  return responses.map((response, i) => parseResponse(response, `responses[${i}]`));
}

/**
 * @param {unknown} value
 * @param {string} name  where the value is, for error messages
 * @returns {FixtureResponse}
 */
function parseResponse(value, name) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, `${name} must be an object`);
  }
  const input = /** @type {Record<string, unknown>} */ (value);
  const known = ['status', 'headers', 'body', 'encoding', 'split', 'cut', 'close', 'hang'];
  const unknown = Object.keys(input).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new HttpError(400, `${name} has unknown field ${JSON.stringify(unknown[0])}`);

  const status = input.status ?? 200;
  if (!Number.isInteger(status) || /** @type {number} */ (status) < 200 || /** @type {number} */ (status) > 599) {
    throw new HttpError(400, `${name}.status must be an integer from 200 to 599`);
  }
  const headers = input.headers === undefined ? { ...SSE_HEADERS } : parseHeaders(input.headers, `${name}.headers`);

  const encoding = input.encoding ?? 'utf8';
  if (encoding !== 'utf8' && encoding !== 'base64')
    throw new HttpError(400, `${name}.encoding must be "utf8" or "base64"`);
  if (typeof input.body !== 'string') throw new HttpError(400, `${name}.body must be a string`);
  if (encoding === 'base64' && !BASE64.test(input.body)) throw new HttpError(400, `${name}.body is not valid base64`);
  const bytes = Buffer.from(input.body, encoding);
  if (NO_BODY_STATUS.includes(/** @type {number} */ (status)) && bytes.length > 0) {
    throw new HttpError(400, `${name}.body must be empty: a ${status} response has no body`);
  }

  const split = input.split ?? [];
  if (!Array.isArray(split)) throw new HttpError(400, `${name}.split must be an array of byte offsets`);
  split.forEach((offset, i) => {
    if (!isOffset(offset, bytes.length) || (i > 0 && offset <= split[i - 1])) {
      throw new HttpError(
        400,
        `${name}.split must hold increasing integers from 0 to the body's ${bytes.length} bytes`,
      );
    }
  });
  const cut = byteCount(input.cut, bytes.length, `${name}.cut`);
  const close = byteCount(input.close, bytes.length, `${name}.close`);
  const hang = input.hang ?? false;
  if (typeof hang !== 'boolean') throw new HttpError(400, `${name}.hang must be a boolean`);
  if (cut !== null && close !== null) throw new HttpError(400, `${name}: cut and close exclude each other`);
  if (hang && (cut !== null || close !== null)) throw new HttpError(400, `${name}: hang sends nothing to cut or close`);
  return {
    status: /** @type {number} */ (status),
    headers,
    body: bytes,
    split: /** @type {number[]} */ (split),
    cut,
    close,
    hang,
  };
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {Record<string, string>}
 */
function parseHeaders(value, name) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, `${name} must be an object of strings`);
  }
  /** @type {Record<string, string>} */
  const headers = {};
  for (const [key, text] of Object.entries(value)) {
    if (!TOKEN.test(key)) throw new HttpError(400, `${name}: ${JSON.stringify(key)} is not a header name`);
    // Node refuses CR, LF and NUL in a value (a response could be split); other controls pass.
    if (typeof text !== 'string' || /[\r\n\0]/.test(text)) {
      throw new HttpError(400, `${name}.${key} must be a string without CR, LF or NUL`);
    }
    headers[key] = text;
  }
  return headers;
}

/**
 * @param {unknown} value
 * @param {number} length
 * @returns {value is number}
 */
function isOffset(value, length) {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= length;
}

/**
 * An optional byte count within the body.
 * @param {unknown} value
 * @param {number} length
 * @param {string} name
 * @returns {number | null}
 */
function byteCount(value, length, name) {
  if (value === undefined) return null;
  if (!isOffset(value, length))
    throw new HttpError(400, `${name} must be an integer from 0 to the body's ${length} bytes`);
  return value;
}
