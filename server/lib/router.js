// @ts-check
/**
 * The routing of the chat API: which requests are its routes, CORS and preflights, 405 for a
 * wrong method, and the error response of a route that throws.
 */
import { HttpError, sendJson, sendText } from './http.js';

/**
 * @typedef {import('node:http').IncomingMessage} Request
 * @typedef {import('node:http').ServerResponse} Response
 * @typedef {import('./handler.js').Handler} Handler
 */

/**
 * Creates the function that routes a request to its handler.
 * @param {object} options
 * @param {string} options.base  the prefix of every route, without a trailing slash
 * @param {Record<string, Handler>} options.routes  keyed by `METHOD /path`
 * @param {string} [options.corsOrigin]  answer CORS preflights and allow this origin
 */
export function createRouter({ base, routes, corsOrigin }) {
  const paths = new Set(Object.keys(routes).map((key) => key.slice(key.indexOf(' ') + 1)));

  /**
   * Answers the request when it is an API route.
   * @param {Request} req
   * @param {Response} res
   * @returns {boolean} true when the request is being answered
   */
  function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return false;
    const path = url.pathname.slice(base.length).replace(/\/+$/, '') || '/';
    if (!paths.has(path)) return false;
    const method = req.method ?? 'GET';

    if (corsOrigin) {
      res.setHeader('Access-Control-Allow-Origin', corsOrigin);
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
      if (corsOrigin !== '*') res.setHeader('Vary', 'Origin');
    }
    if (method === 'OPTIONS') {
      sendText(res, 204, preflightHeaders());
      return true;
    }
    const handler = routes[`${method} ${path}`];
    if (!handler) {
      sendJson(res, 405, { error: `${method} not allowed` }, { Allow: allowed(path) });
      return true;
    }
    Promise.resolve()
      .then(() => handler(req, res, url))
      .catch((error) => fail(res, error));
    return true;
  }

  /** @returns {Record<string, string>} */
  function preflightHeaders() {
    if (!corsOrigin) return { Allow: 'GET, POST, OPTIONS' };
    return {
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': 'content-type, accept, last-event-id, authorization, x-test',
      'Access-Control-Max-Age': '600',
    };
  }

  /** @param {string} path */
  function allowed(path) {
    const methods = Object.keys(routes)
      .filter((key) => key.endsWith(` ${path}`))
      .map((key) => key.slice(0, key.indexOf(' ')));
    return [...methods, 'OPTIONS'].join(', ');
  }

  return handle;
}

/**
 * Answers a route that threw: its `HttpError`, else a logged 500; a stream already begun is cut.
 * @param {Response} res
 * @param {unknown} error
 */
function fail(res, error) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HttpError) {
    sendJson(res, error.status, { error: error.message }, error.status === 413 ? { Connection: 'close' } : {});
    return;
  }
  console.error('[sse-chat server]', error);
  sendJson(res, 500, { error: 'internal error' });
}
