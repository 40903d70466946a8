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
import { randomUUID } from 'node:crypto';
import { HttpError, header, intParam, queryObject, readJson, sendJson, sendText } from './http.js';
import { createMemoryStore, jobSnapshot } from './memory-store.js';
import { producerOf } from './producer.js';
import { streamJob } from './stream.js';
import { fetchRequest, FetchResponse } from './fetch.js';

/** At most this many events per poll response. */
const POLL_LIMIT = 500;

/**
 * @typedef {import('node:http').IncomingMessage} Request
 * @typedef {import('node:http').ServerResponse} Response
 * @typedef {(req: Request, res: Response, url: URL) => Promise<void> | void} Handler
 * @typedef {import('./memory-store.js').Job} Answer
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
 * @property {(answer: Answer) => {think: string, answer: string, offset: number}} [snapshot]
 *   the texts so far and the seq they end at (default: `jobSnapshot`)
 * @property {() => void} close
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
 * @property {AnswerStore} [store]  where answers are kept; default: a memory store
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
  const store =
    options.store ??
    createMemoryStore({
      producer: options.producer ?? producerOf(required(options.answer)),
      retentionMs: options.retentionMs,
      maxJobs: options.maxAnswers,
      now: options.now,
      setTimer: options.setTimer,
      clearTimer: options.clearTimer,
    });
  const snapshot = store.snapshot ?? jobSnapshot;
  /** @type {Set<Response>} responses still open, destroyed by close() */
  const open = new Set();
  /** @type {WeakMap<Answer, Set<import('./stream.js').StreamHandle>>} an answer's open streams */
  const streams = new WeakMap();

  /** @type {Record<string, Handler>} keyed by `METHOD /path` */
  const routes = {
    'GET /chat': chat,
    'POST /chat': chat,
    'POST /stop': stop,
    'GET /poll': poll,
    'GET /history': history,
    ...options.routes,
  };
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

  /**
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

  /**
   * Registers an open response, destroyed by close().
   * @param {Response} res
   */
  function track(res) {
    open.add(res);
    res.on('close', () => open.delete(res));
  }

  /**
   * `POST|GET /chat`: start an answer, attach to it, or resume it after an offset.
   * @param {Request} req
   * @param {Response} res
   * @param {URL} url
   */
  async function chat(req, res, url) {
    const query = queryObject(url);
    const isPost = req.method === 'POST';
    const body = isPost ? await readJson(req) : messagesFromQuery(query);
    const messageId = idParam(query.message_id ?? body.message_id, 'message_id');
    const conversationId = idParam(query.conversation_id ?? body.conversation_id, 'conversation_id');
    const lastEventId = header(req, 'last-event-id');
    const offsetText = query.offset ?? (lastEventId?.trim() ? lastEventId : undefined);
    const resume = offsetText !== undefined;
    const offset = intParam(offsetText, query.offset === undefined ? 'Last-Event-ID' : 'offset') ?? 0;
    const streamPingMs = intParam(query.ping_ms, 'ping_ms', { min: 20, max: 3_600_000, clamp: true }) ?? pingMs;

    let answer = messageId === null ? undefined : await store.get(messageId);
    const created = !answer;
    if (!answer) {
      // A resume never starts a generation: the answer it asks for is gone or never was.
      if (resume) throw new HttpError(404, `unknown message_id ${messageId ?? '(none given)'}`);
      answer = await store.create({
        messageId: messageId ?? randomUUID(),
        conversationId,
        prompt: promptOf(body.messages),
        messages: Array.isArray(body.messages) ? body.messages : [],
        ...requestOptions?.(query),
      });
    }

    /** @type {import('./memory-store.js').ConnectionRecord} */
    const record = {
      index: answer.connections.length,
      method: req.method ?? 'GET',
      offset,
      lastEventId,
      query,
      headers: {
        accept: header(req, 'accept'),
        'content-type': header(req, 'content-type'),
        'x-test': header(req, 'x-test'),
      },
      bodyConversationId: isPost && typeof body.conversation_id === 'string' ? body.conversation_id : null,
      fault: 'ok',
      status: 0,
      open: true,
      events: 0,
      bytes: 0,
    };
    answer.connections.push(record);
    const fault = connection?.({ answer, query, created, record, res });
    if (fault === true) return;
    if (resume && answer.done && offset >= answer.lastSeq) {
      Object.assign(record, { status: 204, open: false });
      sendText(res, 204, {});
      return;
    }
    track(res);
    const handle = streamJob({ res, job: answer, offset, fault, pingMs: streamPingMs, record });
    const answerStreams = streams.get(answer) ?? new Set();
    streams.set(answer, answerStreams.add(handle));
    res.on('close', () => answerStreams.delete(handle));
  }

  /**
   * `POST /stop`: cancel an answer.
   * @param {Request} req
   * @param {Response} res
   * @param {URL} url
   */
  async function stop(req, res, url) {
    const query = queryObject(url);
    const body = await readJson(req);
    const messageId = idParam(body.message_id ?? query.message_id, 'message_id');
    if (messageId === null || !(await store.stop(messageId))) {
      throw new HttpError(404, `unknown message_id ${messageId ?? '(none given)'}`);
    }
    sendText(res, 204, {});
  }

  /**
   * `GET /poll`: the events after `offset` as JSON.
   * @param {Request} _req
   * @param {Response} res
   * @param {URL} url
   */
  async function poll(_req, res, url) {
    const query = queryObject(url);
    const answer = await requireAnswer(query.message_id);
    const offset = intParam(query.offset, 'offset') ?? 0;
    const { entries, done } = await answer.read(offset, POLL_LIMIT);
    answer.polls++;
    const events = entries.map((entry) =>
      entry.event ? { id: entry.seq, event: entry.event, data: entry.data } : { id: entry.seq, ...entry.payload },
    );
    sendJson(res, 200, { events, done });
  }

  /**
   * `GET /history`: the messages of a conversation, oldest first. Each answer kept by the
   * store gives the user's question then the assistant's answer; a running
   * answer is `pending`, with the texts of the events `1..offset` so that a client resuming
   * the stream from `offset` gets exactly the rest.
   * @param {Request} _req
   * @param {Response} res
   * @param {URL} url
   */
  async function history(_req, res, url) {
    const conversationId = idParam(queryObject(url).conversation_id, 'conversation_id');
    if (conversationId === null) throw new HttpError(400, 'conversation_id is required');
    /** @type {HistoryMessage[]} */
    const messages = [];
    for (const answer of await store.list(conversationId)) {
      const { think, answer: text, offset } = snapshot(answer);
      messages.push(
        {
          id: `${answer.messageId}:q`,
          author: 'user',
          think: '',
          answer: answer.prompt,
          status: 'available',
          offset: 0,
        },
        {
          id: answer.messageId,
          author: 'assistant',
          think,
          answer: text,
          status: answer.done ? 'available' : 'pending',
          offset,
          ...(answer.stopped ? { stopped: true } : {}),
        },
      );
    }
    sendJson(res, 200, { messages });
  }

  /**
   * The answer of a request's `message_id`, or a 404 error.
   * @param {string | undefined} messageId
   */
  async function requireAnswer(messageId) {
    const answer = messageId ? await store.get(messageId) : undefined;
    if (!answer) throw new HttpError(404, `unknown message_id ${messageId ?? '(none given)'}`);
    return answer;
  }

  /** Ends every open stream and stops every answer. */
  function close() {
    for (const res of open) res.destroy();
    open.clear();
    store.close();
  }

  return {
    handle,
    node,
    fetch: fetchHandler,
    store,
    close,
    track,
    requireAnswer,
    /**
     * The streams open on an answer.
     * @param {Answer} answer
     * @returns {import('./stream.js').StreamHandle[]}
     */
    streams: (answer) => [...(streams.get(answer) ?? [])],
  };
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

/**
 * @typedef {object} HistoryMessage one message of `GET /history`, as sent. Its type in
 *   src/history.ts (`HistoryWireMessage`, read by `parseHistory`) is the source of truth; this JSDoc copy
 *   exists because the server is plain JavaScript and cannot import that TypeScript module.
 * @property {string} id  the answer's message_id; `<message_id>:q` for the question
 * @property {'user' | 'assistant'} author
 * @property {string} think
 * @property {string} answer  the prompt, for the user
 * @property {'available' | 'pending'} status  `pending` while the answer is being generated
 * @property {number} offset  the seq the texts end at: resume the stream from here
 * @property {true} [stopped]  the answer was stopped
 */

/**
 * The request fields of a `GET /chat`, from its query (`messages` is JSON).
 * @param {Record<string, string>} query
 * @returns {Record<string, unknown>}
 */
function messagesFromQuery(query) {
  if (query.messages === undefined) return {};
  try {
    return { messages: JSON.parse(query.messages) };
  } catch {
    throw new HttpError(400, 'messages must be JSON');
  }
}

/**
 * An id parameter: a non-empty string (numbers are accepted), or null when absent.
 * @param {unknown} value
 * @param {string} name
 * @returns {string | null}
 */
function idParam(value, name) {
  if (value === undefined || value === null || value === '') return null;
  if ((typeof value !== 'string' && typeof value !== 'number') || String(value).length > 256) {
    throw new HttpError(400, `${name} must be a string of at most 256 characters`);
  }
  return String(value);
}

/**
 * The prompt: the content of the last user message.
 * @param {unknown} messages
 */
function promptOf(messages) {
  if (messages === undefined || messages === null) return '';
  if (!Array.isArray(messages)) throw new HttpError(400, 'messages must be an array');
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message && message.role === 'user') return textOf(message.content);
  }
  return '';
}

/**
 * Message content as text: a string, or the text parts of an array of parts.
 * @param {unknown} content
 * @returns {string}
 */
function textOf(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

/** @typedef {ReturnType<typeof createChatHandler>} ChatHandler */
