// @ts-check
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { scriptFor } from '../answer-script.js';
import { decodeTexts, parseSse, postChat, readBody, startServer, waitFor } from './helpers.js';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
before(async () => {
  server = await startServer();
});
after(() => server.close());

test('a new answer streams think, task_progress, text and finish with consecutive ids', async () => {
  const res = await postChat(`${server.base}/chat`, 'new-1', { prompt: 'tell me' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  assert.equal(res.headers.get('cache-control'), 'no-cache, no-transform');
  assert.equal(res.headers.get('x-accel-buffering'), 'no');
  assert.equal(res.headers.get('content-encoding'), null);
  const { text, error } = await readBody(res);
  assert.equal(error, null);
  const { events } = parseSse(text);
  assert.deepEqual(
    events.map((e) => Number(e.id)),
    events.map((_, i) => i + 1),
  );
  const kinds = events.map((e) => e.event ?? JSON.parse(/** @type {string} */ (e.data)).data?.[0]?.type ?? 'finish');
  const progress = kinds.indexOf('task_progress');
  assert.ok(progress > 0 && kinds.slice(0, progress).every((k) => k === 'think'));
  assert.ok(kinds.slice(progress + 1, -1).every((k) => k === 'text') && kinds.length - progress > 10);
  assert.deepEqual(JSON.parse(/** @type {string} */ (events[progress]?.data)), {
    message_id: 'new-1',
    step: 'drafting',
    progress: 0.5,
  });
  const last = JSON.parse(/** @type {string} */ (events.at(-1)?.data));
  assert.equal(last.mode, 'finish');
  assert.equal(last.meta.status, 'available');
  for (const e of events.filter((e) => !e.event)) {
    const payload = JSON.parse(/** @type {string} */ (e.data));
    assert.equal(payload.message_id, 'new-1');
    if (payload.mode === 'append') assert.equal(payload.data[0].id, Number(e.id), 'item id = seq');
  }
  const expected = scriptFor('tell me');
  assert.deepEqual(decodeTexts(events.filter((e) => !e.event)), expected);
  const debug = await server.debug('new-1');
  assert.equal(debug.think, expected.think);
  assert.equal(debug.answer, expected.answer);
  assert.equal(debug.done, true);
  assert.equal(debug.lastSeq, events.length);
});

test('content is the text itself: its JSON carries the newlines and tabs, and a backslash-n in code stays', async () => {
  const { text } = await readBody(await postChat(`${server.base}/chat?chunk_ms=0`, 'plain-1', { prompt: 'tell me' }));
  const { events } = parseSse(text);
  assert.ok(
    events.every((e) => !e.data?.includes('\n')),
    'one data line per event',
  );
  /** @type {Array<{type: string, content: string}>} */
  const items = events.filter((e) => !e.event).flatMap((e) => JSON.parse(/** @type {string} */ (e.data)).data ?? []);
  assert.ok(
    items.some((item) => item.content.includes('\n')),
    'a real newline in some content',
  );
  assert.ok(
    items.some((item) => item.content.includes('\t')),
    'a real tab in some content',
  );
  const answer = items
    .filter((item) => item.type === 'text')
    .map((item) => item.content)
    .join('');
  assert.equal(answer, scriptFor('tell me').answer);
  assert.ok(answer.includes("? 'resumed\\n' :"), 'a backslash-n in the code is two characters');
});

test('resume with offset continues after it and never starts a second generation', async () => {
  const controller = new AbortController();
  const first = await postChat(`${server.base}/chat`, 'resume-1', { signal: controller.signal });
  const reader = /** @type {ReadableStream<Uint8Array>} */ (first.body).getReader();
  let text = '';
  while (parseSse(text).events.length < 5) text += Buffer.from((await reader.read()).value ?? []).toString();
  controller.abort();
  const seen = parseSse(text).events.filter((e) => e.id !== null);
  const offset = Number(seen.at(-1)?.id);

  const url = `${server.base}/chat?message_id=resume-1&conversation_id=c1&offset=${offset}`;
  const res = await postChat(url, 'resume-1', { headers: { 'last-event-id': String(offset), 'x-test': 'yes' } });
  assert.equal(res.status, 200);
  const rest = parseSse((await readBody(res)).text).events;
  assert.equal(Number(rest[0]?.id), offset + 1);
  const all = [...seen, ...rest];
  assert.deepEqual(
    all.map((e) => Number(e.id)),
    all.map((_, i) => i + 1),
  );
  assert.deepEqual(decodeTexts(all.filter((e) => !e.event)), scriptFor('hello'));

  const debug = await server.debug('resume-1');
  assert.equal(debug.generations, 1);
  assert.equal(debug.connections.length, 2);
  assert.equal(debug.openConnections, 0);
  const [c0, c1] = debug.connections;
  assert.deepEqual([c0.index, c0.offset, c0.method, c0.lastEventId], [0, 0, 'POST', null]);
  assert.deepEqual([c1.index, c1.offset, c1.lastEventId, c1.bodyConversationId], [1, offset, String(offset), 'c1']);
  assert.deepEqual(c1.query, { message_id: 'resume-1', conversation_id: 'c1', offset: String(offset) });
  assert.deepEqual(c1.headers, { accept: 'text/event-stream', 'content-type': 'application/json', 'x-test': 'yes' });
});

test('Last-Event-ID alone works as the offset', async () => {
  await readBody(await postChat(`${server.base}/chat?chunk_ms=0`, 'leid-1'));
  const res = await fetch(`${server.base}/chat?message_id=leid-1`, { headers: { 'Last-Event-ID': '10' } });
  const { events } = parseSse((await readBody(res)).text);
  assert.equal(events[0]?.id, '11');
  const debug = await server.debug('leid-1');
  assert.equal(debug.connections[1].offset, 10);
  assert.equal(debug.generations, 1);
});

test('a request without offset for a known message attaches from the start', async () => {
  const a = parseSse((await readBody(await postChat(`${server.base}/chat?chunk_ms=0`, 'attach-1'))).text).events;
  const b = parseSse(
    (await readBody(await postChat(`${server.base}/chat`, 'attach-1', { prompt: 'other' }))).text,
  ).events;
  assert.deepEqual(b, a);
  assert.equal((await server.debug('attach-1')).generations, 1);
});

test('resume of an unknown message is 404; resume at the end of a finished one is 204', async () => {
  const unknown = await fetch(`${server.base}/chat?message_id=nope&offset=3`);
  assert.equal(unknown.status, 404);
  assert.match(/** @type {any} */ (await unknown.json()).error, /unknown message_id nope/);
  const byHeader = await postChat(`${server.base}/chat`, 'nope-2', { headers: { 'last-event-id': '0' } });
  assert.equal(byHeader.status, 404);
  await byHeader.body?.cancel();
  assert.equal(server.api.jobs.get('nope-2'), undefined, 'a resume never creates a job');

  await readBody(await postChat(`${server.base}/chat?chunk_ms=0`, 'end-1'));
  const { lastSeq } = await server.debug('end-1');
  for (const offset of [lastSeq, lastSeq + 5]) {
    const res = await fetch(`${server.base}/chat?message_id=end-1&offset=${offset}`);
    assert.equal(res.status, 204);
  }
  const res = await fetch(`${server.base}/chat?message_id=end-1&offset=${lastSeq - 1}`);
  const { events } = parseSse((await readBody(res)).text);
  assert.deepEqual(
    events.map((e) => Number(e.id)),
    [lastSeq],
  );
});

test('GET /chat takes the request from the query and generates a message_id when absent', async () => {
  const messages = encodeURIComponent(JSON.stringify([{ role: 'user', content: 'render markdown' }]));
  const res = await fetch(`${server.base}/chat?conversation_id=c9&chunk_ms=0&messages=${messages}`);
  const { events } = parseSse((await readBody(res)).text);
  const messageId = JSON.parse(/** @type {string} */ (events[0]?.data)).message_id;
  assert.match(messageId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(decodeTexts(events.filter((e) => !e.event)), scriptFor('render markdown'));
  assert.equal((await server.debug(messageId)).conversationId, 'c9');
});

test('pings are written while the stream is idle', async () => {
  const res = await postChat(`${server.base}/chat?chunk_ms=1000&ping_ms=20`, 'ping-1');
  const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
  let text = '';
  while (parseSse(text).comments.length < 2) text += Buffer.from((await reader.read()).value ?? []).toString();
  assert.deepEqual(parseSse(text).comments.slice(0, 2), ['ping', 'ping']);
  await reader.cancel();
  server.api.jobs.stop('ping-1');
  await waitFor(async () => (await server.debug('ping-1')).openConnections === 0);
});

test('POST /stop cancels the answer; the stream ends with a stopped finish', async () => {
  const res = await postChat(`${server.base}/chat?chunk_ms=20`, 'stop-1');
  const body = readBody(res);
  await waitFor(() => (server.api.jobs.get('stop-1')?.lastSeq ?? 0) >= 3);
  const stop = await fetch(`${server.base}/stop`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conversation_id: 'c1', message_id: 'stop-1' }),
  });
  assert.equal(stop.status, 204);
  const { events } = parseSse((await body).text);
  assert.deepEqual(JSON.parse(/** @type {string} */ (events.at(-1)?.data)), {
    mode: 'finish',
    message_id: 'stop-1',
    meta: { status: 'stopped' },
  });
  const debug = await server.debug('stop-1');
  assert.equal(debug.stopped, true);
  assert.equal(debug.think, decodeTexts(events).think);
  const unknown = await fetch(`${server.base}/stop`, { method: 'POST', body: JSON.stringify({ message_id: 'x' }) });
  assert.equal(unknown.status, 404);
});

test('GET /poll returns the same events as JSON, 500 at most, and done', async () => {
  const sse = parseSse((await readBody(await postChat(`${server.base}/chat?chunk_ms=0&size=8000`, 'poll-1'))).text);
  const expected = sse.events.map((e) =>
    e.event
      ? { id: Number(e.id), event: e.event, data: e.data }
      : { id: Number(e.id), ...JSON.parse(/** @type {string} */ (e.data)) },
  );
  assert.ok(expected.length > 500);
  /** @type {unknown[]} */
  const polled = [];
  let offset = 0;
  for (;;) {
    const res = await fetch(`${server.base}/poll?message_id=poll-1&offset=${offset}&conversation_id=c1`);
    assert.equal(res.status, 200);
    const { events, done } = /** @type {any} */ (await res.json());
    assert.ok(events.length <= 500);
    polled.push(...events);
    offset = events.at(-1)?.id ?? offset;
    if (done) break;
  }
  assert.deepEqual(polled, expected);
  const progress = /** @type {any[]} */ (polled).find((e) => e.event);
  assert.deepEqual(Object.keys(progress), ['id', 'event', 'data']);
  assert.equal(typeof progress.data, 'string');
  assert.equal((await fetch(`${server.base}/poll?message_id=zzz`)).status, 404);
  assert.equal((await server.debug('poll-1')).polls, 3);
});

test('a poll of a running answer is not done', async () => {
  server.api.jobs.create({ messageId: 'poll-2', chunkMs: 1000 });
  const res = await fetch(`${server.base}/poll?message_id=poll-2`);
  assert.deepEqual(await res.json(), { events: [], done: false });
  server.api.jobs.stop('poll-2');
});

test('bad requests: invalid JSON 400, body over 1 MB 413, bad offset 400, other methods 405', async () => {
  const bad = await fetch(`${server.base}/chat`, { method: 'POST', body: '{"messages":' });
  assert.equal(bad.status, 400);
  assert.match(/** @type {any} */ (await bad.json()).error, /JSON/);
  const big = await fetch(`${server.base}/chat`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
  assert.equal(big.status, 413);
  await big.body?.cancel();
  assert.equal((await fetch(`${server.base}/chat?message_id=a&offset=abc`)).status, 400);
  const put = await fetch(`${server.base}/chat`, { method: 'PUT' });
  assert.equal(put.status, 405);
  assert.equal(put.headers.get('allow'), 'GET, POST, OPTIONS');
  const other = await fetch(`${server.base}/elsewhere`);
  assert.equal(other.status, 404);
  assert.equal(await other.text(), 'not an API route', 'unknown paths are left to the host');
});

test('CORS: preflight and Access-Control-Allow-Origin when corsOrigin is set', async () => {
  const cors = await startServer({ corsOrigin: 'https://app.example' });
  try {
    const preflight = await fetch(`${cors.base}/chat`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET, POST, OPTIONS');
    assert.equal(
      preflight.headers.get('access-control-allow-headers'),
      'content-type, accept, last-event-id, authorization, x-test',
    );
    assert.equal(preflight.headers.get('access-control-max-age'), '600');
    const res = await fetch(`${cors.base}/chat?message_id=x&offset=1`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(res.headers.get('access-control-expose-headers'), 'Retry-After');
    const stream = await postChat(`${cors.base}/chat?chunk_ms=0`, 'cors-1');
    assert.equal(stream.headers.get('access-control-allow-origin'), 'https://app.example');
    await readBody(stream);
  } finally {
    await cors.close();
  }
  const plain = await fetch(`${server.base}/chat`, { method: 'OPTIONS' });
  assert.equal(plain.headers.get('access-control-allow-origin'), null);
});

test('faults are ignored and _debug does not exist when faults are off', async () => {
  const off = await startServer({ faults: false });
  try {
    const res = await postChat(`${off.base}/chat?chunk_ms=0&faults=503:5`, 'off-1');
    assert.equal(res.status, 200);
    const { events } = parseSse((await readBody(res)).text);
    assert.equal(JSON.parse(/** @type {string} */ (events.at(-1)?.data)).mode, 'finish');
    const cut = await fetch(`${off.base}/chat?message_id=off-1&offset=0&faults=ok,cut:10`);
    const body = await readBody(cut);
    assert.equal(body.error, null);
    assert.equal(parseSse(body.text).events.length, events.length);
    assert.equal((await fetch(`${off.base}/_debug/message?message_id=off-1`)).status, 404);
  } finally {
    await off.close();
  }
});
