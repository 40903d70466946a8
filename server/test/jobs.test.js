// @ts-check
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createScriptedStore } from '../scripted-store.js';
import { scriptFor } from '../answer-script.js';
import { decodeTexts, fakeTime } from './helpers.js';

/** @param {ReturnType<typeof fakeTime>} time @param {object} [options] */
function store(time, options = {}) {
  return createScriptedStore({
    chunkMs: 10,
    now: time.now,
    setTimer: time.setTimer,
    clearTimer: time.clearTimer,
    ...options,
  });
}

test('a job generates think, task_progress, text, finish with consecutive seqs, one per chunkMs', () => {
  const time = fakeTime();
  const jobs = store(time);
  const job = jobs.create({ messageId: 'm1', conversationId: 'c1', prompt: 'hello' });
  assert.equal(job.log.length, 0);
  time.advance(10);
  assert.equal(job.log.length, 1);
  /** @type {number[]} */
  const heard = [];
  const unsubscribe = job.subscribe((entry) => heard.push(entry.seq));
  time.advance(30);
  assert.deepEqual(heard, [2, 3, 4]);
  unsubscribe();
  time.advance(60_000);
  assert.equal(heard.length, 3);
  assert.ok(job.done && !job.stopped);
  assert.deepEqual(
    job.log.map((e) => e.seq),
    job.log.map((_, i) => i + 1),
  );
  const kinds = job.log.map(
    (e) => e.event ?? `${e.payload.mode}:${/** @type {any} */ (e.payload).data?.[0]?.type ?? ''}`,
  );
  const progress = kinds.indexOf('task_progress');
  assert.ok(kinds.slice(0, progress).every((k) => k === 'append:think') && progress > 10);
  assert.ok(kinds.slice(progress + 1, -1).every((k) => k === 'append:text'));
  assert.equal(kinds.at(-1), 'finish:');
  assert.equal(kinds.filter((k) => k === 'task_progress').length, 1);
  for (const entry of job.log) assert.equal(entry.data, JSON.stringify(entry.payload));
  const expected = scriptFor('hello');
  assert.deepEqual(decodeTexts(job.log), expected);
  assert.deepEqual({ think: job.think, answer: job.answer }, expected);
  assert.deepEqual(job.log.at(-1)?.payload, {
    mode: 'finish',
    message_id: 'm1',
    meta: { status: 'available', chars: expected.answer.length },
  });
  jobs.close();
});

test('finished jobs are dropped after retentionMs', () => {
  const time = fakeTime();
  const jobs = store(time, { retentionMs: 60_000 });
  const job = jobs.create({ messageId: 'm1' });
  while (!job.done) time.advance(10);
  assert.equal(job.finishedAt, time.now());
  time.advance(59_999);
  assert.equal(jobs.get('m1'), job);
  time.advance(1);
  assert.equal(jobs.get('m1'), undefined);
  assert.equal(jobs.size, 0);
  assert.equal(time.pending, 0);
});

test('at most maxJobs are kept: oldest finished first, then oldest running', () => {
  const time = fakeTime();
  const jobs = store(time, { maxJobs: 2 });
  const a = jobs.create({ messageId: 'a' });
  while (!a.done) time.advance(10);
  const b = jobs.create({ messageId: 'b' });
  const c = jobs.create({ messageId: 'c' });
  assert.deepEqual(jobs.list(), [b, c], 'the finished job goes first');
  time.advance(20);
  const d = jobs.create({ messageId: 'd' });
  assert.deepEqual(jobs.list(), [c, d]);
  assert.ok(b.stopped && b.done, 'an evicted running job is stopped');
  jobs.close();
  assert.equal(time.pending, 0);
});

test('stop cancels generation and appends a stopped finish; the texts become what was streamed', () => {
  const time = fakeTime();
  const jobs = store(time);
  const job = jobs.create({ messageId: 'm1', prompt: 'hello' });
  time.advance(10 * 100);
  assert.equal(job.log.length, 100);
  assert.equal(jobs.stop('m1'), true);
  assert.ok(job.done && job.stopped);
  assert.deepEqual(job.log.at(-1)?.payload, { mode: 'finish', message_id: 'm1', meta: { status: 'stopped' } });
  time.advance(10_000);
  assert.equal(job.log.length, 101, 'nothing after the stop');
  const streamed = decodeTexts(job.log);
  assert.deepEqual({ think: job.think, answer: job.answer }, streamed);
  const script = scriptFor('hello');
  assert.ok(script.think.startsWith(job.think) && script.answer.startsWith(job.answer), 'a prefix of the script');
  assert.equal(jobs.stop('m1'), true, 'stopping twice is fine');
  assert.equal(jobs.stop('nope'), false);
  jobs.close();
});

test('chunkMs 0 appends everything asynchronously in batches', async () => {
  const jobs = createScriptedStore({ chunkMs: 0 });
  const job = jobs.create({ messageId: 'm1', size: 20_000 });
  assert.equal(job.log.length, 0, 'nothing synchronously');
  let notified = 0;
  job.subscribe(() => notified++);
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(job.log.length > 0 && job.log.length <= 200, `first batch: ${job.log.length}`);
  while (!job.done) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(notified, job.log.length);
  assert.equal(decodeTexts(job.log).answer, scriptFor('', { size: 20_000 }).answer);
  jobs.close();
});

test('close() stops every job and timer', () => {
  const time = fakeTime();
  const jobs = store(time);
  const job = jobs.create({ messageId: 'm1' });
  jobs.close();
  assert.equal(time.pending, 0);
  time.advance(1000);
  assert.equal(job.log.length, 0);
  assert.throws(() => jobs.create({ messageId: 'm2' }));
});

test('a custom producer gets the request, appends through emit, and its final event finishes the job', async () => {
  const time = fakeTime();
  /** @type {import('../lib/memory-store.js').ProducerRun[]} */
  const runs = [];
  /** @type {import('../lib/memory-store.js').Producer} */
  const producer = async (run) => {
    runs.push(run);
    const { job, emit } = run;
    const append = (/** @type {string} */ type, /** @type {string} */ content) =>
      emit({ payload: { mode: 'append', message_id: job.messageId, data: [{ id: job.lastSeq + 1, type, content }] } });
    assert.equal(append('think', 'a\\b'), true, 'synchronously');
    await Promise.resolve();
    append('text', 'line\nnext');
    assert.equal(
      emit({ payload: { mode: 'finish', message_id: job.messageId, meta: { status: 'available' } }, final: true }),
      true,
    );
    assert.equal(append('text', 'late'), false, 'nothing after the final event');
  };
  const jobs = createScriptedStore({
    producer,
    retentionMs: 1000,
    now: time.now,
    setTimer: time.setTimer,
    clearTimer: time.clearTimer,
  });
  const messages = [{ role: 'user', content: 'q' }];
  const job = jobs.create({ messageId: 'p1', prompt: 'q', messages, chunkMs: 5, size: 10 });
  assert.equal(job.log.length, 1);
  assert.equal(runs[0]?.job, job);
  assert.equal(runs[0]?.messages, messages);
  assert.equal(runs[0]?.chunkMs, 5);
  assert.equal(runs[0]?.size, 10);
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(job.done && !job.stopped);
  assert.equal(job.log.length, 3);
  assert.deepEqual(
    { think: job.think, answer: job.answer },
    { think: 'a\\b', answer: 'line\nnext' },
    'texts from the log',
  );
  assert.equal(job.error, null);
  time.advance(1000);
  assert.equal(jobs.get('p1'), undefined, 'retention applies');
});

test("stop and close abort a producer's signal; it can emit nothing more", () => {
  /** @type {Map<string, import('../lib/memory-store.js').ProducerRun>} */
  const runs = new Map();
  const jobs = createScriptedStore({ producer: (run) => void runs.set(run.job.messageId, run) });
  const a = jobs.create({ messageId: 'a' });
  const b = jobs.create({ messageId: 'b' });
  const runA = /** @type {import('../lib/memory-store.js').ProducerRun} */ (runs.get('a'));
  runA.emit({ payload: { mode: 'append', message_id: 'a', data: [{ id: 1, type: 'text', content: 'hi' }] } });
  assert.equal(jobs.stop('a'), true);
  assert.equal(runA.signal.aborted, true);
  assert.equal(runA.emit({ payload: { mode: 'append', message_id: 'a', data: [] } }), false);
  assert.deepEqual(a.log.at(-1)?.payload, { mode: 'finish', message_id: 'a', meta: { status: 'stopped' } });
  assert.equal(a.answer, 'hi');
  assert.equal(runs.get('b')?.signal.aborted, false);
  jobs.close();
  assert.equal(runs.get('b')?.signal.aborted, true);
  assert.equal(b.log.length, 0);
});

test('a producer that throws or rejects ends its job with an error event', async (t) => {
  const logged = t.mock.method(console, 'error', () => {});
  const jobs = createScriptedStore({
    producer: ({ job }) => {
      if (job.messageId === 'sync') throw new Error('boom');
      return Promise.reject(new Error('later'));
    },
  });
  const sync = jobs.create({ messageId: 'sync' });
  const async_ = jobs.create({ messageId: 'async' });
  await new Promise((resolve) => setImmediate(resolve));
  for (const job of [sync, async_]) {
    assert.deepEqual(
      job.log.map((e) => e.payload),
      [{ mode: 'error', message_id: job.messageId, finish_reason: 'internal server error' }],
    );
    assert.ok(job.done);
    assert.equal(job.error, 'internal server error');
  }
  assert.equal(logged.mock.callCount(), 2);
  jobs.close();
});

test('an async producer that settles without finishing its answer ends it with an error, not pending forever', async (t) => {
  const logged = t.mock.method(console, 'error', () => {});
  const jobs = createScriptedStore({
    producer: async ({ job, emit }) => {
      emit({
        payload: { mode: 'append', message_id: job.messageId, data: [{ id: 1, type: 'text', content: 'partial' }] },
      });
    },
  });
  const job = jobs.create({ messageId: 'unfinished' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(job.done, 'not pending forever');
  assert.deepEqual(job.log.at(-1)?.payload, {
    mode: 'error',
    message_id: 'unfinished',
    finish_reason: 'internal server error',
  });
  assert.equal(job.answer, 'partial', 'what it produced stays');
  assert.match(String(logged.mock.calls[0]?.arguments.at(-1)), /ended without finishing/);
  jobs.close();
});
