// @ts-check
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { faultAt, faultResponse, NO_FAULT, parseFaultPlan } from '../faults.js';
import { decodeTexts, parseSse, postChat, readBody, startServer, waitFor } from './helpers.js';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
before(async () => {
  server = await startServer();
});
after(() => server.close());

/**
 * Resumes `messageId` from `offset` with a fault plan (no pings unless asked).
 * @param {string} messageId
 * @param {number} offset
 * @param {string} plan
 */
function resume(messageId, offset, plan, extra = '&ping_ms=60000') {
  return fetch(
    `${server.base}/chat?message_id=${messageId}&offset=${offset}&faults=${encodeURIComponent(plan)}${extra}`,
  );
}

test('parseFaultPlan: one entry per connection, + combines, unknown entries are ok', (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  const plan = parseFaultPlan('ok,retry:50+cut:120, 503:2 ,bogus,503date:3,hang,cut:x,malformed+buffer+replay:4');
  assert.equal(plan.length, 8);
  assert.deepEqual(plan[0], NO_FAULT);
  assert.deepEqual(plan[1], { ...NO_FAULT, entry: 'retry:50+cut:120', retry: 50, cut: 120 });
  assert.deepEqual(plan[2], { ...NO_FAULT, entry: '503:2', status: 503, retryAfter: 2 });
  assert.deepEqual(plan[3], NO_FAULT);
  assert.deepEqual(plan[4], { ...NO_FAULT, entry: '503date:3', status: 503, retryAfter: 3, retryAfterDate: true });
  assert.equal(plan[5]?.hang, true);
  assert.deepEqual(plan[6], NO_FAULT);
  assert.deepEqual(plan[7], {
    ...NO_FAULT,
    entry: 'malformed+buffer+replay:4',
    malformed: true,
    buffer: true,
    replay: 4,
  });
  assert.equal(warn.mock.callCount(), 2);
  assert.equal(faultAt(plan, 8), NO_FAULT);
  assert.deepEqual(parseFaultPlan(''), []);
  const date = faultResponse(/** @type {any} */ (plan[4]), Date.parse('2030-01-01T00:00:00Z'));
  assert.equal(date?.headers['Retry-After'], 'Tue, 01 Jan 2030 00:00:03 GMT');
});

test('cut:B delivers exactly B bytes, even inside a UTF-8 character, then a network error', async () => {
  const full = await readBody(await postChat(`${server.base}/chat?chunk_ms=0&ping_ms=60000`, 'cut-1'));
  const firstMultiByte = full.bytes.findIndex((b) => b >= 0x80);
  const inside = firstMultiByte + 2; // the first character is 3 or 4 bytes long
  const plan = `ok,cut:${inside},cut:1000,cut:0`;
  for (const bytes of [inside, 1000, 0]) {
    const res = await resume('cut-1', 0, plan);
    assert.equal(res.status, 200);
    const cut = await readBody(res);
    assert.ok(cut.error, 'the client sees a network error');
    assert.equal(cut.bytes.length, bytes);
    assert.deepEqual(cut.bytes, full.bytes.subarray(0, bytes));
  }
  const debug = await server.debug('cut-1');
  assert.deepEqual(
    debug.connections.map((/** @type {any} */ c) => [c.fault, c.bytes, c.open]),
    [
      ['ok', full.bytes.length, false],
      [`cut:${inside}`, inside, false],
      ['cut:1000', 1000, false],
      ['cut:0', 0, false],
    ],
  );
});

test('replay:K resends K events before the offset', async () => {
  await readBody(await postChat(`${server.base}/chat?chunk_ms=0`, 'replay-1'));
  const res = await resume('replay-1', 20, 'ok,replay:3');
  const { events } = parseSse((await readBody(res)).text);
  assert.deepEqual(
    events.slice(0, 5).map((e) => e.id),
    ['18', '19', '20', '21', '22'],
  );
  const more = await resume('replay-1', 2, 'ok,ok,replay:10');
  assert.equal(parseSse((await readBody(more)).text).events[0]?.id, '1', 'never before the first event');
});

test('close:N ends the response gracefully after N events, without finish', async () => {
  const res = await postChat(`${server.base}/chat?chunk_ms=0&faults=close:7`, 'close-1');
  const body = await readBody(res);
  assert.equal(body.error, null);
  const { events } = parseSse(body.text);
  assert.deepEqual(
    events.map((e) => e.id),
    ['1', '2', '3', '4', '5', '6', '7'],
  );
  const rest = parseSse((await readBody(await resume('close-1', 7, 'close:7'))).text).events;
  assert.equal(rest[0]?.id, '8');
  assert.equal(JSON.parse(/** @type {string} */ (rest.at(-1)?.data)).mode, 'finish');
});

test('status faults: 503:S, 503date:S, 429:S, 408, 404, 500, 204, ctype', async () => {
  const plan = '503:7,503date:30,429:2,408,404,500,204,ctype,ok';
  const first = await postChat(`${server.base}/chat?chunk_ms=0&faults=${plan}`, 'status-1');
  assert.equal(first.status, 503);
  assert.equal(first.headers.get('retry-after'), '7');
  assert.equal(first.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.ok(/** @type {any} */ (await first.json()).error);
  assert.ok(server.api.jobs.get('status-1'), 'the job runs although the first request failed');

  const date = await resume('status-1', 0, plan);
  assert.equal(date.status, 503);
  const at = Date.parse(/** @type {string} */ (date.headers.get('retry-after')));
  assert.ok(Math.abs(at - (Date.now() + 30_000)) < 2000, 'an HTTP-date 30 s ahead');
  await date.body?.cancel();

  const tooMany = await resume('status-1', 0, plan);
  assert.equal(tooMany.status, 429);
  assert.equal(tooMany.headers.get('retry-after'), '2');
  await tooMany.body?.cancel();

  const timeout = await resume('status-1', 0, plan);
  assert.equal(timeout.status, 408);
  await timeout.body?.cancel();

  const missing = await resume('status-1', 0, plan);
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { error: 'no such answer' });

  const internal = await resume('status-1', 0, plan);
  assert.equal(internal.status, 500);
  assert.equal(internal.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  assert.equal(await internal.text(), ': internal error\n\n');

  const empty = await resume('status-1', 0, plan);
  assert.equal(empty.status, 204);

  const html = await resume('status-1', 0, plan);
  assert.equal(html.status, 200);
  assert.match(/** @type {string} */ (html.headers.get('content-type')), /^text\/html/);
  assert.match(await html.text(), /<html>/);

  const ok = await resume('status-1', 0, plan);
  assert.equal(ok.status, 200);
  const { events } = parseSse((await readBody(ok)).text);
  assert.equal(events[0]?.id, '1');
  const debug = await server.debug('status-1');
  assert.equal(debug.generations, 1);
  assert.deepEqual(
    debug.connections.map((/** @type {any} */ c) => c.status),
    [503, 503, 429, 408, 404, 500, 204, 200, 200],
  );
});

test('malformed and retry:MS come before the real events', async () => {
  const res = await postChat(`${server.base}/chat?chunk_ms=0&faults=retry:1500%2Bmalformed`, 'bad-1');
  const { events } = parseSse((await readBody(res)).text);
  assert.deepEqual(events[0], { id: null, event: null, data: null, retry: '1500' });
  assert.deepEqual(
    events.slice(1, 4).map((e) => [e.id, e.data]),
    [
      [null, '{not json'],
      [null, '[1,2]'],
      [null, '{"mode":"explode","message_id":"bad-1"}'],
    ],
  );
  assert.equal(events[4]?.id, '1');
});

test('stall:B writes B bytes, then nothing (not even pings) until the client leaves', async () => {
  await readBody(await postChat(`${server.base}/chat?chunk_ms=0`, 'stall-1'));
  const controller = new AbortController();
  const res = await fetch(`${server.base}/chat?message_id=stall-1&offset=0&faults=ok,stall:300&ping_ms=20`, {
    signal: controller.signal,
  });
  const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
  let received = 0;
  while (received < 300) received += (await reader.read()).value?.length ?? 0;
  assert.equal(received, 300);
  const next = reader.read();
  const quiet = await Promise.race([next.then(() => 'data'), new Promise((r) => setTimeout(() => r('quiet'), 150))]);
  assert.equal(quiet, 'quiet');
  assert.equal((await server.debug('stall-1')).openConnections, 1);
  controller.abort();
  await next.catch(() => {});
  await waitFor(async () => (await server.debug('stall-1')).openConnections === 0);
});

test('hang never sends response headers', async () => {
  await assert.rejects(
    postChat(`${server.base}/chat?faults=hang`, 'hang-1', { signal: AbortSignal.timeout(100) }),
    /abort|timeout/i,
  );
  const debug = await server.debug('hang-1');
  assert.equal(debug.connections[0].fault, 'hang');
  await waitFor(async () => (await server.debug('hang-1')).openConnections === 0);
  const res = await resume('hang-1', 0, 'hang');
  assert.equal(res.status, 200, 'the next connection is fine');
  await res.body?.cancel();
});

test('buffer withholds every byte until the answer is done, then sends it at once', async () => {
  const res = await postChat(`${server.base}/chat?chunk_ms=1&ping_ms=20&faults=buffer`, 'buffer-1');
  assert.equal(res.status, 200);
  const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
  const first = await reader.read();
  assert.equal(server.api.jobs.get('buffer-1')?.done, true, 'nothing arrives before the job is done');
  let text = Buffer.from(first.value ?? []).toString();
  for (let r = await reader.read(); !r.done; r = await reader.read()) text += Buffer.from(r.value).toString();
  const { events, comments } = parseSse(text);
  assert.deepEqual(comments, [], 'no pings leak through');
  assert.equal(JSON.parse(/** @type {string} */ (events.at(-1)?.data)).mode, 'finish');
  assert.deepEqual(decodeTexts(events.filter((e) => !e.event)), {
    think: server.api.jobs.get('buffer-1')?.think,
    answer: server.api.jobs.get('buffer-1')?.answer,
  });
});

test('the plan of the first request applies to later requests that do not repeat it', async () => {
  await readBody(await postChat(`${server.base}/chat?chunk_ms=0&faults=ok,503:1`, 'plan-1'));
  const res = await fetch(`${server.base}/chat?message_id=plan-1&offset=0`);
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '1');
  await res.body?.cancel();
});
