// @ts-check
/**
 * Relay mode: the server answers from an OpenAI-compatible upstream. The upstream here is a
 * fake `node:http` server on 127.0.0.1 that streams chat-completions chunks as the test says.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { test } from 'node:test';
import { DEFAULT_MODEL } from '../relay.js';
import { decodeTexts, parseSse, readBody, startServer, waitFor } from './helpers.js';

/** Every wait below is on an event; this bounds them all if one never comes. */
const BOUNDED = { timeout: 10_000 };

/**
 * @typedef {object} UpstreamCall one request the fake upstream received
 * @property {string | undefined} method
 * @property {string | undefined} url
 * @property {http.IncomingHttpHeaders} headers
 * @property {any} body  the parsed JSON body
 * @property {http.ServerResponse} res
 * @property {Promise<boolean>} closed  resolves when the response closes: true when the
 *   relay went away before the response was complete
 */

/**
 * Starts a fake upstream; `respond` answers each request.
 * @param {(call: UpstreamCall) => void | Promise<void>} respond
 */
async function startUpstream(respond) {
  /** @type {UpstreamCall[]} */
  const calls = [];
  const server = http.createServer(async (req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const closed = new Promise((resolve) => res.on('close', () => resolve(!res.writableEnded)));
    /** @type {UpstreamCall} */
    const call = {
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      res,
      closed,
    };
    calls.push(call);
    try {
      await respond(call);
    } catch (error) {
      console.error('fake upstream:', error);
      res.destroy();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    calls,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/**
 * Starts a fake upstream and a relaying server, both closed when the test ends.
 * @param {import('node:test').TestContext} t
 * @param {(call: UpstreamCall) => void | Promise<void>} respond
 * @param {Partial<import('../relay.js').RelayOptions>} [relay]
 */
async function setup(t, respond, relay = {}) {
  const upstream = await startUpstream(respond);
  t.after(() => upstream.close());
  const server = await startServer({ relay: { baseUrl: upstream.baseUrl, ...relay } });
  t.after(() => server.close());
  return { upstream, server };
}

/** A promise with its resolve function, to hold a fake upstream until the test releases it. */
function gate() {
  /** @type {() => void} */
  let open = () => {};
  /** @type {Promise<void>} */
  const opened = new Promise((resolve) => {
    open = () => resolve();
  });
  return { open, opened };
}

/**
 * One chat-completions chunk as an SSE event, with CRLF line ends like some servers write.
 * @param {Record<string, unknown>} delta
 * @param {{finish?: string | null, usage?: object}} [extra]
 */
function chunk(delta, { finish = null, usage } = {}) {
  const body = {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    model: 'fake-model',
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  };
  return `data: ${JSON.stringify(body)}\r\n\r\n`;
}

const DONE = 'data: [DONE]\r\n\r\n';

/** @param {http.ServerResponse} res */
function streamHead(res) {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
}

/** The conversation the widget sends: the turns so far and the new question. */
const MESSAGES = [
  { role: 'user', content: 'hi' },
  { role: 'assistant', content: 'Hello! How can I help?' },
  { role: 'user', content: 'Explain 流式 streams 👩‍💻' },
];

/**
 * Asks the relaying server, as the widget does.
 * @param {string} base
 * @param {string} messageId
 * @param {{messages?: unknown[], signal?: AbortSignal}} [options]
 */
function ask(base, messageId, { messages = MESSAGES, signal } = {}) {
  return fetch(`${base}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ conversation_id: 'c-relay', message_id: messageId, messages }),
    signal,
  });
}

/**
 * Reads a response until it has `count` complete events; the reader stays open.
 * @param {Response} res
 * @param {number} count
 */
async function readEvents(res, count) {
  const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const complete = () => parseSse(text.slice(0, text.lastIndexOf('\n\n') + 2)).events;
  while (complete().length < count) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the stream ended after ${complete().length} events`);
    text += decoder.decode(value, { stream: true });
  }
  return { events: complete().slice(0, count), reader };
}

/**
 * The agent payloads of a complete widget-facing stream.
 * @param {Response} res
 */
async function payloads(res) {
  assert.equal(res.status, 200);
  const { text, error } = await readBody(res);
  assert.equal(error, null);
  const { events } = parseSse(text);
  return { events, payloads: events.map((e) => JSON.parse(/** @type {string} */ (e.data))) };
}

/**
 * `GET /history` of the test conversation.
 * @param {string} base
 */
async function history(base) {
  const res = await fetch(`${base}/history?conversation_id=c-relay`);
  assert.equal(res.status, 200);
  return /** @type {any} */ (await res.json()).messages;
}

test('a last [DONE] without its blank line still completes the answer', BOUNDED, async (t) => {
  const { server } = await setup(t, ({ res }) => {
    streamHead(res);
    res.end(chunk({ content: 'all of it' }) + 'data: [DONE]'); // the body just ends
  });
  const { events, payloads: sent } = await payloads(await ask(server.base, 'relay-done'));
  assert.equal(decodeTexts(events.slice(0, -1)).answer, 'all of it');
  assert.deepEqual(sent.at(-1)?.meta, { status: 'available', model: 'fake-model' });
});

test('relays think then answer with increasing ids, split mid-line, mid-CRLF and mid-character', BOUNDED, async (t) => {
  const reasoning = ['Let me think… 先想一想 🤔\n', 'Step 1: the path C:\\temp\tkeeps ', 'its backslash.'];
  const content = ['# 流式 streams 👩‍💻\n\n', 'A stream is **resumable**: ', '`offset=<seq>`', ' ✅'];
  const bytes = Buffer.from(
    ': keep-alive\r\n\r\n' +
      chunk({ role: 'assistant' }) +
      chunk({ reasoning_content: reasoning[0] }) +
      chunk({ reasoning_content: reasoning[1] }) +
      chunk({ reasoning: reasoning[2] }) +
      chunk({ content: '' }) +
      content.map((c) => chunk({ content: c })).join('') +
      chunk({}, { finish: 'stop', usage: { prompt_tokens: 12, completion_tokens: 34 } }) +
      DONE,
  );
  const STEP = 7;
  /** @type {Buffer[]} */
  const pieces = [];
  for (let i = 0; i < bytes.length; i += STEP) pieces.push(bytes.subarray(i, i + STEP));
  // The premise: some pieces end inside a UTF-8 character and some between CR and LF.
  assert.ok(
    pieces.some((p) => ((p.at(-1) ?? 0) & 0xc0) === 0xc0),
    'a cut after a lead byte',
  );
  assert.ok(
    pieces.some((p) => p.at(-1) === 0x0d),
    'a cut between CR and LF',
  );

  // Each piece is written once the relay has received the previous one, so the relay's
  // reads see exactly these pieces (TCP could otherwise merge them).
  let received = 0;
  /** @type {Array<() => void>} */
  let waiting = [];
  /** @type {typeof fetch} */
  const countingFetch = async (input, init) => {
    const res = await fetch(input, init);
    const counted = /** @type {ReadableStream<Uint8Array>} */ (res.body).pipeThrough(
      new TransformStream({
        transform(bytes, controller) {
          received += bytes.length;
          controller.enqueue(bytes);
          for (const wake of waiting) wake();
          waiting = [];
        },
      }),
    );
    return new Response(counted, { status: res.status, headers: res.headers });
  };
  /** @param {number} total */
  const receivedAll = async (total) => {
    while (received < total) await new Promise((resolve) => waiting.push(() => resolve(undefined)));
  };

  const { upstream, server } = await setup(
    t,
    async ({ res }) => {
      streamHead(res);
      let sent = 0;
      for (const piece of pieces) {
        res.write(piece);
        sent += piece.length;
        await receivedAll(sent);
      }
      res.end();
    },
    { apiKey: 'sk-test', model: 'fake-model', fetch: countingFetch },
  );

  const { events, payloads: all } = await payloads(await ask(server.base, 'relay-1'));
  assert.deepEqual(
    events.map((e) => Number(e.id)),
    events.map((_, i) => i + 1),
    'consecutive ids from 1',
  );
  const appends = all.slice(0, -1);
  assert.equal(appends.length, reasoning.length + content.length, 'one event per non-empty delta');
  appends.forEach((payload, i) => {
    assert.equal(payload.mode, 'append');
    assert.equal(payload.message_id, 'relay-1');
    assert.equal(payload.data.length, 1);
    assert.equal(payload.data[0].id, i + 1, 'item id = seq');
    assert.equal(payload.data[0].type, i < reasoning.length ? 'think' : 'text');
  });
  assert.deepEqual(decodeTexts(events), { think: reasoning.join(''), answer: content.join('') });
  assert.deepEqual(all.at(-1), {
    mode: 'finish',
    message_id: 'relay-1',
    meta: {
      status: 'available',
      model: 'fake-model',
      finish_reason: 'stop',
      usage: { prompt_tokens: 12, completion_tokens: 34 },
    },
  });

  assert.equal(upstream.calls.length, 1);
  const [call] = upstream.calls;
  assert.equal(call?.method, 'POST');
  assert.equal(call?.url, '/v1/chat/completions');
  assert.equal(call?.headers.authorization, 'Bearer sk-test');
  assert.equal(call?.headers.accept, 'text/event-stream');
  assert.match(String(call?.headers['content-type']), /^application\/json/);
  assert.deepEqual(call?.body, { model: 'fake-model', messages: MESSAGES, stream: true });

  const debug = await server.debug('relay-1');
  assert.equal(debug.think, reasoning.join(''));
  assert.equal(debug.answer, content.join(''));
  assert.equal(debug.error, null);
});

test(
  'without a key no Authorization header is sent; the default model; a trailing slash in baseUrl',
  BOUNDED,
  async (t) => {
    const upstream = await startUpstream(({ res }) => {
      streamHead(res);
      res.end(chunk({ content: 'ok' }) + DONE);
    });
    t.after(() => upstream.close());
    const server = await startServer({ relay: { baseUrl: `${upstream.baseUrl}/` } });
    t.after(() => server.close());
    const messages = [{ role: 'user', content: 'q', id: 'dropped', extra: true }];
    const { events } = await payloads(await ask(server.base, 'relay-2', { messages }));
    assert.equal(decodeTexts(events).answer, 'ok');
    const [call] = upstream.calls;
    assert.equal(call?.url, '/v1/chat/completions');
    assert.equal(call?.headers.authorization, undefined);
    assert.equal(DEFAULT_MODEL, 'gpt-4o-mini');
    assert.deepEqual(call?.body, { model: DEFAULT_MODEL, messages: [{ role: 'user', content: 'q' }], stream: true });
  },
);

test('a resume with offset gets exactly the rest and never asks the upstream again', BOUNDED, async (t) => {
  const held = gate();
  const { upstream, server } = await setup(t, async ({ res }) => {
    streamHead(res);
    res.write(
      chunk({ reasoning_content: 'think 1 ' }) + chunk({ reasoning_content: 'think 2' }) + chunk({ content: 'A' }),
    );
    await held.opened;
    res.end(chunk({ content: 'B' }) + chunk({ content: 'C 你好' }) + DONE);
  });
  const controller = new AbortController();
  const first = await ask(server.base, 'relay-3', { signal: controller.signal });
  const { events: seen } = await readEvents(first, 3);
  controller.abort();
  assert.deepEqual(
    seen.map((e) => e.id),
    ['1', '2', '3'],
  );

  const url = `${server.base}/chat?message_id=relay-3&conversation_id=c-relay&offset=3`;
  const resumed = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'last-event-id': '3' },
    body: JSON.stringify({ conversation_id: 'c-relay', message_id: 'relay-3', messages: MESSAGES }),
  });
  assert.equal(resumed.status, 200);
  held.open();
  const { events: rest } = await payloads(resumed);
  assert.deepEqual(
    rest.map((e) => e.id),
    ['4', '5', '6'],
    'the rest, no duplicate',
  );
  assert.deepEqual(decodeTexts([...seen, ...rest]), { think: 'think 1 think 2', answer: 'ABC 你好' });

  assert.equal(upstream.calls.length, 1, 'one upstream request for the answer');
  const debug = await server.debug('relay-3');
  assert.equal(debug.connections.length, 2);
  assert.equal(debug.generations, 1);
  const end = await fetch(`${server.base}/chat?message_id=relay-3&offset=6`);
  assert.equal(end.status, 204, 'nothing is left after the finish');
  assert.equal(upstream.calls.length, 1);
});

test('history shows the answer pending while the upstream streams, available after', BOUNDED, async (t) => {
  const held = gate();
  const { server } = await setup(t, async ({ res }) => {
    streamHead(res);
    res.write(chunk({ reasoning_content: 'hmm\n' }) + chunk({ content: 'Part one, ' }));
    await held.opened;
    res.end(chunk({ content: 'part two.' }) + DONE);
  });
  const reading = ask(server.base, 'relay-4').then(payloads);
  await waitFor(() => (server.api.jobs.get('relay-4')?.lastSeq ?? 0) >= 2);
  const [question, pending] = await history(server.base);
  assert.deepEqual(question, {
    id: 'relay-4:q',
    author: 'user',
    think: '',
    answer: 'Explain 流式 streams 👩‍💻',
    status: 'available',
    offset: 0,
  });
  assert.deepEqual(pending, {
    id: 'relay-4',
    author: 'assistant',
    think: 'hmm\n',
    answer: 'Part one, ',
    status: 'pending',
    offset: 2,
  });
  held.open();
  const { events } = await reading;
  const [, done] = await history(server.base);
  assert.deepEqual(done, {
    id: 'relay-4',
    author: 'assistant',
    think: 'hmm\n',
    answer: 'Part one, part two.',
    status: 'available',
    offset: events.length,
  });
});

test('POST /stop aborts the upstream request and the answer ends stopped', BOUNDED, async (t) => {
  /** @type {UpstreamCall | null} */
  let upstreamCall = null;
  const { server } = await setup(t, (call) => {
    upstreamCall = call;
    streamHead(call.res);
    call.res.write(chunk({ content: 'Before the stop' }));
    // …and nothing more: only the relay going away ends this request.
  });
  const res = await ask(server.base, 'relay-5');
  const { events, reader } = await readEvents(res, 1);
  assert.equal(decodeTexts(events).answer, 'Before the stop');

  const stop = await fetch(`${server.base}/stop`, { method: 'POST', body: JSON.stringify({ message_id: 'relay-5' }) });
  assert.equal(stop.status, 204);
  assert.equal(
    await /** @type {UpstreamCall} */ (/** @type {unknown} */ (upstreamCall)).closed,
    true,
    'upstream request aborted',
  );

  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString('utf8');
  }
  const last = parseSse(text).events.at(-1);
  assert.equal(last?.id, '2');
  assert.deepEqual(JSON.parse(/** @type {string} */ (last?.data)), {
    mode: 'finish',
    message_id: 'relay-5',
    meta: { status: 'stopped' },
  });
  const [, answer] = await history(server.base);
  assert.equal(answer.answer, 'Before the stop');
  assert.equal(answer.stopped, true);
  const job = server.api.jobs.get('relay-5');
  assert.equal(job?.error, null, 'a stop is not an upstream error');
  assert.equal(job?.log.length, 2);
});

test('closing the server aborts the running upstream requests', BOUNDED, async (t) => {
  /** @type {Array<Promise<boolean>>} */
  const closed = [];
  const { server } = await setup(t, ({ res, closed: whenClosed }) => {
    closed.push(whenClosed);
    streamHead(res);
    res.write(chunk({ content: 'x' }));
  });
  const reading = Promise.all([ask(server.base, 'relay-6a'), ask(server.base, 'relay-6b')]);
  await waitFor(() => closed.length === 2 && server.api.jobs.list().every((job) => job.lastSeq === 1));
  await server.close();
  assert.deepEqual(await Promise.all(closed), [true, true]);
  for (const res of await reading) assert.notEqual((await readBody(res)).error, null, 'the widget streams are cut');
});

test(
  'an upstream that ends with a finish_reason but no [DONE] is complete; without either it is an error',
  BOUNDED,
  async (t) => {
    const { server } = await setup(t, ({ res, body }) => {
      streamHead(res);
      const last = body.messages.at(-1).content;
      res.end(chunk({ content: 'partial' }) + (last === 'with reason' ? chunk({}, { finish: 'length' }) : ''));
    });
    const complete = await payloads(
      await ask(server.base, 'relay-7a', { messages: [{ role: 'user', content: 'with reason' }] }),
    );
    assert.deepEqual(complete.payloads.at(-1)?.meta, {
      status: 'available',
      model: 'fake-model',
      finish_reason: 'length',
    });
    const cut = await payloads(
      await ask(server.base, 'relay-7b', { messages: [{ role: 'user', content: 'without' }] }),
    );
    assert.equal(decodeTexts(cut.events.slice(0, -1)).answer, 'partial', 'what came stays');
    assert.deepEqual(cut.payloads.at(-1), {
      mode: 'error',
      message_id: 'relay-7b',
      finish_reason: 'upstream stream ended before [DONE]',
    });
  },
);

test('a malformed upstream chunk is skipped with a warning and the rest arrives', BOUNDED, async (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  const { server } = await setup(t, ({ res }) => {
    streamHead(res);
    res.end(
      chunk({ content: 'Hello, ' }) +
        'data: {"choices": [\r\n\r\n' +
        'data: 42\r\n\r\n' +
        chunk({ content: 'world' }) +
        DONE,
    );
  });
  const { events, payloads: all } = await payloads(await ask(server.base, 'relay-8'));
  assert.equal(decodeTexts(events).answer, 'Hello, world');
  assert.equal(all.at(-1)?.mode, 'finish');
  assert.equal(all.at(-1)?.meta.status, 'available');
  assert.equal(warn.mock.callCount(), 2);
  for (const call of warn.mock.calls)
    assert.match(String(call.arguments[0]), /relay-8: skipped a malformed upstream chunk/);
});

/**
 * @typedef {object} FailureCase
 * @property {string} name
 * @property {(call: UpstreamCall, held: Promise<void>) => void | Promise<void>} respond
 * @property {string | RegExp} reason  the `finish_reason` of the error event
 * @property {string} [answer]  the text streamed before the error
 * @property {Partial<import('../relay.js').RelayOptions>} [relay]
 * @property {boolean} [refused]  point the relay at a port nobody listens on
 * @property {boolean} [releaseAfterFirst]  release `held` once the job has its first event
 * @property {boolean} [aborts]  the relay gives the upstream request up (it does not end)
 */

/** @type {FailureCase[]} */
const FAILURES = [
  {
    name: 'upstream 401 with a JSON error body',
    respond: ({ res }) => {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: 'invalid api key', type: 'invalid_request_error', code: 'invalid_api_key' },
        }),
      );
    },
    reason: 'upstream 401: invalid api key',
  },
  {
    name: 'upstream 502 with an HTML body that never ends: only its start is read',
    respond: ({ res }) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.write(`<html><body>Bad gateway ${'x'.repeat(64_000)}`);
    },
    aborts: true,
    reason: /^upstream 502: <html><body>Bad gateway x{200,}…$/,
  },
  {
    name: 'connection refused',
    respond: () => {},
    refused: true,
    reason: /^upstream unreachable: .*ECONNREFUSED/,
  },
  {
    name: 'the upstream connection dies mid-answer',
    respond: async ({ res }, held) => {
      streamHead(res);
      res.write(chunk({ content: 'so far' }));
      await held;
      res.destroy();
    },
    releaseAfterFirst: true,
    answer: 'so far',
    reason: /^upstream connection lost: /,
  },
  {
    name: 'an error chunk in the stream',
    respond: ({ res }) => {
      streamHead(res);
      res.end(
        chunk({ content: 'so far' }) +
          `data: ${JSON.stringify({ error: { message: 'rate limited' } })}\n\n` +
          chunk({ content: 'never' }),
      );
    },
    answer: 'so far',
    reason: 'upstream error: rate limited',
  },
  {
    name: 'a 200 that is not an event stream',
    respond: ({ res }) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"choices":[]}');
    },
    reason: 'upstream sent application/json, not an event stream',
  },
  {
    name: 'an upstream that goes silent',
    respond: ({ res }) => streamHead(res),
    relay: { idleTimeoutMs: 150 },
    aborts: true,
    reason: 'upstream sent nothing for 150 ms',
  },
];

test('each upstream failure ends the answer with an error event that says what happened', BOUNDED, async (t) => {
  for (const failure of FAILURES) {
    await t.test(failure.name, BOUNDED, async (t) => {
      const held = gate();
      const upstream = await startUpstream((call) => failure.respond(call, held.opened));
      if (failure.refused)
        await upstream.close(); // nobody listens on its port any more
      else t.after(() => upstream.close());
      const target = await startServer({ relay: { baseUrl: upstream.baseUrl, ...failure.relay } });
      t.after(() => target.close());
      const messageId = `fail-${FAILURES.indexOf(failure)}`;
      const reading = ask(target.base, messageId).then(payloads);
      if (failure.releaseAfterFirst) {
        await waitFor(() => (target.api.jobs.get(messageId)?.lastSeq ?? 0) >= 1);
        held.open();
      }
      const { events, payloads: all } = await reading;
      const last = all.at(-1);
      assert.equal(last?.mode, 'error');
      assert.equal(last?.message_id, messageId);
      if (typeof failure.reason === 'string') assert.equal(last?.finish_reason, failure.reason);
      else assert.match(String(last?.finish_reason), failure.reason);
      assert.ok(String(last?.finish_reason).length <= 'upstream 502: '.length + 300, 'bounded');
      assert.equal(decodeTexts(events.slice(0, -1)).answer, failure.answer ?? '');
      assert.equal(target.api.jobs.get(messageId)?.error, last?.finish_reason);
      const end = await fetch(`${target.base}/chat?message_id=${messageId}&offset=${events.length}`);
      assert.equal(end.status, 204, 'the answer is over: a resume gets nothing');
      assert.equal(upstream.calls.length, failure.refused ? 0 : 1);
      if (failure.aborts) assert.equal(await upstream.calls[0]?.closed, true, 'the upstream request is aborted');
    });
  }
});

/**
 * The vendor streams of test/fixtures/protocols/ (recorded Anthropic and Responses streams),
 * relayed: what the widget gets, and the request the upstream got. The expected texts are the
 * browser adapters' (test/helpers/vendor-fixtures.ts), so relaying and reading directly agree.
 */
const VENDOR_STREAMS = [
  {
    file: 'anthropic-thinking.sse',
    protocol: 'anthropic',
    think: 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185',
    answer: '925 ÷ 5 = 185',
    end: { mode: 'finish', finish_reason: 'end_turn' },
  },
  {
    file: 'anthropic-citations.sse',
    protocol: 'anthropic',
    think: '',
    answer:
      "I'll search for when Claude Shannon was born.\n\nBased on the search results, Claude Shannon was born on April 30, 1916, in Petoskey, Michigan.",
    end: { mode: 'finish', finish_reason: 'end_turn' },
  },
  {
    file: 'anthropic-redacted.sse',
    protocol: 'anthropic',
    think: 'The user asks for a haiku about the sea.\n\n_Some reasoning was redacted._',
    answer: 'Waves fold into foam,\nsalt wind carries gull voices —\nthe tide keeps its time.',
    end: { mode: 'finish', finish_reason: 'end_turn' },
  },
  {
    file: 'anthropic-error.sse',
    protocol: 'anthropic',
    think: '',
    answer: 'Once upon a',
    end: { mode: 'error', finish_reason: 'upstream error: Overloaded' },
  },
  {
    file: 'openai-responses-reasoning.sse',
    protocol: 'openai-responses',
    think:
      '**Planning the answer**\n\nThe user wants the boiling point of water at altitude.\n\n**Recalling the figure**\n\nAt 3,000 m water boils near 90 °C.',
    answer: 'At sea level water boils at 100 °C; at 3 000 m it boils at about 90 °C — pasta takes longer. 🍝',
    end: { mode: 'finish' },
  },
  {
    file: 'openai-responses-incomplete.sse',
    protocol: 'openai-responses',
    think: '',
    answer: 'Water boils at 100 °C at sea level. Higher up, the air pressure',
    end: { mode: 'error', finish_reason: 'the response is incomplete: max_output_tokens' },
  },
];

for (const fixture of VENDOR_STREAMS) {
  test(`relays a recorded ${fixture.protocol} stream (${fixture.file}), split every 7 bytes`, BOUNDED, async (t) => {
    const bytes = await readFile(new URL(`../../test/fixtures/protocols/${fixture.file}`, import.meta.url));
    const { upstream, server } = await setup(
      t,
      async ({ res }) => {
        streamHead(res);
        for (let i = 0; i < bytes.length; i += 7) {
          res.write(bytes.subarray(i, i + 7));
          await new Promise((resolve) => setImmediate(resolve));
        }
        res.end();
      },
      { protocol: /** @type {any} */ (fixture.protocol), apiKey: 'key-1', model: 'the-model' },
    );
    const { events, payloads: sent } = await payloads(await ask(server.base, `relay-${fixture.file}`));
    const texts = decodeTexts(events.slice(0, -1));
    assert.equal(texts.think, fixture.think);
    assert.equal(texts.answer, fixture.answer);
    const last = /** @type {any} */ (sent.at(-1));
    assert.equal(last.mode, fixture.end.mode);
    if (fixture.end.mode === 'error') assert.equal(last.finish_reason, fixture.end.finish_reason);
    else if (fixture.end.finish_reason) assert.equal(last.meta.finish_reason, fixture.end.finish_reason);

    const [call] = upstream.calls;
    if (fixture.protocol === 'anthropic') {
      assert.equal(call?.url, '/v1/messages');
      assert.equal(call?.headers['x-api-key'], 'key-1');
      assert.equal(call?.headers['anthropic-version'], '2023-06-01');
      assert.equal(call?.headers.authorization, undefined);
      assert.deepEqual(call?.body, { model: 'the-model', max_tokens: 4096, messages: MESSAGES, stream: true });
    } else {
      assert.equal(call?.url, '/v1/responses');
      assert.equal(call?.headers.authorization, 'Bearer key-1');
      assert.deepEqual(call?.body, { model: 'the-model', input: MESSAGES, stream: true });
    }
  });
}

test('the Anthropic relay sends system prompts apart, as the Messages API wants', BOUNDED, async (t) => {
  const { upstream, server } = await setup(
    t,
    ({ res }) => {
      streamHead(res);
      res.end('event: message_stop\ndata: {"type":"message_stop"}\n\n');
    },
    { protocol: 'anthropic' },
  );
  const messages = [{ role: 'system', content: 'Be brief.' }, ...MESSAGES];
  await payloads(await ask(server.base, 'relay-system', { messages }));
  assert.equal(upstream.calls[0]?.body.system, 'Be brief.');
  assert.deepEqual(upstream.calls[0]?.body.messages, MESSAGES);
});
