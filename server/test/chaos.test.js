// @ts-check
// POST /_debug/chaos: the demo's "network chaos" panel breaks a running answer's stream now.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseSse, postChat, readBody, startServer, waitFor } from './helpers.js';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
before(async () => {
  // Slow enough that an answer is still running while the test acts on it.
  server = await startServer({ chunkMs: 15, pingMs: 60_000 });
});
after(() => server.close());

/**
 * @param {string} messageId
 * @param {string} action
 */
function chaos(messageId, action) {
  return fetch(`${server.base}/_debug/chaos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message_id: messageId, action }),
  });
}

/**
 * Starts an answer and waits until its stream has delivered some events.
 * @param {string} messageId
 * @param {number} [events]
 */
async function startAnswer(messageId, events = 5) {
  const res = await postChat(`${server.base}/chat`, messageId);
  assert.equal(res.status, 200);
  const body = readBody(res);
  await waitFor(async () => (await server.debug(messageId)).connections[0].events >= events);
  return { body }; // not the promise itself: an async function would wait for it
}

/**
 * @param {string} messageId
 * @param {number} offset
 */
function resume(messageId, offset) {
  return fetch(`${server.base}/chat?message_id=${messageId}&offset=${offset}`);
}

/** @param {string} text */
function lastId(text) {
  return Number(parseSse(text).events.at(-1)?.id);
}

test('cut: the open stream dies with a network error, and the resume that follows is clean', async () => {
  const { body } = await startAnswer('chaos-cut');
  const answer = await (await chaos('chaos-cut', 'cut')).json();
  assert.deepEqual(answer, { streams: 1 });
  const cut = await body;
  assert.ok(cut.error, 'the client sees a network error');
  const offset = lastId(cut.text);
  const rest = await resume('chaos-cut', offset);
  assert.equal(rest.status, 200);
  const events = parseSse((await readBody(rest)).text).events;
  assert.equal(Number(events[0]?.id), offset + 1, 'nothing repeated, nothing skipped');
  assert.equal(JSON.parse(/** @type {string} */ (events.at(-1)?.data)).mode, 'finish');
});

test('503: cut now, the next request is answered 503 with Retry-After: 2, the one after streams', async () => {
  const { body: cut } = await startAnswer('chaos-503');
  assert.deepEqual(await (await chaos('chaos-503', '503')).json(), { streams: 1 });
  const offset = lastId((await cut).text);
  const refused = await resume('chaos-503', offset);
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '2');
  await refused.text();
  const ok = await resume('chaos-503', offset);
  assert.equal(ok.status, 200);
  assert.equal(Number(parseSse((await readBody(ok)).text).events[0]?.id), offset + 1);
});

test('replay: cut now, the next request starts 25 events before its offset', async () => {
  const { body: cut } = await startAnswer('chaos-replay', 30);
  assert.deepEqual(await (await chaos('chaos-replay', 'replay')).json(), { streams: 1 });
  const offset = lastId((await cut).text);
  assert.ok(offset > 25, `offset ${offset}`);
  const res = await resume('chaos-replay', offset);
  assert.equal(Number(parseSse((await readBody(res)).text).events[0]?.id), offset - 25 + 1);
});

test('stall: the open stream goes silent (no events, no pings) while the answer goes on', async () => {
  const controller = new AbortController();
  const res = await postChat(`${server.base}/chat?ping_ms=20`, 'chaos-stall', { signal: controller.signal });
  const body = readBody(res);
  await waitFor(async () => (await server.debug('chaos-stall')).connections[0].events >= 5);
  await chaos('chaos-stall', 'stall');
  const { connections, events } = await server.debug('chaos-stall');
  const stalledAt = connections[0].bytes;
  // The job keeps producing (and pings are due every 20 ms), yet not one more byte is written.
  await waitFor(async () => (await server.debug('chaos-stall')).events >= events + 10);
  const later = await server.debug('chaos-stall');
  assert.equal(later.connections[0].bytes, stalledAt);
  assert.equal(later.connections[0].open, true, 'the socket stays open, like a stalled proxy');
  // A stalled stream can still be cut (the panel's Stall, then Cut).
  assert.deepEqual(await (await chaos('chaos-stall', 'cut')).json(), { streams: 1 });
  assert.ok((await body).error, 'the client sees the cut');
  controller.abort();
});

test('an unknown action is a 400 naming the actions; an unknown answer a 404', async () => {
  const { body } = await startAnswer('chaos-bad');
  const bad = await chaos('chaos-bad', 'explode');
  assert.equal(bad.status, 400);
  assert.equal(/** @type {any} */ (await bad.json()).error, 'action must be one of cut, stall, 503, replay');
  const unknown = await chaos('no-such-answer', 'cut');
  assert.equal(unknown.status, 404);
  await unknown.text();
  await chaos('chaos-bad', 'cut');
  await body;
});

test('the chaos route exists only when faults are on', async () => {
  const plain = await startServer({ faults: false });
  try {
    const res = await fetch(`${plain.base}/_debug/chaos`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 404);
  } finally {
    await plain.close();
  }
});
