// @ts-check
/**
 * Answers on Redis Streams across two server instances (separate processes) behind a
 * round-robin proxy, each test against a real redis-server started here: a resume lands on the
 * other instance and is exact; a killed producer's answer ends with an error within its lease;
 * a stop reaches the producing instance; history from either instance resumes exactly; and a
 * Redis restart mid-answer is a clear error, with neither instance crashing or hanging.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { scriptFor } from '../answer-script.js';
import { PRODUCER_GONE } from '../lib/redis-store.js';
import { chatBody, decodeTexts, parseSse, waitFor } from './helpers.js';
import { createChatHandler } from '../lib/index.js';
import { freePort, roundRobin, startInstance, startRedis } from './redis.js';

const LEASE_MS = 1_000;

/** @type {Awaited<ReturnType<typeof startRedis>>} */
let redis;
/** @type {Array<Awaited<ReturnType<typeof startInstance>>>} */
let instances;
/** @type {Awaited<ReturnType<typeof startProxy>>} */
let proxy;

before(async () => {
  redis = await startRedis();
  instances = await Promise.all([
    startInstance(redis.url, { leaseMs: LEASE_MS }),
    startInstance(redis.url, { leaseMs: LEASE_MS }),
  ]);
  proxy = await startProxy(() => instances.map((instance) => instance.base));
});

after(async () => {
  await proxy?.close();
  await Promise.all((instances ?? []).map((instance) => instance.stop()));
  await redis?.stop();
});

/**
 * The proxy of the tests, listening on a free port.
 * @param {() => string[]} bases  the instances' API bases
 */
async function startProxy(bases) {
  const balancer = roundRobin(() => bases().map((base) => new URL(base).origin));
  const server = http.createServer((req, res) => balancer.handle(req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    base: `http://127.0.0.1:${port}/api`,
    get next() {
      return balancer.next;
    },
    /** @param {number} index */
    aim: (index) => balancer.aim(index),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

let ids = 0;
/** A fresh message id. */
const newId = () => `redis-${process.pid}-${++ids}`;

/**
 * Opens a chat stream and reads it until `stopWhen` says so (then aborts, like a cut network)
 * or it ends; returns the complete events read, and how it ended.
 * @param {string} url
 * @param {RequestInit} init
 * @param {(events: import('./helpers.js').SseEvent[]) => boolean} [stopWhen]
 */
async function readEvents(url, init, stopWhen = () => false) {
  const controller = new AbortController();
  const res = await fetch(url, { ...init, signal: controller.signal });
  if (res.status !== 200) return { status: res.status, events: [], ended: 'status', body: await res.text() };
  const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ended = 'end';
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch {
      ended = 'error';
      break;
    }
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
    const complete = text.slice(0, text.lastIndexOf('\n\n') + 2);
    if (stopWhen(parseSse(complete).events)) {
      controller.abort();
      ended = 'cut';
      text = complete;
      break;
    }
  }
  return { status: res.status, events: parseSse(text.slice(0, text.lastIndexOf('\n\n') + 2)).events, ended, body: '' };
}

/**
 * Starts an answer through the proxy.
 * @param {string} messageId
 * @param {{prompt?: string, size?: number, chunkMs?: number}} [options]
 */
function chatUrl(messageId, { size = 4000, chunkMs = 5 } = {}) {
  return `${proxy.base}/chat?size=${size}&chunk_ms=${chunkMs}&message_id=${encodeURIComponent(messageId)}`;
}

/** @param {string} messageId @param {string} prompt */
const post = (messageId, prompt) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
  body: chatBody(messageId, prompt),
});

/** The seqs of events, checked to be 1, 2, 3, … from `first`. @param {Array<{id: string | null}>} events */
function assertContiguous(events, first = 1) {
  assert.deepEqual(
    events.map((event) => Number(event.id)),
    events.map((_, i) => first + i),
  );
}

/**
 * @param {string} base
 * @param {string} messageId
 * @returns {Promise<any>}
 */
async function debug(base, messageId) {
  return (await fetch(`${base}/_debug/message?message_id=${encodeURIComponent(messageId)}`)).json();
}

test('an answer started on one instance and resumed on the other (Last-Event-ID, then offset) is exact and generated once', async () => {
  const messageId = newId();
  const prompt = 'resume me across instances';
  const expected = scriptFor(prompt, { size: 4000 });
  proxy.aim(0);
  const first = await readEvents(chatUrl(messageId), post(messageId, prompt), (events) => events.length >= 20);
  assert.equal(first.ended, 'cut');
  const lastId = /** @type {string} */ (first.events.at(-1)?.id);
  // The resume goes to the other instance (round robin), by Last-Event-ID …
  assert.equal(proxy.next, 1);
  const second = await readEvents(
    `${proxy.base}/chat?message_id=${messageId}`,
    { headers: { accept: 'text/event-stream', 'last-event-id': lastId } },
    (events) => events.length >= 20,
  );
  assert.equal(second.ended, 'cut');
  // … and back to the first by offset.
  const offset = /** @type {string} */ (second.events.at(-1)?.id);
  const third = await readEvents(`${proxy.base}/chat?message_id=${messageId}&offset=${offset}`, {
    headers: { accept: 'text/event-stream' },
  });
  assert.equal(third.ended, 'end');
  const events = [...first.events, ...second.events, ...third.events];
  assertContiguous(events);
  const texts = decodeTexts(events.filter((event) => event.event === null));
  assert.equal(texts.think, expected.think);
  assert.equal(texts.answer, expected.answer);
  assert.equal(JSON.parse(/** @type {string} */ (events.at(-1)?.data)).mode, 'finish');
  // Once over, a resume from its end is 204 on either instance.
  for (const { base } of instances) {
    const res = await fetch(`${base}/chat?message_id=${messageId}&offset=${events.length}`);
    assert.equal(res.status, 204);
  }
  const state = await debug(instances[1].base, messageId);
  assert.equal(state.generations, 1);
  assert.equal(state.answer, expected.answer);
});

test('history from the other instance shows a pending answer; resuming from its offset there is exact', async () => {
  const messageId = newId();
  const prompt = 'history across instances';
  const expected = scriptFor(prompt, { size: 3000 });
  proxy.aim(0);
  const first = readEvents(
    chatUrl(messageId, { size: 3000, chunkMs: 5 }),
    post(messageId, prompt),
    (events) => events.length >= 10,
  );
  await first;
  const history = /** @type {any} */ (await (await fetch(`${instances[1].base}/history?conversation_id=c1`)).json());
  const entry = history.messages.find((/** @type {any} */ message) => message.id === messageId);
  assert.equal(entry.status, 'pending');
  assert.ok(entry.offset >= 10);
  assert.ok(
    history.messages.some((/** @type {any} */ message) => message.id === `${messageId}:q` && message.answer === prompt),
  );
  const rest = await readEvents(`${instances[1].base}/chat?message_id=${messageId}&offset=${entry.offset}`, {
    headers: { accept: 'text/event-stream' },
  });
  assertContiguous(rest.events, entry.offset + 1);
  const texts = decodeTexts(rest.events.filter((event) => event.event === null));
  assert.equal(entry.think + texts.think, expected.think);
  assert.equal(entry.answer + texts.answer, expected.answer);
});

test('regenerate and edit on Redis: history from the other instance shows the new answers, with the earlier versions', async () => {
  const conversation = `regen-${process.pid}`;
  const [first, second, third, edited, stranger] = [newId(), newId(), newId(), newId(), newId()];
  const prompt = 'regenerate on redis';
  /**
   * Asks on an instance (`chunk_ms=0`) and reads the whole answer.
   * @param {number} index
   * @param {Record<string, unknown>} fields  the body; `question` is the prompt (default `prompt`)
   */
  const ask = async (index, { question = prompt, ...fields }) => {
    const { events, ended } = await readEvents(`${instances[index].base}/chat?size=600&chunk_ms=0`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        conversation_id: conversation,
        messages: [{ role: 'user', content: question }],
        ...fields,
      }),
    });
    assert.equal(ended, 'end');
    return decodeTexts(events.filter((event) => event.event === null));
  };
  const versions = [0, 1, 2].map((version) => scriptFor(prompt, { size: 600, version }));
  assert.deepEqual(await ask(0, { message_id: first }), versions[0]);
  assert.deepEqual(await ask(1, { message_id: second, regenerate: first }), versions[1]);
  assert.deepEqual(await ask(0, { message_id: third, regenerate: second }), versions[2]);
  // Of another conversation: ignored.
  await ask(1, { message_id: stranger, conversation_id: `${conversation}-other`, regenerate: third });
  assert.deepEqual(
    [(await debug(instances[0].base, stranger)).regenerates, (await debug(instances[0].base, third)).version],
    [null, 2],
  );

  /**
   * @param {number} index
   * @returns {Promise<any[]>}
   */
  const history = async (index) => {
    const res = await fetch(`${instances[index].base}/history?conversation_id=${conversation}`);
    return /** @type {any} */ (await res.json()).messages;
  };
  const messages = await history(1);
  assert.deepEqual(
    messages.map((/** @type {any} */ message) => message.id),
    [`${third}:q`, third],
  );
  assert.deepEqual({ think: messages[1].think, answer: messages[1].answer }, versions[2]);
  assert.deepEqual(messages[1].versions, [
    { id: first, ...versions[0] },
    { id: second, ...versions[1] },
  ]);

  // Edit and resend: the last pair is replaced, with no versions.
  const question = 'edited on redis';
  assert.deepEqual(await ask(1, { message_id: edited, edit: third, question }), scriptFor(question, { size: 600 }));
  const after = await history(0);
  assert.deepEqual(
    after.map((/** @type {any} */ message) => [message.id, message.answer, message.versions]),
    [
      [`${edited}:q`, question, undefined],
      [edited, scriptFor(question, { size: 600 }).answer, undefined],
    ],
  );
});

test('a stop sent to the other instance stops the producer on the first', async () => {
  const messageId = newId();
  proxy.aim(0);
  const stream = readEvents(chatUrl(messageId, { size: 20000, chunkMs: 10 }), post(messageId, 'stop me'));
  await waitFor(async () => (await debug(instances[1].base, messageId)).events >= 5, 5000);
  const res = await fetch(`${instances[1].base}/stop`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message_id: messageId }),
  });
  assert.equal(res.status, 204);
  const { events, ended } = await stream;
  assert.equal(ended, 'end');
  assertContiguous(events);
  assert.deepEqual(JSON.parse(/** @type {string} */ (events.at(-1)?.data)).meta, { status: 'stopped' });
  // The producer is gone: nothing more is logged.
  const state = await debug(instances[0].base, messageId);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal((await debug(instances[0].base, messageId)).events, state.events);
  assert.equal(state.stopped, true);
  assert.equal(state.events, events.length);
});

test('when the producing process is killed, a follower on the other instance gets an error within the lease; the text so far stays', async () => {
  const messageId = newId();
  const victim = instances[0];
  const started = readEvents(
    `${victim.base}/chat?size=20000&chunk_ms=10&message_id=${messageId}`,
    post(messageId, 'kill my producer'),
  );
  await waitFor(async () => (await debug(instances[1].base, messageId)).events >= 5, 5000);
  const follower = readEvents(`${instances[1].base}/chat?message_id=${messageId}&offset=0`, {
    headers: { accept: 'text/event-stream' },
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await victim.kill();
  const killedAt = Date.now();
  const { events, ended } = await follower;
  const waited = Date.now() - killedAt;
  assert.equal(ended, 'end');
  assertContiguous(events);
  const last = JSON.parse(/** @type {string} */ (events.at(-1)?.data));
  assert.deepEqual(last, { mode: 'error', message_id: messageId, finish_reason: PRODUCER_GONE });
  // Within the lease and the follower's check (half a lease), with room for a busy machine.
  assert.ok(waited < LEASE_MS * 4, `the error came ${waited} ms after the kill`);
  assert.equal((await started).ended, 'error');
  const state = await debug(instances[1].base, messageId);
  assert.equal(state.error, PRODUCER_GONE);
  assert.ok(state.answer.length + state.think.length > 0);
  instances[0] = await startInstance(redis.url, { leaseMs: LEASE_MS });
});

test('Redis restarted mid-answer: the streams end, requests get a clear error, no instance crashes or hangs, and new answers work once it is back', async () => {
  const messageId = newId();
  proxy.aim(0);
  const stream = readEvents(chatUrl(messageId, { size: 20000, chunkMs: 10 }), post(messageId, 'restart redis'));
  await waitFor(async () => (await debug(instances[1].base, messageId)).events >= 5, 5000);
  await redis.restart();
  const { ended } = await stream;
  assert.notEqual(ended, 'cut');
  // The answer was in the Redis that restarted (no persistence): a resume says it is unknown.
  await waitFor(async () => {
    const res = await fetch(`${instances[1].base}/chat?message_id=${messageId}&offset=3`);
    const body = await res.text();
    return res.status === 404 && body.includes('unknown message_id');
  }, 10_000);
  // Both instances still answer (503 in words while they reconnect), and a new answer is whole.
  for (const instance of instances) {
    await waitFor(async () => {
      const res = await fetch(`${instance.base}/history?conversation_id=after-restart`);
      const body = await res.text();
      if (res.status === 503) assert.match(body, /the answer store \(Redis\) is unavailable/);
      return res.status === 200;
    }, 10_000);
    const fresh = newId();
    const { events, ended: freshEnded } = await readEvents(
      `${instance.base}/chat?size=500&chunk_ms=0&message_id=${fresh}`,
      post(fresh, 'after the restart'),
    );
    assert.equal(freshEnded, 'end');
    const texts = decodeTexts(events.filter((event) => event.event === null));
    assert.equal(texts.answer, scriptFor('after the restart', { size: 500 }).answer);
  }
});

test('the fault tools of the reference server work on Redis: a plan cuts its first request only, chaos breaks an open stream', async () => {
  const [a] = instances;
  const messageId = newId();
  const prompt = 'faults on redis';
  const first = await readEvents(
    `${a.base}/chat?size=2000&chunk_ms=2&faults=cut:1500&message_id=${messageId}`,
    post(messageId, prompt),
  );
  assert.equal(first.ended, 'error', 'the plan cut the first request');
  const lastId = String(first.events.at(-1)?.id ?? 0);
  const rest = await readEvents(`${a.base}/chat?faults=cut:1500&message_id=${messageId}`, {
    headers: { accept: 'text/event-stream', 'last-event-id': lastId },
  });
  assert.equal(rest.ended, 'end', 'the resume is the plan’s second request: not cut');
  const expected = scriptFor(prompt, { size: 2000 });
  const texts = decodeTexts([...first.events, ...rest.events].filter((event) => event.event === null));
  assert.equal(texts.answer, expected.answer);

  const other = newId();
  const stream = readEvents(`${a.base}/chat?size=20000&chunk_ms=10&message_id=${other}`, post(other, 'chaos'));
  await waitFor(async () => (await debug(a.base, other)).events >= 5, 5000);
  const res = await fetch(`${a.base}/_debug/chaos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message_id: other, action: 'cut' }),
  });
  assert.deepEqual(await res.json(), { streams: 1 });
  assert.equal((await stream).ended, 'error');
});

test('a Redis not reachable at start: requests get 503 in words within seconds, and answers work once it is up', async () => {
  const port = await freePort();
  const chat = createChatHandler({
    answer: async function* () {
      yield { text: 'late but whole' };
    },
    redis: { url: `redis://127.0.0.1:${port}`, leaseMs: LEASE_MS },
  });
  const server = http.createServer(chat.node);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/api`;
  /** @type {Awaited<ReturnType<typeof startRedis>> | undefined} */
  let late;
  try {
    const started = Date.now();
    const res = await fetch(`${base}/history?conversation_id=c`);
    assert.equal(res.status, 503);
    assert.match(/** @type {any} */ (await res.json()).error, /the answer store \(Redis\) is unavailable/);
    assert.ok(Date.now() - started < 10_000, 'answered, not left waiting');
    late = await startRedis(port);
    const id = newId();
    await waitFor(async () => {
      const { status, events } = await readEvents(`${base}/chat?message_id=${id}`, post(id, 'late'));
      return status === 200 && decodeTexts(events.filter((event) => event.event === null)).answer === 'late but whole';
    }, 15_000);
  } finally {
    server.closeAllConnections();
    server.close();
    await chat.close();
    await late?.stop();
  }
});
