// @ts-check
/**
 * The reference resumable SSE chat server: the server library's handlers (lib/handler.js) with
 * the scripted answer (or the relay of an OpenAI-compatible upstream) and, for tests and the
 * demo, fault injection. Mountable in a plain `node:http` server or as Koa/Express middleware
 * (it only needs the raw req/res).
 *
 *   POST|GET {base}/chat   start or resume an answer as an event stream
 *   POST     {base}/stop   cancel an answer
 *   GET      {base}/poll   the same events as JSON, for clients that cannot stream
 *   GET      {base}/history   the messages of a conversation, with resumable pending answers
 *   GET      {base}/_debug/message   a job's state (only with `faults: true`)
 *   POST     {base}/_debug/chaos     break a running answer's stream now (only with `faults: true`)
 *   POST     {base}/_debug/fixture   register a recorded stream to replay byte for byte (only with `faults: true`)
 *   GET|POST {base}/fixture          replay it; GET {base}/_debug/fixture: what it was asked (fixtures.js)
 *   GET|POST {base}/vendor?protocol= the scripted answer in another wire format (vendor-stream.js)
 *   POST     {base}/feedback        the widget's good / bad buttons; GET {base}/_debug/feedback reads them
 */
import { faultAt, faultResponse, hang, parseFaultPlan } from './faults.js';
import { createFixtureRoutes } from './fixtures.js';
import { createVendorRoute } from './vendor-stream.js';
import { HttpError, intParam, queryObject, readJson, sendJson, sendText } from './lib/http.js';
import { createChatHandler } from './lib/handler.js';
import { createScriptedStore } from './scripted-store.js';
import { scriptedProducer } from './scripted-producer.js';
import { createRedisStore } from './lib/redis-store.js';
import { createRelayProducer } from './relay.js';
import { MAX_SIZE } from './answer-script.js';

export { formatEvent } from './lib/sse.js';

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
 * @property {string | Omit<import('./lib/redis-store.js').RedisStoreOptions, 'producer'>} [redis]  keep the
 *   answers in Redis Streams (a `redis://` URL or the Redis store's options) instead of memory
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
 * @typedef {import('./lib/handler.js').Handler} Handler
 * @typedef {import('./lib/handler.js').Answer} Job
 */

/**
 * Creates the server.
 * @param {SseChatServerOptions} [options]
 */
export function createSseChatServer(options = {}) {
  const { faults = false, chunkMs = 30, relay, redis, retentionMs, maxJobs, now, setTimer, clearTimer } = options;
  const producer = relay ? createRelayProducer(relay) : undefined;
  const jobs = redis
    ? createRedisStore({
        now,
        ...(typeof redis === 'string' ? { url: redis } : redis),
        producer: producer ?? scriptedProducer({ chunkMs }),
      })
    : createScriptedStore({ producer, chunkMs, retentionMs, maxJobs, now, setTimer, clearTimer });
  // Fault state by message id, not by answer object: the Redis store gives a new object per
  // request. Kept for the last FAULT_STATE_LIMIT answers.
  /** @type {Map<string, string>} the fault plan given when an answer was created */
  const plans = new Map();
  /** @type {Map<string, import('./faults.js').Fault[]>} faults queued for an answer's next requests */
  const queued = new Map();
  /** @type {Map<string, number>} requests made for each answer (its connection index, on any store) */
  const requests = new Map();

  // The scripted answer in other wire formats, for the demo's protocol picker (vendor-stream.js).
  const vendor = createVendorRoute({ track: (res) => api.track(res), chunkMs });
  /** @type {Record<string, Handler>} keyed by `METHOD /path` */
  const routes = { 'GET /vendor': vendor.vendor, 'POST /vendor': vendor.vendor, 'POST /feedback': feedback };
  if (faults) {
    routes['GET /_debug/feedback'] = feedbackOf;
    routes['GET /_debug/message'] = debug;
    routes['POST /_debug/chaos'] = chaos;
    Object.assign(routes, createFixtureRoutes({ track: (res) => api.track(res) }));
  }
  const api = createChatHandler({
    store: jobs,
    pingMs: options.pingMs,
    basePath: options.basePath,
    corsOrigin: options.corsOrigin,
    routes,
    requestOptions: (query) => ({
      chunkMs: intParam(query.chunk_ms, 'chunk_ms', { min: 0, max: 1000, clamp: true }),
      size: intParam(query.size, 'size', { min: 0, max: MAX_SIZE, clamp: true }),
    }),
    connection: faults ? playFault : undefined,
  });

  /**
   * The fault of a chat connection, from the job's plan (`faults` query of its first request)
   * or queued by the chaos route: a replacement response, a hang, or a fault for the stream.
   * @type {import('./lib/handler.js').ConnectionHook}
   */
  function playFault({ answer: job, query, created, record, res }) {
    const id = job.messageId;
    if (created && query.faults) remember(plans, id, query.faults);
    const index = requests.get(id) ?? record.index;
    remember(requests, id, index + 1);
    const plan = parseFaultPlan(query.faults ?? plans.get(id));
    const fault = queued.get(id)?.shift() ?? faultAt(plan, index);
    record.fault = fault.entry;
    if (fault.hang) {
      api.track(res);
      hang(res, record);
      return true;
    }
    const replacement = faultResponse(fault);
    if (replacement) {
      Object.assign(record, { status: replacement.status, open: false });
      sendText(res, replacement.status, replacement.headers, replacement.body);
      return true;
    }
    return fault;
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
    const next = CHAOS_NEXT.get(String(body.action));
    if (next === undefined) {
      throw new HttpError(400, `action must be one of ${[...CHAOS_NEXT.keys()].join(', ')}`);
    }
    // A vendor stream (no log, nothing to resume): only cut or stall it, once.
    const vendorStreams = typeof body.message_id === 'string' ? vendor.streams(body.message_id) : [];
    if (vendorStreams.length > 0) {
      for (const stream of vendorStreams) {
        if (body.action === 'stall') stream.stall();
        else stream.cut();
      }
      sendJson(res, 200, { streams: vendorStreams.length });
      return;
    }
    const job = await api.requireAnswer(typeof body.message_id === 'string' ? body.message_id : undefined);
    if (next) remember(queued, job.messageId, [...(queued.get(job.messageId) ?? []), ...parseFaultPlan(next)]);
    const broken = api.streams(job).filter((stream) => stream.open());
    for (const stream of broken) {
      if (body.action === 'stall') stream.stall();
      else stream.cut();
    }
    sendJson(res, 200, { streams: broken.length });
  }

  /** @type {Map<string, Array<{conversation_id: unknown, value: unknown}>>} feedback by message id, in order */
  const feedbacks = new Map();

  /**
   * `POST /feedback {conversation_id, message_id, value}`: the widget's good / bad buttons
   * (`feedback-endpoint`); recorded, 204. A real app would store it with the answer.
   * @param {Request} req
   * @param {Response} res
   */
  async function feedback(req, res) {
    const body = await readJson(req);
    if (typeof body.message_id !== 'string' || (body.value !== 'up' && body.value !== 'down')) {
      throw new HttpError(400, 'feedback is {conversation_id, message_id, value: "up" | "down"}');
    }
    const list = feedbacks.get(body.message_id) ?? [];
    remember(feedbacks, body.message_id, [...list, { conversation_id: body.conversation_id, value: body.value }]);
    sendText(res, 204, {});
  }

  /**
   * `GET /_debug/feedback?message_id=`: the feedback recorded for an answer, oldest first.
   * @param {Request} _req
   * @param {Response} res
   * @param {URL} url
   */
  function feedbackOf(_req, res, url) {
    sendJson(res, 200, { feedback: feedbacks.get(queryObject(url).message_id ?? '') ?? [] });
  }

  /**
   * `GET /_debug/message`: a job's state, to compare texts and count requests in tests.
   * @param {Request} _req
   * @param {Response} res
   * @param {URL} url
   */
  async function debug(_req, res, url) {
    const job = await api.requireAnswer(queryObject(url).message_id);
    // The memory store keeps the texts on the job; Redis keeps only the log.
    const texts = 'log' in job ? job : await api.snapshot(job);
    sendJson(res, 200, {
      messageId: job.messageId,
      conversationId: job.conversationId,
      prompt: job.prompt,
      regenerates: job.regenerates ?? null,
      edits: job.edits ?? null,
      version: job.version ?? 0,
      think: texts.think,
      answer: texts.answer,
      done: job.done,
      stopped: job.stopped,
      error: job.error,
      events: job.lastSeq,
      lastSeq: job.lastSeq,
      generations: job.generations,
      polls: job.polls,
      connections: job.connections,
      openConnections: job.connections.filter((c) => c.open).length,
    });
  }

  return {
    handle: api.handle,
    /**
     * The store of answers. Typed as the memory store, which the tests read directly; with
     * `redis` it is the Redis store (`createRedisStore`), which has the store interface only.
     */
    jobs: /** @type {import('./lib/memory-store.js').JobStore} */ (/** @type {unknown} */ (jobs)),
    close: api.close,
  };
}

/** How many answers' fault state the reference server keeps (the oldest go first). */
const FAULT_STATE_LIMIT = 10_000;

/**
 * Sets a key of a map that keeps at most FAULT_STATE_LIMIT keys, most recently set last.
 * @template V
 * @param {Map<string, V>} map
 * @param {string} key
 * @param {V} value
 */
function remember(map, key, value) {
  map.delete(key);
  map.set(key, value);
  if (map.size > FAULT_STATE_LIMIT) map.delete(/** @type {string} */ (map.keys().next().value));
}

/** @typedef {ReturnType<typeof createSseChatServer>} SseChatServer */
