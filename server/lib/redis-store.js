// @ts-check
/**
 * The Redis store: answers kept in Redis Streams, so that any server instance can serve any
 * answer from any offset, and an answer survives the instance that serves it (docs/server.md#redis).
 *
 * Keys (all under `prefix`, all expiring `ttlMs` after their last write):
 *   answer:{id}          hash: conversationId, prompt, createdAt, lastSeq, done, stopped, error, generations, owner,
 *                        regenerates, edits, version
 *   answer:{id}:events   stream: one entry per event, entry id `{seq}-0`, fields d (data), e (event name), f (final)
 *   answer:{id}:lease    the producing instance's id, set with PX `leaseMs` and renewed while it produces
 *   conversation:{id}    list of the conversation's message ids, oldest first
 *   stop                 pub/sub channel: a message id whose producer must stop
 *
 * Every write to an answer goes through one Lua script (APPEND below) that refuses it once the
 * answer is finished: the producer, a stop from another instance, and the lease check race
 * safely, and exactly one finish event is ever logged. The sequence numbers are Redis's
 * (`HINCRBY lastSeq`), so the log has no gap or duplicate whoever writes.
 *
 * Following: each instance has one connection blocked in `XREAD BLOCK` on the streams its open
 * connections follow, each from its follower's cursor; a new follower wakes it with
 * `CLIENT UNBLOCK`. The first read of a follower behind the live end returns what was logged
 * already, so catching up and following live are one loop.
 *
 * The client library (`redis`, node-redis) is imported only when this store is created.
 */
import { randomUUID } from 'node:crypto';
import { runProducer } from './producer.js';
import { HttpError } from './http.js';
import { textsOfLog } from './memory-store.js';

/**
 * Appends events unless the answer is finished (→ 0) or unknown (→ -1); returns the last seq.
 * ARGV: ttl, now, kind ('' | 'stopped' | 'orphan': only while the lease has lapsed), the error
 * of a final error event, then (data, event name, final) for each event.
 */
const APPEND = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'done') == '1' then return 0 end
if ARGV[3] == 'orphan' and redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local seq = 0
for i = 5, #ARGV, 3 do
  seq = redis.call('HINCRBY', KEYS[1], 'lastSeq', 1)
  local fields = {'d', ARGV[i]}
  if ARGV[i + 1] ~= '' then fields[3] = 'e'; fields[4] = ARGV[i + 1] end
  if ARGV[i + 2] == '1' then
    fields[#fields + 1] = 'f'; fields[#fields + 1] = '1'
    redis.call('HSET', KEYS[1], 'done', '1', 'finishedAt', ARGV[2])
    if ARGV[3] == 'stopped' then redis.call('HSET', KEYS[1], 'stopped', '1') end
    if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[4]) end
    redis.call('DEL', KEYS[3])
  end
  redis.call('XADD', KEYS[2], seq .. '-0', unpack(fields))
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return seq
`;

/**
 * Creates an answer unless its id is taken (→ 0, else 1); takes the lease and joins the
 * conversation. `regenerates`, `edits` (ARGV[8], ARGV[9]) and `version` (ARGV[10]) are stored
 * as given: the chat route checks them.
 */
const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'conversationId', ARGV[1], 'prompt', ARGV[2], 'createdAt', ARGV[3],
  'lastSeq', '0', 'done', '0', 'generations', '1', 'owner', ARGV[5],
  'regenerates', ARGV[8], 'edits', ARGV[9], 'version', ARGV[10])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[6])
if ARGV[1] ~= '' then
  redis.call('RPUSH', KEYS[3], ARGV[7])
  redis.call('PEXPIRE', KEYS[3], ARGV[4])
end
return 1
`;

/** Renews the leases (KEYS) this instance holds; returns the indexes (1-based) of those it no longer holds. */
const RENEW = `
local lost = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('PEXPIRE', key, ARGV[2]) else lost[#lost + 1] = i end
end
return lost
`;

/**
 * @typedef {import('./memory-store.js').LogEntry} LogEntry
 * @typedef {import('./memory-store.js').ConnectionRecord} ConnectionRecord
 * @typedef {import('./memory-store.js').Producer} Producer
 * @typedef {import('./memory-store.js').JobEvent} JobEvent
 * @typedef {import('./memory-store.js').CreateJobOptions} CreateJobOptions
 */

/**
 * What the store needs of a Redis client: node-redis's (`redis` on npm, v4 or later).
 * @typedef {object} RedisClient
 * @property {(args: string[]) => Promise<any>} sendCommand
 * @property {() => RedisClient} duplicate
 * @property {() => Promise<unknown>} connect
 * @property {(channel: string, listener: (message: string) => void) => Promise<unknown>} subscribe
 * @property {(event: string, listener: (...args: any[]) => void) => unknown} on
 * @property {boolean} isOpen
 * @property {boolean} isReady
 * @property {() => Promise<unknown> | void} [close]
 * @property {() => Promise<unknown>} [quit]
 * @property {() => void} [destroy]
 * @property {() => Promise<unknown>} [disconnect]  node-redis v4's `destroy`
 */

/**
 * @typedef {object} RedisStoreOptions
 * @property {Producer} producer  makes the answers started on this instance
 * @property {string} [url]  e.g. `redis://localhost:6379` (default: `REDIS_URL`)
 * @property {RedisClient} [client]  a node-redis client to use instead of `url`, not yet
 *   connected or connected; the store duplicates it for its blocking reads and pub/sub
 * @property {string} [prefix]  of every key (default `sse-chat:`)
 * @property {number} [ttlMs]  every key expires this long after its last write (default 24 h)
 * @property {number} [leaseMs]  the producer's lease: a follower ends an answer whose producer
 *   has not renewed it for this long (default 5 s; renewed every third of it)
 * @property {() => number} [now]
 */

/** How long a request waits for a Redis that has not been reached yet before it is answered 503. */
const CONNECT_WAIT_MS = 3_000;

/** The error of an answer whose producing instance stopped renewing its lease. */
export const PRODUCER_GONE = 'the server producing this answer stopped';

/** One answer as read from Redis: its state when read, and its log through Redis. */
export class RedisAnswer {
  /**
   * @param {RedisStoreState} store
   * @param {string} messageId
   * @param {Record<string, string>} meta  the answer's hash
   */
  constructor(store, messageId, meta) {
    this.#store = store;
    this.messageId = messageId;
    this.conversationId = meta.conversationId || null;
    this.prompt = meta.prompt ?? '';
    /** @type {string | null} the answer this one regenerates */
    this.regenerates = meta.regenerates || null;
    /** @type {string | null} the answer whose question this one's replaces */
    this.edits = meta.edits || null;
    /** How many earlier versions the answer has. */
    this.version = Number(meta.version ?? 0) || 0;
    this.createdAt = Number(meta.createdAt);
    this.finishedAt = meta.finishedAt ? Number(meta.finishedAt) : null;
    this.lastSeq = Number(meta.lastSeq ?? 0);
    this.done = meta.done === '1';
    this.stopped = meta.stopped === '1';
    /** @type {string | null} */
    this.error = meta.error || null;
    this.generations = Number(meta.generations ?? 1);
    /** Texts a producer knows in advance (the scripted one sets them); Redis has the log's. */
    this.think = '';
    this.answer = '';
    /** @type {ConnectionRecord[]} the connections of this request only: Redis keeps no record */
    this.connections = [];
    this.polls = 0;
  }

  #store;

  /**
   * Calls `onEntry` with every entry after `offset`, then the live ones, until the final one;
   * `onError` when Redis fails (the connection should be cut: the client resumes elsewhere).
   * @param {number} offset
   * @param {(entry: LogEntry, final: boolean) => void} onEntry
   * @param {(error: Error) => void} [onError]
   * @returns {() => void} stop following
   */
  follow(offset, onEntry, onError) {
    return this.#store.follow(this.messageId, Math.max(0, offset), onEntry, onError);
  }

  /**
   * The entries after `offset`, at most `limit`, and whether they end the answer.
   * @param {number} offset
   * @param {number} limit
   * @returns {Promise<{entries: LogEntry[], done: boolean}>}
   */
  async read(offset, limit) {
    const entries = await this.#store.range(this.messageId, offset, limit);
    const last = entries.at(-1);
    return { entries, done: last ? last.final : this.done && offset >= this.lastSeq };
  }
}

/**
 * @typedef {object} RedisStoreState what a RedisAnswer reads through
 * @property {(id: string, offset: number, onEntry: (entry: LogEntry, final: boolean) => void,
 *   onError?: (error: Error) => void) => () => void} follow
 * @property {(id: string, offset: number, limit: number) => Promise<Array<LogEntry & {final: boolean}>>} range
 */

/**
 * @typedef {object} Follower
 * @property {string} id  the message id
 * @property {number} cursor  the last seq delivered
 * @property {(entry: LogEntry, final: boolean) => void} onEntry
 * @property {(error: Error) => void} onError
 */

/**
 * Creates the Redis store. It connects lazily: the first request waits for the connection.
 * @param {RedisStoreOptions} options
 */
export function createRedisStore(options) {
  const {
    producer,
    prefix = 'sse-chat:',
    ttlMs = 24 * 3_600_000,
    leaseMs = 5_000,
    now = Date.now,
    url = process.env.REDIS_URL,
  } = options;
  const instance = randomUUID();
  const keys = {
    /** @param {string} id */ meta: (id) => `${prefix}answer:${id}`,
    /** @param {string} id */ events: (id) => `${prefix}answer:${id}:events`,
    /** @param {string} id */ lease: (id) => `${prefix}answer:${id}:lease`,
    /** @param {string} id */ conversation: (id) => `${prefix}conversation:${id}`,
    stop: `${prefix}stop`,
  };

  /** @type {Map<string, AbortController>} producers running on this instance */
  const running = new Map();
  /** @type {Map<string, Set<Follower>>} followers on this instance, by message id */
  const followers = new Map();
  let closed = false;
  /** @type {RedisClient} commands */
  let client;
  /** @type {RedisClient} blocked in XREAD */
  let reader;
  /** @type {RedisClient} subscribed to the stop channel */
  let subscriber;
  /**
   * @type {RedisClient} renews the leases: on a connection of its own, so that a queue of
   * appends on the command connection never delays a renewal past the lease
   */
  let leaser;
  let renewing = false;
  /** @type {string | null} the reader's CLIENT ID, to wake it */
  let readerId = null;
  let blocked = false;
  /** XREADs begun: a wake meant for one that has returned is not repeated */
  let rounds = 0;
  /** @type {(() => void) | null} wakes a reader with nothing to follow */
  let idle = null;
  /** @type {Map<string, string>} script → sha */
  const shas = new Map();
  let lastLeaseCheck = 0;
  let lastErrorLog = 0;

  /** Set once every connection is up (the client library reconnects by itself after that). */
  let connected = false;
  const ready = connect().then(() => {
    connected = true;
  });
  ready.catch(() => {}); // reported to each request that waits for it
  const renewal = setInterval(renewLeases, Math.max(50, leaseMs / 3));
  renewal.unref?.();

  async function connect() {
    if (options.client) {
      client = options.client;
    } else {
      if (!url) throw new Error('the Redis store needs a `url` (or REDIS_URL) or a `client`');
      /** @type {any} */
      let redis;
      try {
        redis = await import('redis');
      } catch {
        throw new Error('the Redis store needs the `redis` package: npm install redis');
      }
      // No offline queue: while Redis is away a request fails at once (503) instead of hanging.
      // Commands time out after 30 s (node-redis's default, 5 s, is shorter than a busy
      // Redis's queue can be; a timed-out append would end an answer that is fine).
      client = redis.createClient({ url, disableOfflineQueue: true, commandOptions: { timeout: 30_000 } });
    }
    client.on('error', logError);
    if (!client.isOpen) await client.connect();
    reader = client.duplicate();
    subscriber = client.duplicate();
    leaser = client.duplicate();
    for (const connection of [reader, subscriber, leaser]) connection.on('error', logError);
    reader.on('ready', () => {
      readerId = null; // a reconnected reader has a new id
    });
    await Promise.all([reader.connect(), subscriber.connect(), leaser.connect()]);
    await subscriber.subscribe(keys.stop, (messageId) => running.get(messageId)?.abort());
    void readLoop();
  }

  /** @param {Error} error */
  function logError(error) {
    if (closed || now() - lastErrorLog < 5_000) return;
    lastErrorLog = now();
    console.error(`[sse-chat server] Redis: ${error?.message || error}`);
  }

  /**
   * Runs a script by its sha, loading it when Redis does not know it (first use, or a restarted Redis).
   * @param {string} script
   * @param {string[]} scriptKeys
   * @param {Array<string | number>} args
   * @param {RedisClient} [connection]
   * @returns {Promise<any>}
   */
  async function run(script, scriptKeys, args, connection = client) {
    const argv = [String(scriptKeys.length), ...scriptKeys, ...args.map(String)];
    const sha = shas.get(script);
    if (sha) {
      try {
        return await connection.sendCommand(['EVALSHA', sha, ...argv]);
      } catch (error) {
        if (!String(/** @type {Error} */ (error)?.message).includes('NOSCRIPT')) throw error;
      }
    }
    shas.set(script, await connection.sendCommand(['SCRIPT', 'LOAD', script]));
    return connection.sendCommand(['EVAL', script, ...argv]);
  }

  /**
   * Waits for the connection and runs `fn`; a Redis failure becomes a 503 the client can retry.
   * @template T
   * @param {() => Promise<T>} fn
   * @returns {Promise<T>}
   */
  async function redisCall(fn) {
    try {
      if (!connected) {
        // Redis not reached yet (down at start, or a wrong URL): wait a little, never forever.
        /** @type {NodeJS.Timeout | undefined} */
        let timer;
        const waited = new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('could not connect')), CONNECT_WAIT_MS);
        });
        await Promise.race([ready, waited]).finally(() => clearTimeout(timer));
      }
      return await fn();
    } catch (error) {
      if (error instanceof HttpError) throw error;
      const message = /** @type {Error} */ (error)?.message ?? String(error);
      throw new HttpError(503, `the answer store (Redis) is unavailable: ${message}`);
    }
  }

  /**
   * Appends events through APPEND (only the last may be final): the last seq, 0 when the
   * answer is finished (or, for `orphan`, still leased), -1 when it is unknown.
   * @param {string} id
   * @param {JobEvent[]} events
   * @param {'' | 'stopped' | 'orphan'} [kind]
   * @returns {Promise<number>}
   */
  async function append(id, events, kind = '') {
    const last = /** @type {JobEvent} */ (events.at(-1));
    const error = last.final && last.payload.mode === 'error' ? String(last.payload.finish_reason ?? 'error') : '';
    const args = events.flatMap(({ event, payload, final }) => [
      JSON.stringify(payload),
      event ?? '',
      final ? '1' : '0',
    ]);
    const seq = await run(
      APPEND,
      [keys.meta(id), keys.events(id), keys.lease(id)],
      [ttlMs, now(), kind, error, ...args],
    );
    return Number(seq);
  }

  /**
   * The answer's hash after ending it if its producer is gone (its lease lapsed), or undefined.
   * @param {string} id
   * @returns {Promise<RedisAnswer | undefined>}
   */
  async function load(id) {
    let meta = hash(await client.sendCommand(['HGETALL', keys.meta(id)]));
    if (!meta.createdAt) return undefined;
    if (meta.done !== '1' && !running.has(id) && (await orphaned(id)))
      meta = hash(await client.sendCommand(['HGETALL', keys.meta(id)]));
    return new RedisAnswer(state, id, meta);
  }

  /**
   * Ends an unfinished answer whose lease has lapsed with an error event; true when it did.
   * @param {string} id
   */
  async function orphaned(id) {
    const payload = { mode: 'error', message_id: id, finish_reason: PRODUCER_GONE };
    const ended = (await append(id, [{ payload, final: true }], 'orphan')) > 0;
    if (ended) console.warn(`[sse-chat server] answer ${id} ended: its producer's lease lapsed`);
    return ended;
  }

  /**
   * Starts a new answer and its producer here; an id another instance created meanwhile is
   * that answer (followed, not generated again).
   * @param {CreateJobOptions} [init]
   * @returns {Promise<RedisAnswer>}
   */
  async function create({
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
    return redisCall(async () => {
      if (closed) throw new Error('the store is closed');
      const createdAt = now();
      const made = await run(
        CREATE,
        [keys.meta(messageId), keys.lease(messageId), keys.conversation(conversationId ?? '')],
        [
          conversationId ?? '',
          prompt,
          createdAt,
          ttlMs,
          instance,
          leaseMs,
          messageId,
          regenerates ?? '',
          edits ?? '',
          String(version),
        ],
      );
      if (Number(made) !== 1) {
        // Another instance created it first: follow that one. (Gone again already — expired
        // in between — is answered 503, and the client asks again.)
        const existing = await load(messageId);
        if (!existing) throw new Error(`answer ${messageId} expired while it was being created`);
        return existing;
      }
      const meta = {
        conversationId: conversationId ?? '',
        prompt,
        createdAt: String(createdAt),
        generations: '1',
        regenerates: regenerates ?? '',
        edits: edits ?? '',
        version: String(version),
      };
      const answer = new RedisAnswer(state, messageId, meta);
      produce(new RedisAnswer(state, messageId, meta), { messages, chunkMs, size });
      return answer;
    });
  }

  /**
   * Runs the producer of a new answer. Its events go to Redis in order: one APPEND at a time,
   * each with every event emitted while the previous one ran (a fast producer and a busy Redis
   * make fewer, larger writes instead of a queue that grows). `emit` answers from what this
   * instance knows; an answer stopped elsewhere is learnt from the next append (or the stop
   * channel), and the producer is aborted.
   * @param {RedisAnswer} job  this instance's handle: `lastSeq` and `done` as the producer emitted them
   * @param {{messages: readonly unknown[], chunkMs?: number, size?: number}} request
   */
  function produce(job, request) {
    const controller = new AbortController();
    const { signal } = controller;
    running.set(job.messageId, controller);
    /** @type {JobEvent[]} */
    let pending = [];
    let writing = false;
    const finish = () => {
      running.delete(job.messageId);
      controller.abort();
    };
    const flush = () => {
      if (writing || pending.length === 0) return;
      const batch = pending;
      pending = [];
      writing = true;
      append(job.messageId, batch).then(
        (seq) => {
          writing = false;
          if (seq <= 0 || batch.at(-1)?.final) finish();
          else flush();
        },
        (error) => {
          logError(error);
          finish(); // the answer cannot be logged: its followers hear of it from the lease
        },
      );
    };
    /** @param {JobEvent} event */
    const emit = (event) => {
      if (signal.aborted || job.done) return false;
      job.lastSeq++;
      if (event.final) job.done = true;
      pending.push(event);
      flush();
      return true;
    };
    // A producer reads `messageId`, `prompt`, `conversationId`, `regenerates`, `version`,
    // `lastSeq` and `done`, which this handle has; appending goes through `emit` only.
    const handle = /** @type {import('./memory-store.js').Job} */ (/** @type {unknown} */ (job));
    runProducer(producer, { job: handle, ...request, emit, signal });
  }

  /** Renews the leases of the answers produced here; aborts a producer whose answer is gone or finished. */
  async function renewLeases() {
    if (closed || renewing || running.size === 0 || !leaser?.isReady) return;
    renewing = true;
    try {
      const producing = [...running];
      const lost = await run(
        RENEW,
        producing.map(([id]) => keys.lease(id)),
        [instance, leaseMs],
        leaser,
      );
      for (const index of /** @type {unknown[]} */ (lost)) producing[Number(index) - 1]?.[1].abort();
    } catch (error) {
      logError(/** @type {Error} */ (error));
    } finally {
      renewing = false;
    }
  }

  /**
   * Entries after `offset` (at most `limit`), read with XRANGE.
   * @param {string} id
   * @param {number} offset
   * @param {number} limit
   */
  async function range(id, offset, limit) {
    return redisCall(async () =>
      entriesOf(await client.sendCommand(['XRANGE', keys.events(id), `(${offset}-0`, '+', 'COUNT', String(limit)])),
    );
  }

  /**
   * Follows an answer's stream from `offset` on this instance's reader.
   * @param {string} id
   * @param {number} offset
   * @param {(entry: LogEntry, final: boolean) => void} onEntry
   * @param {(error: Error) => void} [onError]
   */
  function follow(id, offset, onEntry, onError = () => {}) {
    /** @type {Follower} */
    const follower = { id, cursor: offset, onEntry, onError };
    const set = followers.get(id) ?? new Set();
    followers.set(id, set.add(follower));
    void wake();
    return () => unfollow(follower);
  }

  /** @param {Follower} follower */
  function unfollow(follower) {
    const set = followers.get(follower.id);
    if (!set?.delete(follower)) return;
    if (set.size === 0) followers.delete(follower.id);
  }

  /**
   * Makes the reader start a new XREAD with the current followers. The UNBLOCK may reach Redis
   * before the XREAD it is meant for (they travel on two connections): then it is sent again.
   */
  async function wake() {
    if (idle) {
      idle();
      idle = null;
      return;
    }
    const round = rounds;
    for (let tries = 0; tries < 20 && blocked && round === rounds && readerId !== null && client?.isOpen; tries++) {
      try {
        if (Number(await client.sendCommand(['CLIENT', 'UNBLOCK', readerId])) === 1) return;
      } catch (error) {
        logError(/** @type {Error} */ (error));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** The reader: XREAD BLOCK over every followed stream, each from its slowest follower. */
  async function readLoop() {
    /** @type {number | null} since when the reader has been disconnected */
    let downSince = null;
    while (!closed) {
      if (followers.size === 0) {
        await new Promise((resolve) => {
          idle = () => resolve(undefined);
        });
        continue;
      }
      if (!reader.isReady) {
        // Reconnecting: new followers wait for it, for a lease at most, then are cut.
        downSince ??= now();
        if (now() - downSince > leaseMs) cutFollowers(new Error('Redis is unavailable'));
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      downSince = null;
      /** @type {string[]} */
      let followed = [];
      try {
        if (now() - lastLeaseCheck >= leaseMs / 2) await checkLeases();
        readerId ??= String(await reader.sendCommand(['CLIENT', 'ID']));
        if (followers.size === 0) continue;
        followed = [...followers.keys()];
        const cursors = followed.map((id) => `${Math.min(...[...(followers.get(id) ?? [])].map((f) => f.cursor))}-0`);
        blocked = true;
        rounds++;
        const reply = await reader.sendCommand([
          'XREAD',
          'COUNT',
          '500',
          'BLOCK',
          String(Math.max(10, Math.round(leaseMs / 2))),
          'STREAMS',
          ...followed.map(keys.events),
          ...cursors,
        ]);
        blocked = false;
        deliver(reply);
      } catch (error) {
        blocked = false;
        if (closed) return;
        logError(/** @type {Error} */ (error));
        // Their connections are cut: the clients resume, on an instance that can read the log.
        cutFollowers(/** @type {Error} */ (error), followed);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /**
   * Stops following and tells the followers' connections the log cannot be read.
   * @param {Error} error
   * @param {string[]} [ids]  only these answers' followers (default: all)
   */
  function cutFollowers(error, ids = [...followers.keys()]) {
    for (const id of ids) {
      for (const follower of [...(followers.get(id) ?? [])]) {
        unfollow(follower);
        follower.onError(error);
      }
    }
  }

  /** Ends the followed answers whose producers stopped renewing their leases. */
  async function checkLeases() {
    lastLeaseCheck = now();
    await Promise.all([...followers.keys()].filter((id) => !running.has(id)).map(orphaned));
  }

  /** @param {unknown} reply  XREAD's reply: `[[key, entries], …]` (RESP2) or `{key: entries}` (RESP3) */
  function deliver(reply) {
    if (!reply) return;
    const streams =
      Array.isArray(reply) || reply instanceof Map ? [...reply] : Object.entries(/** @type {object} */ (reply));
    for (const [key, raw] of streams) {
      const id = String(key).slice(prefix.length + 'answer:'.length, -':events'.length);
      const entries = entriesOf(raw);
      for (const follower of [...(followers.get(id) ?? [])]) {
        for (const entry of entries) {
          if (entry.seq <= follower.cursor) continue;
          follower.cursor = entry.seq;
          if (entry.final) unfollow(follower);
          follower.onEntry(entry, entry.final);
        }
      }
    }
  }

  /** @type {RedisStoreState} */
  const state = { follow, range };

  return {
    create,
    /** @param {string} messageId */
    get: (messageId) => redisCall(() => load(messageId)),
    /**
     * Stops an answer from any instance: its stopped finish is logged here, and its producer,
     * wherever it runs, is told through the stop channel.
     * @param {string} messageId
     */
    stop: (messageId) =>
      redisCall(async () => {
        const payload = { mode: 'finish', message_id: messageId, meta: { status: 'stopped' } };
        const seq = await append(messageId, [{ payload, final: true }], 'stopped');
        if (seq > 0) await client.sendCommand(['PUBLISH', keys.stop, messageId]);
        return seq !== -1;
      }),
    /**
     * The answers of a conversation (oldest first); without one, none (Redis keeps no global list).
     * @param {string} [conversationId]
     */
    list: (conversationId) =>
      redisCall(async () => {
        if (conversationId === undefined) return [];
        const ids = await client.sendCommand(['LRANGE', keys.conversation(conversationId), '0', '-1']);
        const answers = await Promise.all(/** @type {string[]} */ (ids).map(load));
        return answers.filter((answer) => answer !== undefined);
      }),
    /**
     * The texts of the events `1..offset` and `offset`, read from the log.
     * @param {import('./handler.js').Answer} answer
     */
    snapshot: async (answer) => {
      const entries = await range(answer.messageId, 0, Number.MAX_SAFE_INTEGER);
      return { ...textsOfLog(entries), offset: entries.at(-1)?.seq ?? 0 };
    },
    /** This instance's id (the lease holder's value). */
    instance,
    /** Resolves once connected; rejects when Redis cannot be reached. */
    ready: () => ready,
    /**
     * Ends the answers produced here with an error (their followers elsewhere hear of it at
     * once, not after the lease), stops following, and disconnects.
     */
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(renewal);
      idle?.();
      const producing = [...running.keys()];
      for (const controller of running.values()) controller.abort();
      running.clear();
      followers.clear();
      try {
        if (!connected) throw new Error('never connected');
        await Promise.all(
          producing.map((id) =>
            append(id, [{ payload: { mode: 'error', message_id: id, finish_reason: PRODUCER_GONE }, final: true }]),
          ),
        );
      } catch {
        // Redis is away: the leases lapse instead.
      }
      for (const c of [reader, subscriber, leaser, client]) {
        if (!c || (c === client && options.client)) continue;
        try {
          // A connection still trying to reach Redis is dropped (it would retry forever).
          if (c.isReady) await (c.close?.() ?? c.quit?.());
          else if (c.isOpen) (c.destroy ?? c.disconnect)?.call(c);
        } catch {
          c.destroy?.();
        }
      }
    },
  };
}

/**
 * A flat `[field, value, …]` reply (or a RESP3 map) as an object.
 * @param {unknown} reply
 * @returns {Record<string, string>}
 */
function hash(reply) {
  if (reply instanceof Map) return Object.fromEntries([...reply].map(([k, v]) => [String(k), String(v)]));
  if (!Array.isArray(reply)) return /** @type {Record<string, string>} */ (reply ?? {});
  /** @type {Record<string, string>} */
  const result = {};
  for (let i = 0; i + 1 < reply.length; i += 2) result[String(reply[i])] = String(reply[i + 1]);
  return result;
}

/**
 * Stream entries (`[[id, [field, value, …]], …]`) as log entries.
 * @param {unknown} raw
 * @returns {Array<LogEntry & {final: boolean}>}
 */
function entriesOf(raw) {
  if (!Array.isArray(raw)) return [];
  return raw.map((item) => {
    const [entryId, fields] = Array.isArray(item) ? item : [item.id, item.message];
    const values = hash(fields);
    /** @type {LogEntry & {final: boolean}} */
    const entry = {
      seq: Number(String(entryId).split('-')[0]),
      data: values.d,
      payload: JSON.parse(values.d),
      final: values.f === '1',
    };
    if (values.e) entry.event = values.e;
    return entry;
  });
}

/** @typedef {ReturnType<typeof createRedisStore>} RedisStore */
