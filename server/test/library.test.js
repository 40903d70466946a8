// @ts-check
/**
 * The server library's producer contract and its Fetch front door, called without a server:
 * chunks become numbered agent events, a throw ends the answer with an error event, and
 * `request.signal` ending releases the stream.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createChatHandler } from '../lib/index.js';
import { decodeTexts, parseSse, waitFor } from './helpers.js';

/**
 * POSTs a chat request to a handler's Fetch door.
 * @param {ReturnType<typeof createChatHandler>} chat
 * @param {string} messageId
 * @param {AbortSignal} [signal]
 */
function post(chat, messageId, signal) {
  return chat.fetch(
    new Request('http://localhost/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        conversation_id: 'c',
        message_id: messageId,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      signal,
    }),
  );
}

test('chunks become numbered agent events; a named event passes through; the end is finish', async () => {
  const chat = createChatHandler({
    async *answer({ prompt }) {
      yield { think: 'hmm' };
      yield { event: 'task_progress', data: { step: 'drafting' } };
      yield { text: '' };
      yield { text: `re: ${prompt}` };
    },
  });
  try {
    const res = await post(chat, 'a-1');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const { events } = parseSse(await res.text());
    assert.deepEqual(
      events.map((e) => [e.id, e.event]),
      [
        ['1', null],
        ['2', 'task_progress'],
        ['3', null],
        ['4', null],
      ],
    );
    assert.deepEqual(decodeTexts(events), { think: 'hmm', answer: 're: hi' });
    assert.deepEqual(JSON.parse(events[1].data ?? ''), { step: 'drafting' });
    assert.equal(JSON.parse(events[3].data ?? '').mode, 'finish');
    const resume = await chat.fetch(new Request('http://localhost/api/chat?message_id=a-1&offset=4'));
    assert.equal(resume.status, 204);
  } finally {
    chat.close();
  }
});

test('an answer given as a promise of its text is one text event', async () => {
  const chat = createChatHandler({ answer: async () => 'all at once' });
  try {
    const { events } = parseSse(await (await post(chat, 'b-1')).text());
    assert.deepEqual(decodeTexts(events), { think: '', answer: 'all at once' });
  } finally {
    chat.close();
  }
});

test('a producer that throws ends the answer with an error event; the text so far stays', async () => {
  const chat = createChatHandler({
    async *answer() {
      yield { text: 'partial' };
      throw new Error('upstream down');
    },
  });
  const log = console.error;
  console.error = () => {};
  try {
    const { events } = parseSse(await (await post(chat, 'c-1')).text());
    assert.deepEqual(decodeTexts(events), { think: '', answer: 'partial' });
    assert.equal(JSON.parse(events.at(-1)?.data ?? '').mode, 'error');
  } finally {
    console.error = log;
    chat.close();
  }
});

test('the Fetch door: a request whose signal aborts releases its stream; the answer goes on; stop aborts the producer', async () => {
  /** @type {AbortSignal | null} */
  let producerSignal = null;
  const chat = createChatHandler({
    async *answer({ signal }) {
      producerSignal = signal;
      for (let i = 0; ; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        yield { text: `${i} ` };
      }
    },
  });
  try {
    const controller = new AbortController();
    const res = await post(chat, 'd-1', controller.signal);
    const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader();
    await reader.read();
    const answer = /** @type {import('../lib/index.js').Answer} */ (chat.store.get('d-1'));
    assert.equal(answer.connections[0].open, true);
    controller.abort();
    await waitFor(() => !answer.connections[0].open);
    const seq = answer.lastSeq;
    await waitFor(() => answer.lastSeq > seq + 2);
    const stop = await chat.fetch(
      new Request('http://localhost/api/stop', { method: 'POST', body: JSON.stringify({ message_id: 'd-1' }) }),
    );
    assert.equal(stop.status, 204);
    assert.equal(/** @type {AbortSignal | null} */ (producerSignal)?.aborted, true);
    assert.equal(answer.stopped, true);
  } finally {
    chat.close();
  }
});

test('the producer is told which answer a regenerate replaces (only a known one of the same conversation)', async () => {
  /** @type {Array<Record<string, unknown>>} */
  const inputs = [];
  const chat = createChatHandler({
    answer: ({ prompt, messageId, conversationId, ...input }) => {
      inputs.push({
        prompt,
        messageId,
        conversationId,
        ...('regenerate' in input ? { regenerate: input.regenerate } : {}),
      });
      return 'ok';
    },
  });
  /** @param {Record<string, unknown>} fields */
  const ask = async (fields) => {
    const res = await chat.fetch(
      new Request('http://localhost/api/chat', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ conversation_id: 'c', messages: [{ role: 'user', content: 'hi' }], ...fields }),
      }),
    );
    assert.equal(res.status, 200);
    await res.text();
  };
  try {
    await ask({ message_id: 'r-1' });
    await ask({ message_id: 'r-2', regenerate: 'r-1' });
    await ask({ message_id: 'r-3', edit: 'r-2' });
    await ask({ message_id: 'r-4', regenerate: 'unknown' });
    await ask({ message_id: 'r-5', regenerate: 'r-1', conversation_id: 'other' });
    const base = { prompt: 'hi', conversationId: 'c' };
    assert.deepEqual(inputs, [
      { ...base, messageId: 'r-1' },
      { ...base, messageId: 'r-2', regenerate: 'r-1' },
      { ...base, messageId: 'r-3' },
      { ...base, messageId: 'r-4' },
      { ...base, messageId: 'r-5', conversationId: 'other' },
    ]);
  } finally {
    chat.close();
  }
});

test('the Fetch door answers 404 outside its routes, and 405 for a wrong method', async () => {
  const chat = createChatHandler({ answer: () => 'x' });
  try {
    assert.equal((await chat.fetch(new Request('http://localhost/elsewhere'))).status, 404);
    const wrong = await chat.fetch(new Request('http://localhost/api/stop'));
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'POST, OPTIONS');
  } finally {
    chat.close();
  }
});
