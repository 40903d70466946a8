// @ts-check
/**
 * The Fetch API front door's adapters: a Fetch `Request` read like a `node:http` request, and
 * a response sink with the `ServerResponse` methods the handlers use, whose body is a
 * `ReadableStream`. They let both front doors share every handler.
 */
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';

/** Bytes a stream's body holds for a slow reader before `write()` asks the writer to wait. */
const HIGH_WATER_MARK = 64 * 1024;

/** Headers a Fetch runtime sets itself, refused or ignored in a `Response`. */
const RUNTIME_HEADERS = ['connection', 'content-length', 'keep-alive', 'transfer-encoding'];

/**
 * A Fetch request as the handlers read a `node:http` one: method, url (path and query),
 * lower-case headers, and the body as a stream.
 * @param {Request} request
 */
export function fetchRequest(request) {
  const url = new URL(request.url);
  const body = request.body
    ? Readable.fromWeb(/** @type {import('node:stream/web').ReadableStream} */ (request.body))
    : Readable.from([]);
  return Object.assign(body, {
    method: request.method,
    url: url.pathname + url.search,
    headers: Object.fromEntries(request.headers),
  });
}

/** A response sink: `writeHead` resolves `response`; written bytes go to its body. */
export class FetchResponse extends EventEmitter {
  /** @type {ReadableStreamDefaultController<Uint8Array> | null} */
  #controller = null;
  #headers = new Headers();
  #closed = false;
  /** @type {(response: Response) => void} */
  #resolve = () => {};
  /** @type {(error: Error) => void} */
  #reject = () => {};
  headersSent = false;
  statusCode = 200;

  /** @param {AbortSignal} [signal]  the request's: the client went away */
  constructor(signal) {
    super();
    /** @type {Promise<Response>} */
    this.response = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    signal?.addEventListener('abort', () => this.#abandon(), { once: true });
  }

  /**
   * @param {string} name
   * @param {string | number | readonly string[]} value
   */
  setHeader(name, value) {
    this.#headers.set(name, String(value));
    return this;
  }

  /**
   * @param {number} status
   * @param {Record<string, string | number>} [headers]
   */
  writeHead(status, headers = {}) {
    this.statusCode = status;
    this.headersSent = true;
    for (const [name, value] of Object.entries(headers)) this.#headers.set(name, String(value));
    for (const name of RUNTIME_HEADERS) this.#headers.delete(name);
    if (status === 204 || status === 304) {
      this.#resolve(new Response(null, { status, headers: this.#headers }));
      return this;
    }
    const body = new ReadableStream(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => {
          this.emit('drain');
        },
        cancel: () => this.#finish(),
      },
      { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
    );
    this.#resolve(new Response(body, { status, headers: this.#headers }));
    return this;
  }

  flushHeaders() {}

  /**
   * @param {string | Uint8Array} chunk
   * @param {() => void} [callback]  called once the chunk is queued
   * @returns {boolean} false when the reader is behind: wait for `drain`
   */
  write(chunk, callback) {
    const controller = this.#controller;
    if (this.#closed || !controller) return false;
    controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
    if (callback) queueMicrotask(callback);
    return (controller.desiredSize ?? 0) > 0;
  }

  /** @param {string | Uint8Array} [chunk] */
  end(chunk) {
    if (this.#closed) return this;
    if (chunk !== undefined && chunk.length > 0) this.write(chunk);
    this.#controller?.close();
    this.#finish();
    return this;
  }

  /** Ends the body with an error: the client sees a broken connection, as on a destroyed socket. */
  destroy() {
    if (this.#closed) return this;
    if (!this.headersSent) this.#reject(new Error('the response was destroyed before its headers'));
    this.#controller?.error(new Error('the response was destroyed'));
    this.#finish();
    return this;
  }

  /** The client went away: nobody reads the body, so it ends without an error to report. */
  #abandon() {
    if (this.#closed) return;
    if (!this.headersSent) this.#reject(new Error('the request was aborted'));
    try {
      this.#controller?.close();
    } catch {
      // already closed or errored by the runtime
    }
    this.#finish();
  }

  #finish() {
    if (this.#closed) return;
    this.#closed = true;
    this.emit('close');
  }
}
