// @ts-check
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { scriptFor } from '../answer-script.js';
import { decodeTexts, fakeTime, parseSse, readBody, startServer } from './helpers.js';

/** Answers are generated on a fake clock (one event per 10 ms), so a test can stop anywhere. */
const time = fakeTime();
/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
before(async () => {
  server = await startServer({ chunkMs: 10, now: time.now, setTimer: time.setTimer, clearTimer: time.clearTimer });
});
after(() => server.close());

/**
 * @typedef {{id: string, author: string, think: string, answer: string,
 *   status: string, offset: number, stopped?: boolean}} HistoryMessage
 */

/**
 * `GET /history` of a conversation.
 * @param {string} conversationId
 * @returns {Promise<HistoryMessage[]>}
 */
async function history(conversationId) {
  const res = await fetch(`${server.base}/history?conversation_id=${encodeURIComponent(conversationId)}`);
  assert.equal(res.status, 200);
  return /** @type {any} */ (await res.json()).messages;
}

/**
 * Asks a question over HTTP and reads the whole answer (`chunk_ms=0`: no clock needed).
 * @param {string} conversationId
 * @param {string} messageId
 * @param {string} prompt
 */
async function ask(conversationId, messageId, prompt) {
  const res = await fetch(`${server.base}/chat?chunk_ms=0`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      conversation_id: conversationId,
      message_id: messageId,
      messages: [{ role: 'user', content: prompt }],
    }),
  });
  await readBody(res);
}

/**
 * Resumes an answer from `offset` and decodes what comes, with a fresh decoder.
 * @param {string} messageId
 * @param {number} offset
 */
async function resume(messageId, offset) {
  const res = await fetch(`${server.base}/chat?message_id=${messageId}&offset=${offset}`);
  if (res.status === 204) return { think: '', answer: '' };
  assert.equal(res.status, 200);
  const { events } = parseSse((await readBody(res)).text);
  assert.equal(Number(events[0]?.id), offset + 1, 'the rest starts right after the offset');
  return decodeTexts(events.filter((e) => !e.event));
}

/**
 * The two messages one answer gives: the user's question, then the assistant's answer.
 * @param {string} messageId
 * @param {string} prompt
 * @param {Partial<HistoryMessage>} answer
 */
function pair(messageId, prompt, answer) {
  return [
    { id: `${messageId}:q`, author: 'user', think: '', answer: prompt, status: 'available', offset: 0 },
    { id: messageId, author: 'assistant', ...answer },
  ];
}

test('the answers of a conversation come back in order, each as the question then the answer', async () => {
  await ask('conv-a', 'a-1', 'tell me');
  await ask('conv-b', 'b-1', 'render markdown');
  await ask('conv-a', 'a-2', 'hello');
  const res = await fetch(`${server.base}/history?conversation_id=conv-a`);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const { messages } = /** @type {any} */ (await res.json());
  const done = (/** @type {string} */ id, /** @type {string} */ prompt) =>
    pair(id, prompt, { ...scriptFor(prompt), status: 'available', offset: server.api.jobs.get(id)?.lastSeq });
  assert.deepEqual(messages, [...done('a-1', 'tell me'), ...done('a-2', 'hello')]);
});

test("another conversation's answers never appear", async () => {
  const messages = await history('conv-b');
  assert.deepEqual(
    messages.map((m) => m.id),
    ['b-1:q', 'b-1'],
  );
  assert.ok((await history('conv-a')).every((m) => !m.id.startsWith('b-')));
});

test('an unknown conversation has no messages', async () => {
  assert.deepEqual(await history('never-seen'), []);
});

test('conversation_id is required: 400 with a JSON error', async () => {
  for (const query of ['', '?conversation_id=', '?message_id=a-1']) {
    const res = await fetch(`${server.base}/history${query}`);
    assert.equal(res.status, 400);
    assert.match(/** @type {any} */ (await res.json()).error, /conversation_id is required/);
  }
  assert.equal((await fetch(`${server.base}/history?conversation_id=conv-a`, { method: 'POST' })).status, 405);
});

test('a pending answer gives the exact texts of its events so far, and a resume from its offset the rest', async () => {
  const job = server.api.jobs.create({ messageId: 'pending-1', conversationId: 'conv-p', prompt: 'tell me' });
  const script = scriptFor('tell me');
  /** @type {HistoryMessage[]} the answer as the history showed it after each event */
  const snapshots = [];
  while (!job.done) {
    const [question, answer] = await history('conv-p');
    assert.deepEqual(question, pair('pending-1', 'tell me', {})[0]);
    assert.ok(answer);
    assert.equal(answer.status, 'pending');
    // Content is the text itself, so every event boundary is a resume point.
    assert.equal(answer.offset, job.lastSeq);
    assert.deepEqual({ think: answer.think, answer: answer.answer }, decodeTexts(job.log), `texts at ${job.lastSeq}`);
    assert.ok(
      script.think.startsWith(answer.think) && script.answer.startsWith(answer.answer),
      `a prefix at ${job.lastSeq}`,
    );
    snapshots.push(answer);
    time.advance(10);
  }
  assert.equal(snapshots.length, job.lastSeq, 'one snapshot per event before the finish');

  const final = { think: job.think, answer: job.answer };
  assert.deepEqual(final, script);
  for (const snapshot of snapshots) {
    const rest = await resume('pending-1', snapshot.offset);
    assert.deepEqual(
      { think: snapshot.think + rest.think, answer: snapshot.answer + rest.answer },
      final,
      `snapshot at offset ${snapshot.offset}`,
    );
  }
  const [, finished] = await history('conv-p');
  assert.deepEqual(finished, pair('pending-1', 'tell me', { ...final, status: 'available', offset: job.lastSeq })[1]);
});

test('a stream resumed live from a pending offset continues it exactly', async () => {
  const job = server.api.jobs.create({ messageId: 'pending-2', conversationId: 'conv-q', prompt: 'tell me' });
  time.advance(10 * 120); // into the answer, past the think
  const [, snapshot] = await history('conv-q');
  assert.ok(snapshot && !job.done && snapshot.answer.length > 0);
  assert.equal(snapshot.status, 'pending');
  assert.equal(snapshot.offset, job.lastSeq);
  const res = await fetch(`${server.base}/chat?message_id=pending-2&offset=${snapshot.offset}`);
  assert.equal(res.status, 200);
  while (!job.done) time.advance(10);
  const rest = decodeTexts(parseSse((await readBody(res)).text).events.filter((e) => !e.event));
  assert.equal(snapshot.think + rest.think, job.think);
  assert.equal(snapshot.answer + rest.answer, job.answer);
});

test('a stopped answer is available, marked stopped, with what was streamed', async () => {
  const job = server.api.jobs.create({ messageId: 'stopped-1', conversationId: 'conv-s', prompt: 'hello' });
  time.advance(10 * 80);
  const stop = await fetch(`${server.base}/stop`, {
    method: 'POST',
    body: JSON.stringify({ message_id: 'stopped-1' }),
  });
  assert.equal(stop.status, 204);
  const [, answer] = await history('conv-s');
  assert.deepEqual(answer, {
    id: 'stopped-1',
    author: 'assistant',
    think: job.think,
    answer: job.answer,
    status: 'available',
    offset: job.lastSeq,
    stopped: true,
  });
  assert.deepEqual({ think: job.think, answer: job.answer }, decodeTexts(job.log));
  assert.ok(job.answer.length > 0 && scriptFor('hello').answer.startsWith(job.answer));
});
