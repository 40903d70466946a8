// @ts-check
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { createFixtureRoutes, MAX_FIXTURES } from '../fixtures.js';
import { HttpError, sendJson } from '../lib/http.js';
import { SSE_HEADERS } from '../lib/sse.js';
import { readBody, startServer, waitFor } from './helpers.js';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
before(async () => {
  server = await startServer();
});
after(() => server.close());

/**
 * A response's JSON body, untyped like the tests' other answers.
 * @param {Response} res
 * @returns {Promise<any>}
 */
const json = (res) => res.json();

/**
 * Registers a fixture; returns its id and URL.
 * @param {unknown[]} responses
 */
async function register(responses) {
  const res = await fetch(`${server.base}/_debug/fixture`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ responses }),
  });
  const body = /** @type {{id?: string, error?: string}} */ (await json(res));
  assert.equal(res.status, 200, body.error);
  const id = /** @type {string} */ (body.id);
  return { id, url: `${server.base}/fixture?id=${encodeURIComponent(id)}` };
}

/**
 * The requests a fixture recorded.
 * @param {string} id
 * @returns {Promise<any[]>}
 */
async function recorded(id) {
  const res = await fetch(`${server.base}/_debug/fixture?id=${encodeURIComponent(id)}`);
  assert.equal(res.status, 200);
  return (await json(res)).requests;
}

/**
 * Reads a response's body chunk by chunk, as the socket delivers it (node:http, no
 * coalescing by a fetch implementation).
 * @param {string} url
 * @returns {Promise<{status: number, headers: http.IncomingHttpHeaders, chunks: Buffer[], aborted: boolean}>}
 */
function rawChunks(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        let aborted = false;
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('aborted', () => (aborted = true));
        res.on('error', () => (aborted = true));
        res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks, aborted }));
      })
      .on('error', reject);
  });
}

test('serves the body byte for byte: CR, CRLF, NUL, a BOM and multi-byte UTF-8, with the event-stream headers', async () => {
  const body = '\uFEFFdata: a\rdata: b\r\ndata: \0 é 日本 😀\n\n';
  const { url } = await register([{ body }]);
  const res = await fetch(url);
  assert.equal(res.status, 200);
  for (const [name, value] of Object.entries(SSE_HEADERS)) {
    if (name !== 'Connection') assert.equal(res.headers.get(name), value, name);
  }
  const { bytes, error } = await readBody(res);
  assert.equal(error, null);
  assert.deepEqual(bytes, Buffer.from(body, 'utf8'));
});

test('base64 bodies carry bytes that are not UTF-8: invalid sequences, a lone BOM byte', async () => {
  const bytes = Buffer.from([0xef, 0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0xc0, 0xaf, 0xe2, 0x82, 0x0a, 0x0a, 0xef, 0xbb]);
  const { url } = await register([{ body: bytes.toString('base64'), encoding: 'base64' }]);
  const read = await readBody(await fetch(url));
  assert.deepEqual(read.bytes, bytes);
});

test('split: the pieces arrive in order, as separate chunks, never glued across a split offset', async () => {
  const body = 'data: one\n\ndata: two\n\ndata: three\n\n';
  const split = [3, 11, 12, 30];
  const { url } = await register([{ body, split }]);
  const { chunks, aborted } = await rawChunks(url);
  assert.equal(aborted, false);
  assert.equal(Buffer.concat(chunks).toString('utf8'), body);
  // A busy client may read two pieces at once, never part of one piece with part of another.
  let at = 0;
  for (const chunk of chunks.slice(0, -1)) {
    at += chunk.length;
    assert.ok(split.includes(at), `a chunk ended at ${at}, not at a split offset`);
  }
  assert.ok(chunks.length >= 2, 'the pieces are written apart');
});

test('split offsets at 0 and at the end of the body add no empty piece', async () => {
  const body = 'data: x\n\n';
  const { url } = await register([{ body, split: [0, 4, body.length] }]);
  const { chunks } = await rawChunks(url);
  assert.equal(Buffer.concat(chunks).toString('utf8'), body);
  assert.ok(chunks.every((chunk) => chunk.length > 0));
});

test('cut: exactly that many bytes, even inside a character or a split piece, then a network error', async () => {
  const body = 'data: 日本\n\n';
  for (const cut of [0, 8, Buffer.byteLength(body)]) {
    const { url } = await register([{ body, split: [4], cut }]);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    const read = await readBody(res);
    assert.ok(read.error, `cut:${cut}: the client sees a network error`);
    assert.deepEqual(read.bytes, Buffer.from(body).subarray(0, cut));
  }
});

test('close: exactly that many bytes, then a graceful end', async () => {
  const body = 'data: one\n\ndata: two\n\n';
  for (const close of [0, 5, 11]) {
    const { url } = await register([{ body, split: [2, 7], close }]);
    const read = await readBody(await fetch(url));
    assert.equal(read.error, null);
    assert.equal(read.text, body.slice(0, close));
  }
});

test('status and headers: as given, and given headers replace the default ones', async () => {
  const { url } = await register([
    { status: 202, headers: { 'Content-Type': 'text/event-stream', 'X-Fixture': 'yes' }, body: 'data: x\n\n' },
    { status: 204, body: '' },
    { status: 503, headers: { 'Content-Type': 'application/json', 'Retry-After': '2' }, body: '{"error":"busy"}' },
  ]);
  const accepted = await fetch(url);
  assert.equal(accepted.status, 202);
  assert.equal(accepted.headers.get('content-type'), 'text/event-stream');
  assert.equal(accepted.headers.get('x-fixture'), 'yes');
  assert.equal(accepted.headers.get('cache-control'), null, 'no default header is added');
  assert.equal((await readBody(accepted)).text, 'data: x\n\n');
  const empty = await fetch(url);
  assert.equal(empty.status, 204);
  assert.equal(await empty.text(), '');
  const busy = await fetch(url);
  assert.equal(busy.status, 503);
  assert.equal(busy.headers.get('retry-after'), '2');
  assert.deepEqual(await busy.json(), { error: 'busy' });
});

test('connection i gets responses[i], the last one again past the end', async () => {
  const { url } = await register([{ body: 'data: 0\n\n' }, { body: 'data: 1\n\n' }, { body: 'data: 2\n\n' }]);
  const bodies = [];
  for (let i = 0; i < 5; i++) bodies.push((await readBody(await fetch(url))).text);
  assert.deepEqual(bodies, ['data: 0\n\n', 'data: 1\n\n', 'data: 2\n\n', 'data: 2\n\n', 'data: 2\n\n']);
});

test('records every request: method, query, the three headers, the JSON body', async () => {
  const { id, url } = await register([{ body: 'data: x\n\n' }]);
  await readBody(
    await fetch(`${url}&offset=3&message_id=m1&conversation_id=c1`, { headers: { 'Last-Event-ID': '3' } }),
  );
  await readBody(
    await fetch(url, {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ message_id: 'm1', messages: [{ role: 'user', content: 'q' }] }),
    }),
  );
  await readBody(await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'not json' }));
  const requests = await recorded(id);
  assert.equal(requests.length, 3);
  assert.deepEqual(requests[0], {
    method: 'GET',
    query: { id, offset: '3', message_id: 'm1', conversation_id: 'c1' },
    headers: { accept: '*/*', 'last-event-id': '3', 'content-type': null },
    body: null,
  });
  assert.deepEqual(requests[1], {
    method: 'POST',
    query: { id },
    headers: { accept: 'text/event-stream', 'last-event-id': null, 'content-type': 'application/json' },
    body: { message_id: 'm1', messages: [{ role: 'user', content: 'q' }] },
  });
  assert.equal(requests[2].body, null, 'a body that is not JSON is recorded as null');
});

test('hang: the request is recorded and never answered, until the client gives up', async () => {
  const { id, url } = await register([{ hang: true, body: '' }]);
  await assert.rejects(fetch(url, { signal: AbortSignal.timeout(150) }), /abort|timeout/i);
  assert.equal((await recorded(id)).length, 1);
});

test('refuses bad registrations with 400 and says why', async () => {
  /** @type {Array<[unknown, RegExp]>} */
  const cases = [
    [{}, /responses must be a non-empty array/],
    [{ responses: [] }, /responses must be a non-empty array/],
    [{ responses: ['data: x'] }, /responses\[0\] must be an object/],
    [{ responses: [{}] }, /responses\[0\]\.body must be a string/],
    [{ responses: [{ body: 'x', bogus: 1 }] }, /unknown field "bogus"/],
    [
      { responses: [{ body: 'x' }, { body: 'x', status: 99 }] },
      /responses\[1\]\.status must be an integer from 200 to 599/,
    ],
    [{ responses: [{ body: 'x', status: '200' }] }, /status must be an integer/],
    [{ responses: [{ body: 'x', headers: ['a'] }] }, /headers must be an object of strings/],
    [{ responses: [{ body: 'x', headers: { 'bad name': 'a' } }] }, /is not a header name/],
    [{ responses: [{ body: 'x', headers: { 'X-A': 'a\r\nX-B: b' } }] }, /without CR, LF or NUL/],
    [{ responses: [{ body: 'x', headers: { 'X-A': 1 } }] }, /must be a string/],
    [{ responses: [{ body: 'x', encoding: 'latin1' }] }, /encoding must be "utf8" or "base64"/],
    [{ responses: [{ body: 'not base64!', encoding: 'base64' }] }, /not valid base64/],
    [{ responses: [{ body: 'x', status: 204 }] }, /must be empty: a 204 response has no body/],
    [{ responses: [{ body: 'abc', split: 2 }] }, /split must be an array/],
    [{ responses: [{ body: 'abc', split: [2, 1] }] }, /split must hold increasing integers/],
    [{ responses: [{ body: 'abc', split: [1, 1] }] }, /split must hold increasing integers/],
    [{ responses: [{ body: 'abc', split: [4] }] }, /split must hold increasing integers from 0 to the body's 3 bytes/],
    [{ responses: [{ body: 'abc', split: [1.5] }] }, /split must hold increasing integers/],
    [{ responses: [{ body: 'abc', cut: 4 }] }, /cut must be an integer from 0 to the body's 3 bytes/],
    [{ responses: [{ body: 'abc', close: -1 }] }, /close must be an integer/],
    [{ responses: [{ body: 'abc', cut: 1, close: 2 }] }, /cut and close exclude each other/],
    [{ responses: [{ body: '', hang: true, cut: 0 }] }, /hang sends nothing to cut or close/],
    [{ responses: [{ body: '', hang: 'yes' }] }, /hang must be a boolean/],
  ];
  for (const [body, message] of cases) {
    const res = await fetch(`${server.base}/_debug/fixture`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await json(res);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(answer.error, message, JSON.stringify(body));
  }
  const notJson = await fetch(`${server.base}/_debug/fixture`, { method: 'POST', body: '{' });
  assert.equal(notJson.status, 400);
});

test('an unknown or missing id is 404 / 400, on both the stream and its record', async () => {
  for (const path of ['/fixture', '/_debug/fixture']) {
    const unknown = await fetch(`${server.base}${path}?id=nope`);
    assert.equal(unknown.status, 404, path);
    assert.match((await json(unknown)).error, /unknown fixture "nope"/);
    const missing = await fetch(`${server.base}${path}`);
    assert.equal(missing.status, 400, path);
    assert.match((await json(missing)).error, /id is required/);
  }
  const wrongMethod = await fetch(`${server.base}/fixture?id=x`, { method: 'PUT' });
  assert.equal(wrongMethod.status, 405);
});

test(`keeps at most ${MAX_FIXTURES} fixtures (the bound is an option): the oldest is dropped`, async () => {
  const routes = createFixtureRoutes({ track: () => {}, max: 2 });
  const mini = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handler = routes[`${req.method} ${url.pathname}`];
    Promise.resolve(handler?.(req, res, url)).catch((error) =>
      sendJson(res, error instanceof HttpError ? error.status : 500, { error: String(error.message) }),
    );
  });
  await new Promise((resolve) => mini.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (mini.address());
  try {
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/_debug/fixture`, {
        method: 'POST',
        body: JSON.stringify({ responses: [{ body: `data: ${i}\n\n` }] }),
      });
      ids.push((await json(res)).id);
    }
    const statuses = [];
    for (const id of ids) statuses.push((await fetch(`http://127.0.0.1:${port}/fixture?id=${id}`)).status);
    assert.deepEqual(statuses, [404, 200, 200]);
  } finally {
    mini.closeAllConnections();
    await new Promise((resolve) => mini.close(() => resolve(undefined)));
  }
});

test('the routes exist only with faults: true', async () => {
  const plain = await startServer({ faults: false });
  try {
    const res = await fetch(`${plain.base}/_debug/fixture`, { method: 'POST', body: '{"responses":[{"body":""}]}' });
    assert.equal(res.status, 404);
    assert.equal(await res.text(), 'not an API route');
    assert.equal((await fetch(`${plain.base}/fixture?id=x`)).status, 404);
  } finally {
    await plain.close();
  }
});

test("the server's close() ends a hanging fixture response", async () => {
  const own = await startServer();
  const res = await fetch(`${own.base}/_debug/fixture`, {
    method: 'POST',
    body: JSON.stringify({ responses: [{ hang: true, body: '' }] }),
  });
  const { id } = await json(res);
  const pending = fetch(`${own.base}/fixture?id=${id}`).then(
    () => 'answered',
    () => 'failed',
  );
  await waitFor(async () => (await json(await fetch(`${own.base}/_debug/fixture?id=${id}`))).requests.length > 0);
  await own.close();
  assert.equal(await pending, 'failed');
});
