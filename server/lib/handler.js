// @ts-check
/**
 * The request handlers of the `agent` protocol over an answer store: one core, two front doors
 * (a `node:http` `(req, res)` handler and a Fetch API `(Request) => Promise<Response>` one).
 *
 *   POST|GET {base}/chat      start or resume an answer as an event stream
 *   POST     {base}/stop      cancel an answer
 *   GET      {base}/poll      the same events as JSON, for clients that cannot stream
 *   GET      {base}/history   the messages of a conversation, with resumable pending answers
 */
// Each route is a module of its own (chat-route.js, stop-route.js, poll-route.js,
// history-route.js), routing and CORS are router.js's; this module wires them to the store and
// gives them their front doors.
import { sendJson } from './http.js';
import { createMemoryStore, jobSnapshot } from './memory-store.js';
import { createRedisStore } from './redis-store.js';
import { producerOf } from './producer.js';
import { fetchRequest, FetchResponse } from './fetch.js';
import { requireAnswer } from './params.js';
import { createRouter } from './router.js';
import { createChatRoute } from './chat-route.js';
import { createStopRoute } from './stop-route.js';
import { createPollRoute } from './poll-route.js';
import { createHistoryRoute } from './history-route.js';

/**
 * @typedef {import('node:http').IncomingMessage} Request
 * @typedef {import('node:http').ServerResponse} Response
 * @typedef {(req: Request, res: Response, url: URL) => Promise<void> | void} Handler
 */

/**
 * One answer as the handlers see it: the memory store's `Job`, or the Redis store's
 * `RedisAnswer` (its state when read, its log through Redis).
 * @typedef {object} Answer
 * @property {string} messageId
 * @property {string | null} conversationId
 * @property {string} prompt  the question
 * @property {string | null} [regenerates]  the answer this one regenerates (the chat request's
 *   `regenerate`, kept when that answer is of the same conversation), or null
 * @property {string | null} [edits]  the answer whose question this one's replaces (the chat
 *   request's `edit`, likewise), or null
 * @property {number} [version]  how many earlier versions the answer has: 0, or 1 + the version
 *   of the answer it regenerates
 * @property {boolean} done  finished (complete, stopped or failed)
 * @property {boolean} stopped
 * @property {number} lastSeq  the seq of the last event logged (0 before any)
 * @property {string | null} error  the `finish_reason` when it ended with an `error` event
 * @property {number} generations  how many times it was generated: 1, a resume never regenerates
 * @property {string} think  once done, the think text streamed (memory store; the Redis store
 *   reads texts with `snapshot`)
 * @property {string} answer  likewise, the answer text
 * @property {import('./memory-store.js').ConnectionRecord[]} connections  the requests that
 *   read it (through this store object)
 * @property {number} polls  poll requests that read it
 * @property {(offset: number, onEntry: (entry: import('./memory-store.js').LogEntry, final: boolean) => void,
 *   onError?: (error: Error) => void) => () => void} follow  delivers the entries after
 *   `offset`, then the live ones; `onError` when the log cannot be read any more
 * @property {(offset: number, limit: number) => {entries: import('./memory-store.js').LogEntry[], done: boolean} |
 *   Promise<{entries: import('./memory-store.js').LogEntry[], done: boolean}>} read
 */

/**
 * What the store of answers does for the handlers; the memory store (`createMemoryStore`) is
 * one, and docs/server.md says what another must do. Values may be returned as they are or as
 * promises.
 * @typedef {object} AnswerStore
 * @property {(init: import('./memory-store.js').CreateJobOptions) => Answer | Promise<Answer>} create
 *   starts an answer and its producer
 * @property {(messageId: string) => Answer | undefined | Promise<Answer | undefined>} get
 * @property {(messageId: string) => boolean | Promise<boolean>} stop  false when unknown
 * @property {(conversationId?: string) => Answer[] | Promise<Answer[]>} list  oldest first
 * @property {(answer: Answer) => Snapshot | Promise<Snapshot>} [snapshot]
 *   the texts so far and the seq they end at (default: `jobSnapshot`)
 * @property {() => void | Promise<void>} close
 */

/**
 * @typedef {{think: string, answer: string, offset: number}} Snapshot
 */

/**
 * What the reference server adds to a chat connection (fault injection): called once the
 * connection is recorded; answers the request itself (returns true), gives the stream a
 * transport fault to play, or returns nothing.
 * @typedef {(context: {answer: Answer, query: Record<string, string>, created: boolean,
 *   record: import('./memory-store.js').ConnectionRecord, res: Response}) =>
 *   true | import('./stream.js').StreamFault | undefined} ConnectionHook
 */

/**
 * @typedef {object} ChatHandlerOptions
 * @property {import('./producer.js').Answerer} [answer]  makes each answer: an async generator
 *   (or a function returning an async iterable) of `{think}`, `{text}` and `{event, data}`
 * @property {import('./memory-store.js').Producer} [producer]  a lower-level producer that
 *   appends agent-protocol events itself (the reference server's scripted one and its relay)
 * @property {AnswerStore} [store]  where answers are kept; default: a memory store, or the
 *   Redis store when `redis` is given
 * @property {string | Omit<import('./redis-store.js').RedisStoreOptions, 'producer'>} [redis]  keep
 *   the answers in Redis Streams: a `redis://` URL, or the Redis store's options (docs/server.md#redis)
 * @property {number} [pingMs]  ms between `: ping` comments on open streams (default 15 s)
 * @property {number} [retentionMs]  how long finished answers stay resumable (memory store; default 5 min)
 * @property {number} [maxAnswers]  at most this many answers are kept (memory store; default 200)
 * @property {string} [basePath]  prefix of every route (default `/api`)
 * @property {string} [corsOrigin]  answer CORS preflights and allow this origin
 * @property {Record<string, Handler>} [routes]  more routes, keyed by `METHOD /path`
 * @property {(query: Record<string, string>) => {chunkMs?: number, size?: number}} [requestOptions]
 *   per-request hints for the producer, read from the chat request's query
 * @property {ConnectionHook} [connection]
 * @property {() => number} [now]  clock of the memory store
 * @property {(fn: () => void, ms: number) => unknown} [setTimer]  timers of the memory store
 * @property {(timer: any) => void} [clearTimer]
 */

/**
 * Creates the handlers of the chat API.
 * @param {ChatHandlerOptions} options
 */
export function createChatHandler(options) {
  const { pingMs = 15_000, basePath = '/api', corsOrigin, requestOptions, connection } = options;
  const base = basePath.replace(/\/+$/, '');
  /** @type {AnswerStore} */
  const store = options.store ?? defaultStore(options);
  const snapshot = store.snapshot ?? ((answer) => jobSnapshot(/** @type {import('./memory-store.js').Job} */ (answer)));
  /** @type {Set<Response>} responses still open, destroyed by close() */
  const open = new Set();
  /**
   * @type {Map<string, Set<import('./stream.js').StreamHandle>>} the open streams of each answer,
   *   by message id (a store kept elsewhere gives a new answer object per request)
   */
  const streams = new Map();

  const chat = createChatRoute({ store, pingMs, requestOptions, connection, track, streams });
  const handle = createRouter({
    base,
    corsOrigin,
    routes: {
      'GET /chat': chat,
      'POST /chat': chat,
      'POST /stop': createStopRoute(store),
      'GET /poll': createPollRoute(store),
      'GET /history': createHistoryRoute(store, snapshot),
      ...options.routes,
    },
  });

  /**
   * The Node front door, for `node:http`, Express and Connect (`app.use(chat.node)`) or
   * Fastify's raw request: answers API routes, passes others to `next` (else 404).
   * @param {Request} req
   * @param {Response} res
   * @param {(error?: unknown) => void} [next]
   */
  function node(req, res, next) {
    if (handle(req, res)) return;
    if (next) next();
    else sendJson(res, 404, { error: 'not found' });
  }

  /**
   * The Fetch front door (Hono, Next.js route handlers, Bun, Deno): streams with a
   * `ReadableStream` body; `request.signal` ending is the client going away.
   * @param {globalThis.Request} request
   * @returns {Promise<globalThis.Response>}
   */
  function fetchHandler(request) {
    const res = new FetchResponse(request.signal);
    const req = /** @type {Request} */ (/** @type {unknown} */ (fetchRequest(request)));
    if (!handle(req, /** @type {Response} */ (/** @type {unknown} */ (res)))) {
      return Promise.resolve(Response.json({ error: 'not found' }, { status: 404 }));
    }
    return res.response;
  }

  /**
   * Registers an open response, destroyed by close().
   * @param {Response} res
   */
  function track(res) {
    open.add(res);
    res.on('close', () => open.delete(res));
  }

  /** Ends every open stream and stops every answer; resolves once the store is closed. */
  async function close() {
    for (const res of open) res.destroy();
    open.clear();
    await store.close();
  }

  return {
    handle,
    node,
    fetch: fetchHandler,
    store,
    close,
    track,
    /**
     * The answer of a request's `message_id`, or a 404 error.
     * @param {string | undefined} messageId
     */
    requireAnswer: (messageId) => requireAnswer(store, messageId),
    /**
     * The streams open on an answer.
     * @param {Answer} answer
     * @returns {import('./stream.js').StreamHandle[]}
     */
    streams: (answer) => [...(streams.get(answer.messageId) ?? [])],
    /**
     * An answer's texts so far and the seq they end at.
     * @param {Answer} answer
     */
    snapshot: async (answer) => snapshot(answer),
  };
}

/**
 * The store when none is given: Redis when `redis` says so, else memory.
 * @param {ChatHandlerOptions} options
 * @returns {AnswerStore}
 */
function defaultStore(options) {
  const producer = options.producer ?? producerOf(required(options.answer));
  if (options.redis) {
    const redis = typeof options.redis === 'string' ? { url: options.redis } : options.redis;
    return createRedisStore({ ...redis, producer });
  }
  return createMemoryStore({
    producer,
    retentionMs: options.retentionMs,
    maxJobs: options.maxAnswers,
    now: options.now,
    setTimer: options.setTimer,
    clearTimer: options.clearTimer,
  });
}

/**
 * @template T
 * @param {T | undefined} value
 * @returns {T}
 */
function required(value) {
  if (value === undefined) throw new TypeError('createChatHandler needs an `answer`, a `producer` or a `store`');
  return value;
}

/** @typedef {ReturnType<typeof createChatHandler>} ChatHandler */
