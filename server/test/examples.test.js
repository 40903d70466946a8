// @ts-check
/**
 * The two example apps of docs/server.md (examples/server-express.mjs, examples/server-hono.mjs),
 * each on a free port: an answer cut mid-stream and resumed by `offset` and by `Last-Event-ID`
 * ends exact and generated once; then 204 after the end, stop, and history's `pending`. Each
 * runs twice: answers in memory, and in Redis (`REDIS_URL`, a redis-server started here).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import { decodeTexts, parseSse, waitFor } from './helpers.js';
import { startRedis } from './redis.js';

/** A question long enough for an answer of about a second (10 ms a word). */
const PROMPT = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
/** One of about five seconds: still running when a busy machine gets to stop it. */
const LONG_PROMPT = Array.from({ length: 500 }, (_, i) => `word${i}`).join(' ');

let instances = 0;

/** @type {ReturnType<typeof startRedis> | undefined} started by the first test on Redis */
let redis;
after(async () => (await redis)?.stop());
/** Redis databases 1, 2, …: each test's answers apart from the others'. */
let databases = 0;

/**
 * Imports a fresh instance of an example: each test closes its answers. The specifier is
 * computed so that the type check does not follow it into frameworks that ship no types.
 * @param {string} name
 * @param {string} [store]  `memory` or `redis`
 * @returns {Promise<any>}
 */
async function importExample(name, store = 'memory') {
  if (store === 'redis') {
    redis ??= startRedis();
    process.env.REDIS_URL = `${(await redis).url}/${++databases}`;
  }
  try {
    return await import(new URL(`../../examples/${name}?instance=${++instances}`, import.meta.url).href);
  } finally {
    delete process.env.REDIS_URL;
  }
}

/** @type {Record<string, (store: string) => Promise<{port: number, close: () => Promise<void>, chat: any}>>} */
const apps = {
  express: async (store) => {
    const { app, chat } = await importExample('server-express.mjs', store);
    /** @type {http.Server} */
    const server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    return { port: portOf(server), chat, close: () => closeServer(server, chat) };
  },
  hono: async (store) => {
    const { app, chat } = await importExample('server-hono.mjs', store);
    const { serve } = await import('@hono/node-server');
    /** @type {http.Server} */
    const server = await new Promise((resolve) => {
      const s = /** @type {http.Server} */ (
        serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
      );
    });
    return { port: portOf(server), chat, close: () => closeServer(server, chat) };
  },
};

/** @param {http.Server} server */
function portOf(server) {
  return /** @type {import('node:net').AddressInfo} */ (server.address()).port;
}

/**
 * @param {http.Server} server
 * @param {{close: () => void}} chat
 */
async function closeServer(server, chat) {
  await chat.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(() => resolve(undefined)));
}

/**
 * A chat request over `node:http`, read until `stopAfter` events have arrived (then the socket
 * is destroyed: a network cut) or the response ends.
 * @param {number} port
 * @param {{method?: string, path: string, body?: string, headers?: Record<string, string>, stopAfter?: number}} request
 * @returns {Promise<{status: number, text: string, cut: boolean}>}
 */
function request(port, { method = 'GET', path, body, headers = {}, stopAfter = Infinity }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
        // Whole events only: cut right after the blank line that ends the stopAfter-th one.
        const complete = text.split('\n\n').slice(0, -1);
        if (complete.filter((block) => block.includes('data:')).length >= stopAfter) {
          text = complete.slice(0, stopAfter).join('\n\n') + '\n\n';
          res.socket.destroy();
          resolve({ status: res.statusCode ?? 0, text, cut: true });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, cut: false }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * @param {number} port
 * @param {string} messageId
 * @param {number} [stopAfter]
 * @param {string} [prompt]
 */
function startAnswer(port, messageId, stopAfter, prompt = PROMPT) {
  const body = JSON.stringify({
    conversation_id: 'conv-1',
    message_id: messageId,
    messages: [{ role: 'user', content: prompt }],
  });
  return request(port, {
    method: 'POST',
    path: '/api/chat',
    body,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    stopAfter,
  });
}

/** @param {string} text */
function lastId(text) {
  return Number(parseSse(text).events.at(-1)?.id);
}

for (const [app, start] of Object.entries(apps))
  for (const store of ['memory', 'redis']) {
    const name = `${app} example (${store})`;
    test(`the ${name}: cut, resumed by offset then by Last-Event-ID, exact and generated once`, async () => {
      const app = await start(store);
      try {
        const first = await startAnswer(app.port, 'm-1', 5);
        assert.equal(first.status, 200);
        assert.equal(first.cut, true, 'the first response was cut mid-stream');
        let offset = lastId(first.text);
        assert.equal(offset, 5);

        const second = await request(app.port, {
          path: `/api/chat?message_id=m-1&conversation_id=conv-1&offset=${offset}`,
          stopAfter: 10,
        });
        assert.equal(second.status, 200);
        assert.equal(second.cut, true, 'the resume was cut mid-stream too');
        offset = lastId(second.text);
        assert.equal(offset, 15, 'the resume continues right after its offset');

        const third = await request(app.port, {
          path: '/api/chat?message_id=m-1&conversation_id=conv-1',
          headers: { 'last-event-id': String(offset) },
        });
        assert.equal(third.status, 200);
        assert.equal(third.cut, false);

        const events = [first, second, third].flatMap((r) => parseSse(r.text).events);
        assert.deepEqual(
          events.map((e) => Number(e.id)),
          events.map((_, i) => i + 1),
          'every seq once, in order',
        );
        assert.deepEqual(JSON.parse(events.at(-1)?.data ?? '{}').mode, 'finish');
        assert.deepEqual(decodeTexts(events), {
          think: 'Reading the question.',
          answer: `You asked: ${PROMPT}`,
        });
        const answer = await app.chat.store.get('m-1');
        assert.equal(answer.generations, 1);
        // The memory store's record of the answer saw every request (Redis keeps no such record).
        if (store === 'memory') assert.equal(answer.connections.length, 3);

        const after = await request(app.port, { path: `/api/chat?message_id=m-1&offset=${lastId(third.text)}` });
        assert.equal(after.status, 204, 'a resume with nothing left is 204');
        const unknown = await request(app.port, { path: '/api/chat?message_id=nope&offset=3' });
        assert.equal(unknown.status, 404, 'a resume never starts a generation');
      } finally {
        await app.close();
      }
    });

    test(`the ${name}: stop, poll and history with a pending answer`, async () => {
      const app = await start(store);
      try {
        await startAnswer(app.port, 'm-2', 3, LONG_PROMPT);
        const history = await fetch(`http://127.0.0.1:${app.port}/api/history?conversation_id=conv-1`);
        const { messages } = /** @type {any} */ (await history.json());
        assert.equal(messages.length, 2);
        assert.deepEqual(messages[0], {
          id: 'm-2:q',
          author: 'user',
          think: '',
          answer: LONG_PROMPT,
          status: 'available',
          offset: 0,
        });
        assert.equal(messages[1].status, 'pending');
        assert.ok(messages[1].offset >= 3);

        const poll = await fetch(`http://127.0.0.1:${app.port}/api/poll?message_id=m-2&offset=1`);
        const polled = /** @type {any} */ (await poll.json());
        assert.equal(polled.events[0].id, 2, 'poll starts after its offset');

        const stop = await fetch(`http://127.0.0.1:${app.port}/api/stop`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ message_id: 'm-2' }),
        });
        assert.equal(stop.status, 204);
        const rest = await request(app.port, { path: '/api/chat?message_id=m-2&offset=3' });
        const last = parseSse(rest.text).events.at(-1);
        assert.deepEqual(JSON.parse(last?.data ?? '{}'), {
          mode: 'finish',
          message_id: 'm-2',
          meta: { status: 'stopped' },
        });
        await waitFor(async () => {
          const res = await fetch(`http://127.0.0.1:${app.port}/api/history?conversation_id=conv-1`);
          const body = /** @type {any} */ (await res.json());
          return body.messages[1].status === 'available' && body.messages[1].stopped === true;
        });
        const unknown = await fetch(`http://127.0.0.1:${app.port}/api/stop`, {
          method: 'POST',
          body: JSON.stringify({ message_id: 'nope' }),
        });
        assert.equal(unknown.status, 404);
      } finally {
        await app.close();
      }
    });
  }
