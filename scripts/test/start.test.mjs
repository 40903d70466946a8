// @ts-check
// `npm start` as a visitor meets it: it builds, prints its URL, serves the demo, the built
// files and the examples (and nothing else of the repo), answers through the reference
// server — or through an OpenAI-compatible upstream when OPENAI_BASE_URL is set, on Redis when
// REDIS_URL is — and stops cleanly on Ctrl+C (SIGINT).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scriptFor } from '../../server/answer-script.js';
import { startRedis } from '../../server/test/redis.js';

const start = fileURLToPath(new URL('../start.mjs', import.meta.url));
const BOUNDED = { timeout: 90_000 };

/**
 * Runs start.mjs on a free port; resolves once it printed its URL.
 * @param {Record<string, string>} [env]
 */
async function startDemo(env = {}) {
  const child = spawn(process.execPath, [start], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const check = () => {
      const match = /sse-chat demo: (http:\/\/localhost:\d+\/)/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', check);
    child.on('exit', () => reject(new Error(`start.mjs exited before printing its URL:\n${output}`)));
  });
  return { child, url: /** @type {string} */ (url), exited, output: () => output };
}

/**
 * A fake upstream API on a free port that answers every request with this event stream and
 * records what it was asked (`url`, `headers`, the JSON `body`).
 * @param {string} stream
 */
async function startUpstream(stream) {
  /** @type {any[]} */
  const asked = [];
  const upstream = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    asked.push({ url: req.url, headers: req.headers, body: JSON.parse(body) });
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.end(stream);
  });
  await new Promise((resolve) => upstream.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (upstream.address());
  return { upstream, asked, port };
}

/**
 * The status of a GET sent with exactly this request target.
 * @param {string} base
 * @param {string} path
 */
function rawStatus(base, path) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    http
      .get({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port, path }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
      .on('error', reject);
  });
}

test('npm start serves the demo, the built files and the examples, and nothing else', BOUNDED, async () => {
  const demo = await startDemo();
  try {
    const get = (/** @type {string} */ path) => fetch(new URL(path, demo.url));
    const page = await get('/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /<sse-chat[\s\S]*history-endpoint="\/api\/history"/);
    for (const path of [
      '/dist/sse-chat.js',
      '/dist/sse-chat.iife.js',
      '/examples/jquery.html',
      '/examples/vue2.html',
      '/node_modules/jquery/dist/jquery.min.js',
      '/node_modules/vue/dist/vue.min.js',
    ]) {
      const res = await get(path);
      assert.equal(res.status, 200, path);
      await res.arrayBuffer();
    }
    // Raw request targets: fetch() would normalise the dot segments away before sending.
    for (const path of [
      '/package.json',
      '/server/index.js',
      '/node_modules/lit/package.json',
      '/dist/..%2fpackage.json',
      '/dist/%2e%2e/package.json',
      '/examples/../package.json',
    ]) {
      assert.equal(await rawStatus(demo.url, path), 404, path);
    }
    assert.equal(await rawStatus(demo.url, '/%E0%A4%A'), 400, 'a malformed URL is a 400, not a crash');
    const after = await get('/');
    assert.equal(after.status, 200, 'still serving');
    await after.arrayBuffer();
    const history = await get('/api/history?conversation_id=demo-test');
    assert.deepEqual(await history.json(), { messages: [] });
  } finally {
    demo.child.kill('SIGINT');
  }
  const { code } = /** @type {{code: number | null}} */ (await demo.exited);
  assert.equal(code, 0, 'Ctrl+C ends it cleanly');
  assert.match(demo.output(), /shutting down/);
});

test('a busy port: it says which, and how to choose another, and exits 1', BOUNDED, async () => {
  const first = await startDemo();
  try {
    const { port } = new URL(first.url);
    const second = await startDemo({ PORT: port }).then(
      () => assert.fail('the second server printed a URL'),
      (error) => error,
    );
    assert.match(
      String(second.message),
      new RegExp(`cannot listen on port ${port}: .*EADDRINUSE.*\\(set PORT to use another\\)`),
    );
  } finally {
    first.child.kill('SIGINT');
  }
  assert.equal(/** @type {{code: number | null}} */ (await first.exited).code, 0);
});

test('with OPENAI_BASE_URL, npm start answers from that upstream and says so (never the key)', BOUNDED, async () => {
  const delta = (/** @type {object} */ d) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: d }] })}\n\n`;
  const { upstream, asked, port } = await startUpstream(
    delta({ reasoning_content: 'Thinking.' }) + delta({ content: 'Relayed **answer**.' }) + 'data: [DONE]\n\n',
  );
  const demo = await startDemo({
    OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
    OPENAI_API_KEY: 'sk-secret-test',
    OPENAI_MODEL: 'tiny-model',
  });
  try {
    assert.match(
      demo.output(),
      new RegExp(`relaying questions to http://127.0.0.1:${port}/v1 \\(openai, model tiny-model, with an API key\\)`),
    );
    assert.doesNotMatch(demo.output(), /sk-secret-test/);
    const res = await fetch(new URL('/api/chat', demo.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        conversation_id: 'c',
        message_id: 'relayed-1',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    const text = await res.text();
    const contents = [...text.matchAll(/^data: (.*)$/gm)]
      .flatMap((m) => JSON.parse(m[1] ?? '{}').data ?? [])
      .map((item) => `${item.type}:${item.content}`);
    assert.deepEqual(contents, ['think:Thinking.', 'text:Relayed **answer**.']);
    assert.equal(asked.length, 1);
    assert.equal(asked[0].url, '/v1/chat/completions');
    assert.equal(asked[0].headers.authorization, 'Bearer sk-secret-test');
    assert.equal(asked[0].body.model, 'tiny-model');
  } finally {
    demo.child.kill('SIGINT');
    upstream.closeAllConnections();
    upstream.close();
  }
  assert.equal(/** @type {{code: number | null}} */ (await demo.exited).code, 0);
});

test(
  'with UPSTREAM_PROTOCOL=anthropic, npm start relays the Messages API (its key in x-api-key)',
  BOUNDED,
  async () => {
    const event = (/** @type {{type: string}} */ data) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
    const { upstream, asked, port } = await startUpstream(
      event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
        event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'From Claude.' } }) +
        event({ type: 'message_stop' }),
    );
    const demo = await startDemo({
      UPSTREAM_PROTOCOL: 'anthropic',
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}/v1`,
      ANTHROPIC_API_KEY: 'sk-ant-secret',
      ANTHROPIC_MODEL: 'claude-test',
    });
    try {
      assert.match(demo.output(), /\(anthropic, model claude-test, with an API key\)/);
      assert.doesNotMatch(demo.output(), /sk-ant-secret/);
      const res = await fetch(new URL('/api/chat', demo.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({
          conversation_id: 'c',
          message_id: 'relayed-2',
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      const text = await res.text();
      assert.match(text, /"type":"text","content":"From Claude\."/);
      assert.equal(asked[0].url, '/v1/messages');
      assert.equal(asked[0].headers['x-api-key'], 'sk-ant-secret');
      assert.equal(asked[0].body.model, 'claude-test');
    } finally {
      demo.child.kill('SIGINT');
      upstream.closeAllConnections();
      upstream.close();
    }
    assert.equal(/** @type {{code: number | null}} */ (await demo.exited).code, 0);
  },
);

test(
  'with REDIS_URL, two npm start instances serve the same answers: cut on one, resumed on the other, exact',
  BOUNDED,
  async () => {
    const redis = await startRedis();
    // One after the other: each build replaces dist/, which both serve.
    const first = await startDemo({ REDIS_URL: redis.url });
    const second = await startDemo({ REDIS_URL: redis.url });
    try {
      assert.match(first.output(), /answers kept in Redis at redis:\/\/127\.0\.0\.1:\d+/);
      const prompt = 'two instances, one answer';
      const messageId = `start-redis-${process.pid}`;
      const controller = new AbortController();
      const res = await fetch(new URL('/api/chat?chunk_ms=5', first.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({
          conversation_id: 'c',
          message_id: messageId,
          messages: [{ role: 'user', content: prompt }],
        }),
        signal: controller.signal,
      });
      const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
      const decoder = new TextDecoder();
      let head = '';
      while ((head.match(/\n\n/g) ?? []).length < 20)
        head += decoder.decode((await reader.read()).value, { stream: true });
      controller.abort(); // the network cut
      head = head.slice(0, head.lastIndexOf('\n\n') + 2);
      const lastId = [...head.matchAll(/^id: (\d+)$/gm)].at(-1)?.[1] ?? '0';
      const rest = await (
        await fetch(new URL(`/api/chat?message_id=${messageId}`, second.url), {
          headers: { accept: 'text/event-stream', 'last-event-id': lastId },
        })
      ).text();
      const items = [...(head + rest).matchAll(/^data: (.*)$/gm)]
        .map((m) => JSON.parse(m[1] ?? '{}'))
        .flatMap((payload) => (payload.mode === 'append' ? payload.data : []));
      const think = items
        .filter((item) => item.type === 'think')
        .map((item) => item.content)
        .join('');
      const answer = items
        .filter((item) => item.type === 'text')
        .map((item) => item.content)
        .join('');
      const expected = scriptFor(prompt);
      assert.equal(think, expected.think);
      assert.equal(answer, expected.answer);
    } finally {
      first.child.kill('SIGINT');
      second.child.kill('SIGINT');
      await Promise.all([first.exited, second.exited]);
      await redis.stop();
    }
  },
);
