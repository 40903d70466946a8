// @ts-check
/**
 * `/api/vendor`: the scripted answer in other wire formats (the demo's protocol picker). The
 * browser tests read each with the widget (test/elements/vendor-stream.test.ts); here, the
 * shape of each stream and the route's errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chatBody, parseSse, startServer } from './helpers.js';

/** @type {Record<string, {first: string, last: string}>} the first and last event data (type) of each */
const SHAPES = {
  openai: { first: 'chat.completion.chunk', last: '[DONE]' },
  'openai-responses': { first: 'response.created', last: 'response.completed' },
  anthropic: { first: 'message_start', last: 'message_stop' },
  'ai-sdk': { first: 'start', last: '[DONE]' },
};

/** @param {string} data */
const typeOf = (data) => (data === '[DONE]' ? data : (JSON.parse(data).type ?? JSON.parse(data).object));

for (const [protocol, { first, last }] of Object.entries(SHAPES)) {
  test(`/vendor?protocol=${protocol} streams the script as that API does, without ids`, async (t) => {
    const server = await startServer({ chunkMs: 0 });
    t.after(() => server.close());
    const res = await fetch(`${server.base}/vendor?protocol=${protocol}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chatBody('v-1', 'hello'),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(res.headers.get('x-vercel-ai-ui-message-stream'), protocol === 'ai-sdk' ? 'v1' : null);
    const { events } = parseSse(await res.text());
    assert.equal(typeOf(/** @type {string} */ (events[0]?.data)), first);
    assert.equal(typeOf(/** @type {string} */ (events.at(-1)?.data)), last);
    assert.ok(events.every((event) => event.id === null));
  });
}

test('/vendor?protocol=text sends the think block in <think> tags and escapes newlines', async (t) => {
  const server = await startServer({ chunkMs: 0 });
  t.after(() => server.close());
  const res = await fetch(`${server.base}/vendor?protocol=text`, { method: 'POST', body: chatBody('v-2') });
  const datas = parseSse(await res.text()).events.map((event) => event.data);
  assert.equal(datas[0], '<think>');
  assert.ok(datas.includes('</think>'));
  assert.ok(datas.some((data) => data?.includes('\\n')));
});

test('/vendor without a known protocol is a 400 that names them', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const res = await fetch(`${server.base}/vendor?protocol=soap`, { method: 'POST', body: '{}' });
  assert.equal(res.status, 400);
  assert.match(/** @type {any} */ (await res.json()).error, /openai, openai-responses, anthropic, ai-sdk, text/);
});
