// @ts-check
/**
 * Regenerate and edit-and-resend on the reference server (memory store): the chat request's
 * `regenerate` / `edit` name the answer the new one replaces; history shows the conversation
 * without the replaced answers, and a regenerated answer with its earlier versions; the
 * scripted answer of a regenerate is the script's next variant.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { scriptFor } from '../answer-script.js';
import { fakeTime, readBody, startServer } from './helpers.js';

/** Answers asked over HTTP use `chunk_ms=0` (no clock); those created directly run on a fake clock. */
const time = fakeTime();
/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
before(async () => {
  server = await startServer({ chunkMs: 10, now: time.now, setTimer: time.setTimer, clearTimer: time.clearTimer });
});
after(() => server.close());

/**
 * POSTs a chat request (`chunk_ms=0`) and reads the whole answer.
 * @param {Record<string, unknown>} fields  the body, with `prompt` as the messages
 * @param {Record<string, string>} [headers]
 */
async function ask({ prompt = 'hello', ...fields }, headers = {}) {
  const res = await fetch(`${server.base}/chat?chunk_ms=0`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ ...fields, messages: [{ role: 'user', content: prompt }] }),
  });
  const { text } = await readBody(res);
  return { status: res.status, text };
}

/**
 * `GET /history` of a conversation.
 * @param {string} conversationId
 * @returns {Promise<any[]>}
 */
async function history(conversationId) {
  const res = await fetch(`${server.base}/history?conversation_id=${encodeURIComponent(conversationId)}`);
  assert.equal(res.status, 200);
  return /** @type {any} */ (await res.json()).messages;
}

/** @param {string} messageId */
const job = (messageId) => /** @type {import('../lib/memory-store.js').Job} */ (server.api.jobs.get(messageId));

test('a regenerate replaces the answer in history and carries the earlier versions, oldest first; its script is the next variant', async () => {
  const prompt = 'tell me';
  const conversation_id = 'conv-r';
  await ask({ conversation_id, message_id: 'r-0', prompt: 'hello' });
  await ask({ conversation_id, message_id: 'r-1', prompt });
  await ask({ conversation_id, message_id: 'r-2', prompt, regenerate: 'r-1' });

  const [first, second] = [scriptFor(prompt), scriptFor(prompt, { version: 1 })];
  assert.notEqual(second.answer, first.answer, 'the regenerated answer differs');
  assert.notEqual(second.think, first.think);
  assert.deepEqual({ think: job('r-1').think, answer: job('r-1').answer }, first);
  assert.deepEqual({ think: job('r-2').think, answer: job('r-2').answer }, second);
  assert.deepEqual([job('r-2').regenerates, job('r-2').edits, job('r-2').version], ['r-1', null, 1]);

  assert.deepEqual(await history(conversation_id), [
    { id: 'r-0:q', author: 'user', think: '', answer: 'hello', status: 'available', offset: 0 },
    { id: 'r-0', author: 'assistant', ...scriptFor('hello'), status: 'available', offset: job('r-0').lastSeq },
    { id: 'r-2:q', author: 'user', think: '', answer: prompt, status: 'available', offset: 0 },
    {
      id: 'r-2',
      author: 'assistant',
      ...second,
      status: 'available',
      offset: job('r-2').lastSeq,
      versions: [{ id: 'r-1', ...first }],
    },
  ]);

  // A second regenerate: two earlier versions, oldest first, and the variant after.
  await ask({ conversation_id, message_id: 'r-3', prompt, regenerate: 'r-2' });
  const third = scriptFor(prompt, { version: 2 });
  assert.notEqual(third.answer, second.answer);
  assert.equal(job('r-3').version, 2);
  const messages = await history(conversation_id);
  assert.deepEqual(
    messages.map((m) => m.id),
    ['r-0:q', 'r-0', 'r-3:q', 'r-3'],
  );
  assert.deepEqual({ think: messages[3].think, answer: messages[3].answer }, third);
  assert.deepEqual(messages[3].versions, [
    { id: 'r-1', ...first },
    { id: 'r-2', ...second },
  ]);
  assert.equal(messages[1].versions, undefined, 'a first answer has no versions');
});

test('the script of version 0 is unchanged, and consecutive versions always differ', () => {
  for (const prompt of ['', 'hello', 'tell me', 'render markdown', '你好']) {
    assert.deepEqual(scriptFor(prompt, { version: 0 }), scriptFor(prompt));
    for (let version = 0; version < 4; version++) {
      assert.notEqual(scriptFor(prompt, { version: version + 1 }).answer, scriptFor(prompt, { version }).answer);
    }
  }
});

test('an edit drops the edited question and its answer; the new pair starts a new chain', async () => {
  const conversation_id = 'conv-e';
  await ask({ conversation_id, message_id: 'e-1', prompt: 'hello' });
  await ask({ conversation_id, message_id: 'e-2', prompt: 'tell me', edit: 'e-1' });
  assert.deepEqual([job('e-2').regenerates, job('e-2').edits, job('e-2').version], [null, 'e-1', 0]);
  assert.deepEqual(await history(conversation_id), [
    { id: 'e-2:q', author: 'user', think: '', answer: 'tell me', status: 'available', offset: 0 },
    { id: 'e-2', author: 'assistant', ...scriptFor('tell me'), status: 'available', offset: job('e-2').lastSeq },
  ]);
  // A regenerate of the edited answer has only it as an earlier version.
  await ask({ conversation_id, message_id: 'e-3', prompt: 'tell me', regenerate: 'e-2' });
  const messages = await history(conversation_id);
  assert.deepEqual(
    messages.map((m) => m.id),
    ['e-3:q', 'e-3'],
  );
  assert.deepEqual(messages[1].versions, [{ id: 'e-2', ...scriptFor('tell me') }]);
});

test('an unknown answer, or one of another conversation, is ignored', async () => {
  await ask({ conversation_id: 'conv-f1', message_id: 'f-1', prompt: 'hello' });
  const before = await history('conv-f1');
  const unknown = await ask({
    conversation_id: 'conv-f2',
    message_id: 'f-2',
    regenerate: 'never-seen',
    edit: 'nor-this',
  });
  assert.equal(unknown.status, 200);
  const foreign = await ask({ conversation_id: 'conv-f2', message_id: 'f-3', regenerate: 'f-1', edit: 'f-1' });
  assert.equal(foreign.status, 200);
  for (const id of ['f-2', 'f-3']) {
    assert.deepEqual([job(id).regenerates, job(id).edits, job(id).version], [null, null, 0]);
    assert.deepEqual({ think: job(id).think, answer: job(id).answer }, scriptFor('hello'));
  }
  assert.deepEqual(await history('conv-f1'), before);
  assert.deepEqual(
    (await history('conv-f2')).map((m) => [m.id, m.versions]),
    [
      ['f-2:q', undefined],
      ['f-2', undefined],
      ['f-3:q', undefined],
      ['f-3', undefined],
    ],
  );
});

test('an invalid regenerate or edit is 400 in words, in the body or the query', async () => {
  for (const [field, value] of /** @type {Array<[string, unknown]>} */ ([
    ['regenerate', true],
    ['regenerate', { id: 'x' }],
    ['edit', ['x']],
    ['edit', 'x'.repeat(257)],
  ])) {
    const res = await fetch(`${server.base}/chat?chunk_ms=0`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversation_id: 'conv-i', message_id: `i-${field}`, [field]: value }),
    });
    assert.equal(res.status, 400, `${field}: ${JSON.stringify(value)}`);
    assert.match(/** @type {any} */ (await res.json()).error, new RegExp(`^${field} must be a string`));
  }
  const res = await fetch(`${server.base}/chat?message_id=i-q&regenerate=${'x'.repeat(300)}`);
  assert.equal(res.status, 400);
  assert.equal(server.api.jobs.get('i-q'), undefined, 'nothing was started');
});

test('a GET request carries them in its query', async () => {
  await ask({ conversation_id: 'conv-g', message_id: 'g-1', prompt: 'hello' });
  const query = new URLSearchParams({
    conversation_id: 'conv-g',
    message_id: 'g-2',
    regenerate: 'g-1',
    chunk_ms: '0',
    messages: JSON.stringify([{ role: 'user', content: 'hello' }]),
  });
  const res = await fetch(`${server.base}/chat?${query}`);
  assert.equal(res.status, 200);
  await readBody(res);
  assert.equal(job('g-2').regenerates, 'g-1');
  assert.deepEqual({ think: job('g-2').think, answer: job('g-2').answer }, scriptFor('hello', { version: 1 }));
  assert.deepEqual(
    (await history('conv-g')).map((m) => m.id),
    ['g-2:q', 'g-2'],
  );
});

test('a resume or an attach to an existing answer ignores them', async () => {
  const conversation_id = 'conv-s';
  await ask({ conversation_id, message_id: 's-1', prompt: 'hello' });
  await ask({ conversation_id, message_id: 's-2', prompt: 'tell me' });
  const before = await history(conversation_id);
  const resumed = await ask({ conversation_id, message_id: 's-2', regenerate: 's-1' }, { 'last-event-id': '5' });
  assert.equal(resumed.status, 200);
  const attached = await ask({ conversation_id, message_id: 's-2', edit: 's-1' });
  assert.equal(attached.status, 200);
  const unknown = await ask({ conversation_id, message_id: 's-9', regenerate: 's-1' }, { 'last-event-id': '5' });
  assert.equal(unknown.status, 404, 'a resume of an unknown answer starts nothing');
  assert.equal(server.api.jobs.get('s-9'), undefined);
  assert.deepEqual([job('s-2').regenerates, job('s-2').edits, job('s-2').generations], [null, null, 1]);
  assert.deepEqual(await history(conversation_id), before);
});

/**
 * Whether `texts` so far are a start of the full scripted `script`: the think text a prefix of
 * its think, and the answer text (if any yet) a prefix of its answer with the think complete.
 * @param {{think: string, answer: string}} texts
 * @param {{think: string, answer: string}} script
 */
function startOf(texts, script) {
  return (
    script.think.startsWith(texts.think) &&
    script.answer.startsWith(texts.answer) &&
    (texts.answer === '' || texts.think === script.think)
  );
}

test('an earlier version that was stopped is marked stopped, with its text so far; a running one is stopped by the regenerate', async () => {
  const conversation_id = 'conv-p';
  server.api.jobs.create({ messageId: 'p-1', conversationId: conversation_id, prompt: 'hello' });
  time.advance(10 * 200);
  assert.ok(server.api.jobs.stop('p-1'));
  // p-2 regenerates p-1 (created directly: the store stores what it is given), and is still
  // running when p-3 regenerates it: the regenerate stops it.
  const pending = server.api.jobs.create({
    messageId: 'p-2',
    conversationId: conversation_id,
    prompt: 'hello',
    regenerates: 'p-1',
    version: 1,
  });
  time.advance(10 * 30);
  assert.equal(pending.done, false);
  await ask({ conversation_id, message_id: 'p-3', prompt: 'hello', regenerate: 'p-2' });
  assert.deepEqual([pending.done, pending.stopped], [true, true], 'the replaced answer is stopped');
  const messages = await history(conversation_id);
  assert.deepEqual(
    messages.map((m) => m.id),
    ['p-3:q', 'p-3'],
  );
  const versions = messages[1].versions;
  assert.deepEqual(
    versions.map((/** @type {any} */ v) => [v.id, v.stopped]),
    [
      ['p-1', true],
      ['p-2', true],
    ],
  );
  // Checked against the script, not against the fields history reads.
  assert.ok(versions[0].answer.length > 0, 'p-1 got into its answer before it was stopped');
  assert.ok(startOf(versions[0], scriptFor('hello')), 'p-1: a start of its script');
  assert.ok(versions[0].answer.length < scriptFor('hello').answer.length, 'p-1 was cut short');
  assert.ok(versions[1].think.length > 0);
  assert.ok(startOf(versions[1], scriptFor('hello', { version: 1 })), 'p-2: a start of its script');
  assert.deepEqual({ think: job('p-3').think, answer: job('p-3').answer }, scriptFor('hello', { version: 2 }));
});

test('a regenerate or an edit of a running answer stops it: its producer ends, its stream ends stopped', async () => {
  for (const [old, field, next] of [
    ['run-1', 'regenerate', 'run-2'],
    ['run-3', 'edit', 'run-4'],
  ]) {
    const conversation_id = `conv-${old}`;
    // A slow answer (chunk_ms=10, on the fake clock), still running.
    const res = await fetch(`${server.base}/chat?chunk_ms=10`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ conversation_id, message_id: old, messages: [{ role: 'user', content: 'hello' }] }),
    });
    assert.equal(res.status, 200);
    time.advance(10 * 20);
    assert.equal(job(old).done, false);
    assert.ok(job(old).lastSeq > 0);

    const replaced = await ask({ conversation_id, message_id: next, prompt: 'hello', [field]: old });
    assert.equal(replaced.status, 200);
    const debug = await server.debug(old);
    assert.deepEqual([debug.done, debug.stopped], [true, true], `${field}: the old answer is stopped`);
    const { text } = await readBody(res);
    assert.match(text, /"status":"stopped"/, `${field}: its stream ends with the stopped finish`);
    const lastSeq = job(old).lastSeq;
    time.advance(10 * 100);
    assert.equal(job(old).lastSeq, lastSeq, `${field}: its producer emits nothing more`);

    const messages = await history(conversation_id);
    assert.deepEqual(
      messages.map((m) => m.id),
      [`${next}:q`, next],
    );
    if (field === 'edit') {
      assert.equal(messages[1].versions, undefined, 'an edit starts a new chain');
      continue;
    }
    // The regenerated answer is an earlier version, stopped, with its text so far.
    const [version] = messages[1].versions;
    assert.deepEqual([messages[1].versions.length, version.id, version.stopped], [1, old, true]);
    assert.ok(version.think.length > 0);
    assert.ok(startOf(version, scriptFor('hello')), 'a start of its script');
  }
});
