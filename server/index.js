// @ts-check
/**
 * The reference resumable SSE chat server: routes of the API, mountable in a plain
 * `node:http` server or as Koa/Express middleware (it only needs the raw req/res).
 *
 *   POST|GET {base}/chat   start or resume an answer as an event stream
 *   POST     {base}/stop   cancel an answer
 *   GET      {base}/poll   the same events as JSON, for clients that cannot stream
 *   GET      {base}/history   the messages of a conversation, with resumable pending answers
 *   GET      {base}/_debug/message   a job's state (only with `faults: true`)
 *   POST     {base}/_debug/chaos     break a running answer's stream now (only with `faults: true`)
 *   POST     {base}/_debug/fixture   register a recorded stream to replay byte for byte (only with `faults: true`)
 *   GET|POST {base}/fixture          replay it; GET {base}/_debug/fixture: what it was asked (fixtures.js)
 */
import { randomUUID } from 'node:crypto';
import { faultAt, faultResponse, parseFaultPlan } from './faults.js';
import { createFixtureRoutes } from './fixtures.js';
import { HttpError, header, intParam, queryObject, readJson, sendJson, sendText } from './http.js';
import { createJobStore, jobSnapshot } from './jobs.js';
import { createRelayProducer } from './relay.js';
import { MAX_SIZE } from './answer-script.js';
import { hang, streamJob } from './stream.js';

export { formatEvent } from './sse.js';

/** At most this many events per poll response. */
const POLL_LIMIT = 500;

/** The chaos actions, each with the fault it queues for the resume that follows (if any). */
const CHAOS_NEXT = new Map([
  ['cut', ''],
  ['stall', ''],
  ['503', '503:2'],
  ['replay', 'replay:25'],
]);

/**
 * @typedef {object} SseChatServerOptions
 * @property {boolean} [faults]  enable the `faults` query parameter and `_debug` routes (tests, demos)
 * @property {number} [chunkMs]  ms between events of a new answer (0: as fast as possible)
 * @property {import('./relay.js').RelayOptions} [relay]  answer from this OpenAI-compatible
 *   upstream instead of the script (`chunkMs` and `size` then do not apply)
 * @property {number} [pingMs]  ms between `: ping` comments on open streams
 * @property {number} [retentionMs]  how long finished answers stay resumable
 * @property {number} [maxJobs]  at most this many answers are kept
 * @property {string} [basePath]  prefix of every route
 * @property {string} [corsOrigin]  answer CORS preflights and allow this origin
 * @property {() => number} [now]  clock of the job store
 * @property {(fn: () => void, ms: number) => unknown} [setTimer]  timers of the job store
 * @property {(timer: any) => void} [clearTimer]
 */

/**
 * @typedef {import('node:http').IncomingMessage} Request
 * @typedef {import('node:http').ServerResponse} Response
 * @typedef {(req: Request, res: Response, url: URL) => Promise<void> | void} Handler
 */

/**
 * Creates the server.
 * @param {SseChatServerOptions} [options]
 */
export function createSseChatServer(options = {}) {
  const {
    faults = false,
    chunkMs = 30,
    relay,
    pingMs = 15_000,
    retentionMs,
    maxJobs,
    basePath = '/api',
    corsOrigin,
    now,
    setTimer,
    clearTimer,
  } = options;
  const base = basePath.replace(/\/+$/, '');
  const producer = relay ? createRelayProducer(relay) : undefined;
  const jobs = createJobStore({ producer, chunkMs, retentionMs, maxJobs, now, setTimer, clearTimer });
  /** @type {Set<Response>} responses still open, destroyed by close() */
  const open = new Set();
  /** @type {WeakMap<import('./jobs.js').Job, string>} the fault plan given when a job was created */
  const plans = new WeakMap();
  /** @type {WeakMap<import('./jobs.js').Job, Set<import('./stream.js').StreamHandle>>} a job's open streams */
  const streams = new WeakMap();
  /** @type {WeakMap<import('./jobs.js').Job, import('./faults.js').Fault[]>} faults queued for a job's next requests */
  const queued = new WeakMap();

  /** @type {Record<string, Handler>} keyed by `METHOD /path` */
  const routes = {
    'GET /chat': chat,
    'POST /chat': chat,
    'POST /stop': stop,
    'GET /poll': poll,
    'GET /history': history,
  };
  if (faults) {
    routes['GET /_debug/message'] = debug;
    routes['POST /_debug/chaos'] = chaos;
    Object.assign(routes, createFixtureRoutes({ track }));
  }
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

  /** @param {Response} res */
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

    let job = messageId === null ? undefined : jobs.get(messageId);
    if (!job) {
      // A resume never starts a generation: the answer it asks for is gone or never was.
      if (resume) throw new HttpError(404, `unknown message_id ${messageId ?? '(none given)'}`);
      const prompt = promptOf(body.messages);
      const jobChunkMs = intParam(query.chunk_ms, 'chunk_ms', { min: 0, max: 1000, clamp: true });
      const size = intParam(query.size, 'size', { min: 0, max: MAX_SIZE, clamp: true });
      job = jobs.create({
        messageId: messageId ?? randomUUID(),
        conversationId,
        prompt,
        messages: Array.isArray(body.messages) ? body.messages : [],
        chunkMs: jobChunkMs,
        size,
      });
      if (faults && query.faults) plans.set(job, query.faults);
    }

    const plan = faults ? parseFaultPlan(query.faults ?? plans.get(job)) : [];
    const fault = queued.get(job)?.shift() ?? faultAt(plan, job.connections.length);
    /** @type {import('./jobs.js').ConnectionRecord} */
    const record = {
      index: job.connections.length,
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
      fault: fault.entry,
      status: 0,
      open: true,
      events: 0,
      bytes: 0,
    };
    job.connections.push(record);

    if (fault.hang) {
      track(res);
      hang(res, record);
      return;
    }
    const replacement = faultResponse(fault);
    if (replacement) {
      Object.assign(record, { status: replacement.status, open: false });
      sendText(res, replacement.status, replacement.headers, replacement.body);
      return;
    }
    if (resume && job.done && offset >= job.lastSeq) {
      Object.assign(record, { status: 204, open: false });
      sendText(res, 204, {});
      return;
    }
    track(res);
    const handle = streamJob({ res, job, offset, fault, pingMs: streamPingMs, record });
    const jobStreams = streams.get(job) ?? new Set();
    streams.set(job, jobStreams.add(handle));
    res.on('close', () => jobStreams.delete(handle));
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
    if (messageId === null || !jobs.stop(messageId)) {
      throw new HttpError(404, `unknown message_id ${messageId ?? '(none given)'}`);
    }
    sendText(res, 204, {});
  }

  /**
   * `GET /poll`: the events after `offset` as JSON.
   * @type {Handler}
   */
  function poll(_req, res, url) {
    const query = queryObject(url);
    const job = requireJob(query.message_id);
    const offset = intParam(query.offset, 'offset') ?? 0;
    const entries = job.log.slice(offset, offset + POLL_LIMIT);
    job.polls++;
    const events = entries.map((entry) =>
      entry.event ? { id: entry.seq, event: entry.event, data: entry.data } : { id: entry.seq, ...entry.payload },
    );
    sendJson(res, 200, { events, done: job.done && offset + entries.length >= job.log.length });
  }

  /**
   * `GET /history`: the messages of a conversation, oldest first. Each answer kept by the
   * store gives the user's question then the assistant's answer; a running
   * answer is `pending`, with the texts of the events `1..offset` so that a client resuming
   * the stream from `offset` gets exactly the rest.
   * @type {Handler}
   */
  function history(_req, res, url) {
    const conversationId = idParam(queryObject(url).conversation_id, 'conversation_id');
    if (conversationId === null) throw new HttpError(400, 'conversation_id is required');
    /** @type {HistoryMessage[]} */
    const messages = [];
    for (const job of jobs.list()) {
      if (job.conversationId !== conversationId) continue;
      const { think, answer, offset } = jobSnapshot(job);
      messages.push(
        { id: `${job.messageId}:q`, author: 'user', think: '', answer: job.prompt, status: 'available', offset: 0 },
        {
          id: job.messageId,
          author: 'assistant',
          think,
          answer,
          status: job.done ? 'available' : 'pending',
          offset,
          ...(job.stopped ? { stopped: true } : {}),
        },
      );
    }
    sendJson(res, 200, { messages });
  }

  /**
   * `POST /_debug/chaos {message_id, action}`: what the demo's "network chaos" panel does to
   * a running answer, now — `cut` (the open streams die), `stall` (they go silent, pings
   * too, until the client's heartbeat gives up), `503` (cut, and the resume is answered
   * 503 with `Retry-After: 2`), `replay` (cut, and the resume repeats the 25 events before
   * its offset). Answers `{streams}`: how many open streams were broken.
   * @param {Request} req
   * @param {Response} res
   */
  async function chaos(req, res) {
    const body = await readJson(req);
    const job = requireJob(typeof body.message_id === 'string' ? body.message_id : undefined);
    const next = CHAOS_NEXT.get(String(body.action));
    if (next === undefined) {
      throw new HttpError(400, `action must be one of ${[...CHAOS_NEXT.keys()].join(', ')}`);
    }
    if (next) queued.set(job, [...(queued.get(job) ?? []), ...parseFaultPlan(next)]);
    const broken = [...(streams.get(job) ?? [])].filter((stream) => stream.open());
    for (const stream of broken) {
      if (body.action === 'stall') stream.stall();
      else stream.cut();
    }
    sendJson(res, 200, { streams: broken.length });
  }

  /**
   * `GET /_debug/message`: a job's state, to compare texts and count requests in tests.
   * @type {Handler}
   */
  function debug(_req, res, url) {
    const job = requireJob(queryObject(url).message_id);
    sendJson(res, 200, {
      messageId: job.messageId,
      conversationId: job.conversationId,
      prompt: job.prompt,
      think: job.think,
      answer: job.answer,
      done: job.done,
      stopped: job.stopped,
      error: job.error,
      events: job.log.length,
      lastSeq: job.lastSeq,
      generations: job.generations,
      polls: job.polls,
      connections: job.connections,
      openConnections: job.connections.filter((c) => c.open).length,
    });
  }

  /** @param {string | undefined} messageId */
  function requireJob(messageId) {
    const job = messageId ? jobs.get(messageId) : undefined;
    if (!job) throw new HttpError(404, `unknown message_id ${messageId ?? '(none given)'}`);
    return job;
  }

  /** Ends every open stream and stops every job. */
  function close() {
    for (const res of open) res.destroy();
    open.clear();
    jobs.close();
  }

  return { handle, jobs, close };
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

/** @typedef {ReturnType<typeof createSseChatServer>} SseChatServer */
