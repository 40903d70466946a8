// @ts-check
/**
 * The memory store: generation jobs, one per answer (`message_id`), running independently of
 * any client connection, like a real LLM job, all in this process. Each job appends numbered
 * events to its log; any number of connections follow the log from any offset.
 *
 * What a job says comes from a *producer* (see {@link Producer}); the store owns everything
 * else: the log, stop, retention, eviction, close. The methods the request handlers use are
 * the store interface of docs/server.md (`AnswerStore`), so that another store (Redis Streams)
 * can take this one's place.
 */
import { randomUUID } from 'node:crypto';
import { runProducer } from './producer.js';

/**
 * @typedef {object} LogEntry
 * @property {number} seq  sequence number, 1-based, `log[seq - 1]`
 * @property {string} [event]  SSE event name, only for non-protocol events
 * @property {string} data  the SSE data string (`JSON.stringify(payload)`)
 * @property {Record<string, unknown>} payload
 */

/**
 * @typedef {object} ConnectionRecord one request to the stream endpoint, for debugging
 * @property {number} index  0 for the first request of the message, 1 for its first resume, …
 * @property {string} method
 * @property {number} offset
 * @property {string | null} lastEventId  the raw `Last-Event-ID` header
 * @property {Record<string, string>} query
 * @property {{accept: string | null, 'content-type': string | null, 'x-test': string | null}} headers
 * @property {string | null} bodyConversationId
 * @property {string} fault  the fault entry applied (`ok` when none)
 * @property {number} status  the response status
 * @property {boolean} open  whether the response is still open
 * @property {number} events  events of the log written on this connection
 * @property {number} bytes  body bytes written on this connection
 */

/** @typedef {(entry: LogEntry) => void} Listener */

/**
 * @typedef {object} JobEvent an event a producer appends to a job's log
 * @property {string} [event]  SSE event name, only for non-protocol events
 * @property {Record<string, unknown>} payload  an agent-protocol object (docs/design.md#the-agent-protocol)
 * @property {boolean} [final]  the job's last event (`finish` or `error`)
 */

/**
 * @typedef {object} ProducerRun what a producer gets for one job
 * @property {Job} job  the job (read `messageId`, `prompt`, `regenerates`, `version`, `lastSeq`;
 *   append through `emit`)
 * @property {readonly unknown[]} messages  the conversation of the request, as the client sent it
 * @property {number} [chunkMs]  the request's pacing, for producers that pace themselves
 * @property {number} [size]  the request's answer size, for producers that can grow one
 * @property {(event: JobEvent) => boolean} emit  appends an event; false (and nothing appended)
 *   once the job takes no more: finished, stopped, or the store closed
 * @property {AbortSignal} signal  aborted when the job is stopped, evicted or the store closes:
 *   release everything and emit nothing more (the store appends the stopped finish itself)
 */

/**
 * Produces the events of one answer, from `create()` until it emits a final event or its
 * signal is aborted. It may work synchronously, with timers, or asynchronously; a throw or a
 * rejected promise ends the job with an `error` event.
 * @typedef {(run: ProducerRun) => void | Promise<void>} Producer
 */

/**
 * @typedef {object} JobStoreOptions
 * @property {Producer} producer  makes the answers
 * @property {number} [retentionMs]  how long finished jobs are kept
 * @property {number} [maxJobs]  at most this many jobs are kept
 * @property {() => number} [now]
 * @property {(fn: () => void, ms: number) => unknown} [setTimer]
 * @property {(timer: any) => void} [clearTimer]
 */

/**
 * @typedef {object} CreateJobOptions
 * @property {string} [messageId]  default: a random UUID
 * @property {string | null} [conversationId]
 * @property {string} [prompt]
 * @property {readonly unknown[]} [messages]  the conversation, handed to the producer
 * @property {number} [chunkMs]  the request's pacing, handed to the producer
 * @property {number} [size]  the request's answer size, handed to the producer
 * @property {string | null} [regenerates]  the message id of the answer this one regenerates,
 *   stored as given (the chat route passes it only when that answer is known and of the same
 *   conversation)
 * @property {string | null} [edits]  the message id of the answer whose question this one's
 *   replaces, stored as given (likewise)
 * @property {number} [version]  how many earlier versions the answer has, stored as given (the
 *   chat route: 1 + the version of the answer it regenerates, else 0)
 */

export class Job {
  /** @type {Set<Listener>} */
  #listeners = new Set();
  #now;

  /**
   * @param {{messageId: string, conversationId: string | null, prompt: string, now: () => number,
   *   regenerates?: string | null, edits?: string | null, version?: number}} init
   */
  constructor({ messageId, conversationId, prompt, now, regenerates = null, edits = null, version = 0 }) {
    this.#now = now;
    this.messageId = messageId;
    this.conversationId = conversationId;
    this.prompt = prompt;
    /** The answer this one regenerates (an earlier version of it), or null. */
    this.regenerates = regenerates;
    /** The answer whose question this one's replaces (edit and resend), or null. */
    this.edits = edits;
    /** How many earlier versions the answer has: 0, or 1 + the version of the one it regenerates. */
    this.version = version;
    /** @type {LogEntry[]} */
    this.log = [];
    /**
     * The think text. Once the job is done: exactly what was streamed. Before: what the
     * producer knows in advance (the scripted one: all of it; the relay: nothing yet).
     */
    this.think = '';
    /** The answer text; like `think`. */
    this.answer = '';
    this.done = false;
    this.stopped = false;
    /** @type {string | null} the `finish_reason` when the job ended with an `error` event */
    this.error = null;
    this.createdAt = now();
    /** @type {number | null} */
    this.finishedAt = null;
    /** How many times the answer was generated: always 1, a resume never regenerates. */
    this.generations = 1;
    /** @type {ConnectionRecord[]} */
    this.connections = [];
    /** How many poll requests read this job. */
    this.polls = 0;
  }

  /** The sequence number of the last event (0 before any). */
  get lastSeq() {
    return this.log.length;
  }

  /**
   * Calls `listener` after each event appended to the log.
   * @param {Listener} listener
   * @returns {() => void} unsubscribe
   */
  subscribe(listener) {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Calls `onEntry` with every entry after `offset`: the ones logged already, now, then the
   * live ones as they are appended; `final` is true for the answer's last entry. A store kept
   * elsewhere (Redis) delivers asynchronously through the same callback.
   * @param {number} offset
   * @param {(entry: LogEntry, final: boolean) => void} onEntry
   * @returns {() => void} stop following
   */
  follow(offset, onEntry) {
    let cursor = Math.max(0, offset);
    const deliver = () => {
      while (cursor < this.log.length) {
        const entry = this.log[cursor++];
        onEntry(entry, this.done && cursor === this.log.length);
      }
    };
    const unsubscribe = this.subscribe(deliver);
    deliver();
    return unsubscribe;
  }

  /**
   * The entries after `offset`, at most `limit`, and whether they end the answer.
   * @param {number} offset
   * @param {number} limit
   * @returns {{entries: LogEntry[], done: boolean}}
   */
  read(offset, limit) {
    const entries = this.log.slice(offset, offset + limit);
    return { entries, done: this.done && offset + entries.length >= this.log.length };
  }

  /**
   * Appends an event. The job is marked done before listeners hear of a final event.
   * @param {{event?: string, payload: Record<string, unknown>, final?: boolean}} event
   * @returns {LogEntry}
   */
  append({ event, payload, final = false }) {
    if (this.done) throw new Error(`job ${this.messageId} is already finished`);
    /** @type {LogEntry} */
    const entry = { seq: this.log.length + 1, data: JSON.stringify(payload), payload };
    if (event) entry.event = event;
    this.log.push(entry);
    if (final) {
      this.done = true;
      this.finishedAt = this.#now();
    }
    for (const listener of [...this.#listeners]) listener(entry);
    return entry;
  }
}

/**
 * The think and answer texts of log entries: what a client that received them shows. Shared
 * with the Redis store, which reads its entries back from Redis.
 * @param {readonly LogEntry[]} log
 */
export function textsOfLog(log) {
  let think = '';
  let answer = '';
  for (const { payload } of log) {
    if (payload.mode !== 'append' || !Array.isArray(payload.data)) continue;
    for (const item of payload.data) {
      const type = /** @type {unknown} */ (item?.type);
      if (type === 'think') think += String(item.content ?? '');
      else if (type === 'text') answer += String(item.content ?? '');
    }
  }
  return { think, answer };
}

/**
 * What a job has produced so far, as a resumable snapshot: the think and answer of the events
 * `1..offset`, `offset` being its last seq; a client that shows them and resumes the stream
 * from `offset` ends with exactly the job's final texts. For a finished job: its final texts
 * (after a stop, what was streamed).
 * @param {Job} job
 * @returns {{think: string, answer: string, offset: number}}
 */
export function jobSnapshot(job) {
  if (job.done) return { think: job.think, answer: job.answer, offset: job.lastSeq };
  return { ...textsOfLog(job.log), offset: job.lastSeq };
}

/** @param {unknown} timer */
function unref(timer) {
  /** @type {{unref?: () => void} | null} */ (timer)?.unref?.();
  return timer;
}

/**
 * Creates the memory store of generation jobs.
 * @param {JobStoreOptions} options
 */
export function createMemoryStore(options) {
  const { producer, retentionMs = 5 * 60_000, maxJobs = 200, now = Date.now } = options;
  /** @type {(fn: () => void, ms: number) => unknown} */
  const setTimer = options.setTimer ?? setTimeout;
  /** @type {(timer: any) => void} */
  const clearTimer = options.clearTimer ?? clearTimeout;

  /** @type {Map<string, Job>} insertion order = creation order */
  const jobs = new Map();
  /** @type {Map<Job, AbortController>} aborts the producers of running jobs */
  const running = new Map();
  /** @type {Map<Job, unknown>} retention timers of finished jobs */
  const expiries = new Map();
  let closed = false;

  /**
   * Starts a new job and its producer.
   * @param {CreateJobOptions} [init]
   * @returns {Job}
   */
  function create({
    messageId = randomUUID(),
    conversationId = null,
    prompt = '',
    messages = [],
    chunkMs,
    size,
    regenerates = null,
    edits = null,
    version = 0,
  } = {}) {
    if (closed) throw new Error('job store is closed');
    if (jobs.has(messageId)) throw new Error(`job ${messageId} already exists`);
    const job = new Job({ messageId, conversationId, prompt, now, regenerates, edits, version });
    jobs.set(messageId, job);
    produce(job, { messages, chunkMs, size });
    evict();
    return job;
  }

  /**
   * Runs the producer of a new job.
   * @param {Job} job
   * @param {{messages: readonly unknown[], chunkMs?: number, size?: number}} request
   */
  function produce(job, request) {
    const controller = new AbortController();
    const { signal } = controller;
    running.set(job, controller);
    /** @param {JobEvent} event */
    const emit = (event) => {
      if (signal.aborted || job.done) return false;
      job.append(event);
      if (job.done) finished(job);
      return true;
    };
    runProducer(producer, { job, ...request, emit, signal });
  }

  /**
   * Bookkeeping once a job has its finish event: schedule its removal.
   * @param {Job} job
   */
  function finished(job) {
    running.delete(job);
    const texts = textsOfLog(job.log);
    job.think = texts.think;
    job.answer = texts.answer;
    const last = job.log.at(-1)?.payload;
    if (last?.mode === 'error') job.error = String(last.finish_reason ?? 'error');
    expiries.set(job, unref(setTimer(() => remove(job), retentionMs)));
  }

  /**
   * Drops a job from the store (connections still holding it keep working).
   * @param {Job} job
   */
  function remove(job) {
    running.get(job)?.abort();
    running.delete(job);
    if (expiries.has(job)) clearTimer(expiries.get(job));
    expiries.delete(job);
    if (jobs.get(job.messageId) === job) jobs.delete(job.messageId);
  }

  /** Keeps at most `maxJobs`: evicts the oldest finished jobs, then the oldest running ones. */
  function evict() {
    while (jobs.size > Math.max(1, maxJobs)) {
      let victim = null;
      for (const job of jobs.values()) {
        if (job.done) {
          victim = job;
          break;
        }
      }
      victim ??= /** @type {Job} */ (jobs.values().next().value);
      if (!victim.done) stop(victim.messageId);
      remove(victim);
    }
  }

  /**
   * Aborts a job's producer and appends a `stopped` finish event.
   * @param {string} messageId
   * @returns {boolean} false when the job is unknown
   */
  function stop(messageId) {
    const job = jobs.get(messageId);
    if (!job) return false;
    if (job.done) return true;
    running.get(job)?.abort();
    job.stopped = true;
    job.append({ payload: { mode: 'finish', message_id: job.messageId, meta: { status: 'stopped' } }, final: true });
    finished(job);
    return true;
  }

  /** Aborts every producer, clears every timer and forgets every job. */
  function close() {
    closed = true;
    for (const controller of running.values()) controller.abort();
    for (const timer of expiries.values()) clearTimer(timer);
    running.clear();
    expiries.clear();
    jobs.clear();
  }

  return {
    create,
    stop,
    close,
    /** @param {string} messageId */
    get: (messageId) => jobs.get(messageId),
    /** The number of jobs kept. */
    get size() {
      return jobs.size;
    },
    /**
     * The jobs kept, oldest first; only those of a conversation when one is given.
     * @param {string} [conversationId]
     */
    list: (conversationId) =>
      [...jobs.values()].filter((job) => conversationId === undefined || job.conversationId === conversationId),
  };
}

/** @typedef {ReturnType<typeof createMemoryStore>} JobStore */
