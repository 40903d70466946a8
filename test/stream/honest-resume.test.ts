/**
 * Streams from servers we did not write: no ids to resume from, statuses other than 200,
 * servers that start over when asked to resume, and a browser that goes offline. Each
 * stream is a byte-exact fixture replayed by the reference server (`/api/fixture`).
 */
import { expect } from '@open-wc/testing';
import { StreamController, type StatusDetail } from '../../src/stream-controller.js';
import { registerFixture } from '../helpers/fixture.js';
import { FAST, until } from '../helpers/stream.js';

/** One Chat Completions chunk, as OpenAI-compatible servers send it (no `id:` line). */
function chunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
  const body = {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

const WORDS = ['Alpha ', 'beta ', 'gamma ', 'delta ', 'epsilon ', 'zeta.'];
const GENERATION = WORDS.join('');
const openAiStream = (words = WORDS) => [
  chunk({ role: 'assistant', content: '' }),
  ...words.map((w) => chunk({ content: w })),
  chunk({}, 'stop'),
  'data: [DONE]\n\n',
];

/** The byte length of the first `n` pieces, plus `into` bytes of the next one. */
const cutAfter = (pieces: string[], n: number, into = 0) => pieces.slice(0, n).join('').length + into;

function controllerFor(url: string, options: Partial<ConstructorParameters<typeof StreamController>[1]> = {}) {
  const statuses: StatusDetail[] = [];
  const controller = new StreamController(undefined, {
    ...FAST,
    endpoint: url,
    ...options,
    onStatus: (detail) => statuses.push(detail),
  });
  return { controller, statuses };
}

describe('StreamController: streams that cannot be resumed', () => {
  it('asks an id-less OpenAI stream again after a cut and shows exactly one generation', async () => {
    const pieces = openAiStream();
    const body = pieces.join('');
    const fixture = await registerFixture([{ body, cut: cutAfter(pieces, 5, 9) }, { body }]);
    const { controller, statuses } = controllerFor(fixture.url, { protocol: 'openai' });
    const end = await controller.start({ messages: [{ role: 'user', content: 'q' }] });
    expect(end.status, end.error?.message).to.equal('done');
    expect(end.answer).to.equal(GENERATION); // not "Alpha beta gamma delta Alpha beta …"
    expect(controller.stats).to.include({ attempts: 2, restarts: 1 });
    const reconnecting = statuses.find((s) => s.status === 'reconnecting');
    expect(reconnecting).to.include({ restart: true, attempt: 1 });
    expect(statuses.some((s) => s.status === 'streaming' && s.restart)).to.equal(true);
    const [first, second] = await fixture.requests();
    // Nothing to resume from: no offset, no last-event-id; the same question again.
    expect(second!.query.offset).to.equal(undefined);
    expect(second!.headers['last-event-id']).to.equal(null);
    expect(second!.body).to.deep.equal(first!.body);
  });

  it('replaces the partial answer only when the new response brings its first event', async () => {
    const pieces = openAiStream();
    const body = pieces.join('');
    const fixture = await registerFixture([
      { body, cut: cutAfter(pieces, 4) },
      { body, hang: true },
    ]);
    const { controller } = controllerFor(fixture.url, { protocol: 'openai', connectTimeout: 300, maxRetries: 1 });
    const end = await controller.start({});
    // The restart never got an answer: what was shown stays shown.
    expect(end.status).to.equal('error');
    expect(end.answer).to.equal('Alpha beta gamma ');
    expect(controller.stats.restarts).to.equal(0);
  });

  for (const [where, pieces] of [
    ['think block', 1],
    ['answer', 3],
  ] as const) {
    it(`restarts an id-less text stream cut inside the ${where}: think and answer once each`, async () => {
      const stream = [
        'data: <think>Let me\n\n',
        'data:  think.</think>\n\n',
        'data: The answer\n\n',
        'data:  is 42.\n\n',
        'event: done\ndata:\n\n',
      ];
      const body = stream.join('');
      const fixture = await registerFixture([{ body, cut: cutAfter(stream, pieces, 8) }, { body }]);
      const { controller } = controllerFor(fixture.url, { protocol: 'text' });
      const end = await controller.start({});
      expect(end.status, end.error?.message).to.equal('done');
      expect(end.think).to.equal('Let me think.');
      expect(end.answer).to.equal('The answer is 42.');
      expect(controller.stats.restarts).to.equal(1);
    });
  }

  it('routes <think> in OpenAI content to the think block, through a restart', async () => {
    const pieces = openAiStream(['<think>', 'Short', ' thought.', '</think>', '\n\nThe ', 'answer.']);
    const body = pieces.join('');
    const fixture = await registerFixture([{ body, cut: cutAfter(pieces, 3, 20) }, { body }]);
    const { controller } = controllerFor(fixture.url, { protocol: 'openai' });
    const end = await controller.start({});
    expect(end.status, end.error?.message).to.equal('done');
    expect(end.think).to.equal('Short thought.');
    expect(end.answer.trim()).to.equal('The answer.');
  });

  it('bounds restarts by max-retries, and the text is never duplicated', async () => {
    const pieces = openAiStream();
    const fixture = await registerFixture([{ body: pieces.join(''), cut: cutAfter(pieces, 3) }]);
    const { controller } = controllerFor(fixture.url, { protocol: 'openai', maxRetries: 3 });
    const end = await controller.start({});
    expect(end.status).to.equal('error');
    expect(end.error?.type).to.equal('retries-exhausted');
    expect(end.answer).to.equal('Alpha beta ');
    expect(await fixture.requests()).to.have.length(4);
    expect(controller.stats.restarts).to.equal(3);
  });

  it('ends an id-less OpenAI stream done when it breaks after the finish reason, before [DONE]', async () => {
    const pieces = openAiStream();
    const fixture = await registerFixture([{ body: pieces.join(''), cut: cutAfter(pieces, pieces.length - 1, 3) }]);
    const { controller } = controllerFor(fixture.url, { protocol: 'openai' });
    const end = await controller.start({});
    expect(end.status, end.error?.message).to.equal('done');
    expect(end.answer).to.equal(GENERATION);
    expect(await fixture.requests()).to.have.length(1);
  });

  it('takes a clean close of an id-less text stream without an end marker as the end', async () => {
    const fixture = await registerFixture([{ body: 'data: Just\n\ndata:  text.\n\n' }]);
    const { controller } = controllerFor(fixture.url, { protocol: 'text' });
    const end = await controller.start({});
    expect(end.status).to.equal('done');
    expect(end.answer).to.equal('Just text.');
    expect(await fixture.requests()).to.have.length(1);
  });

  it('takes a clean close of a text stream with ids as a cut, resumed with Last-Event-ID', async () => {
    const fixture = await registerFixture([
      { body: 'id: 1\ndata: one\n\nid: 2\ndata: , two\n\n' },
      { body: 'id: 3\ndata: , three\n\nevent: done\ndata:\n\n' },
    ]);
    const { controller } = controllerFor(fixture.url, { protocol: 'text' });
    const end = await controller.start({});
    expect(end.status).to.equal('done');
    expect(end.answer).to.equal('one, two, three');
    const [, resume] = await fixture.requests();
    expect(resume!.headers['last-event-id']).to.equal('2');
    expect(resume!.query.offset).to.equal('2');
  });

  it('ends in error when a server answers every resume by starting over', async () => {
    const fixture = await registerFixture([
      { body: 'id: 1\ndata: one\n\nid: 2\ndata: , two\n\n' },
      { body: 'id: 1\ndata: one\n\n' }, // "resumed" from the start, then closes
    ]);
    const { controller } = controllerFor(fixture.url, { protocol: 'text', maxRetries: 2 });
    const end = await controller.start({});
    expect(end.status).to.equal('error');
    expect(end.error?.message).to.equal('gave up after 2 retries: the server restarted the answer instead of resuming');
    expect(end.answer).to.equal('one, two');
    expect(await fixture.requests()).to.have.length(3);
  });
});

describe('StreamController: only 200 is a stream', () => {
  for (const status of [202, 299]) {
    it(`ends in error on ${status} with an event-stream body, after one request`, async () => {
      const fixture = await registerFixture([{ status, body: 'data: again\n\n' }]);
      const { controller } = controllerFor(fixture.url, { protocol: 'text' });
      const end = await controller.start({});
      expect(end.status).to.equal('error');
      expect(end.error).to.include({ type: 'http', status, retryable: false });
      expect(end.error!.message).to.match(new RegExp(`^HTTP ${status}\\b.*200`));
      expect(end.answer).to.equal('');
      expect(await fixture.requests()).to.have.length(1);
    });
  }

  it('ends in error on 204 to a new question (there is no answer), after one request', async () => {
    const fixture = await registerFixture([{ status: 204, body: '' }]);
    const { controller } = controllerFor(fixture.url);
    const end = await controller.start({});
    expect(end.status).to.equal('error');
    expect(end.error).to.include({ type: 'http', status: 204 });
    expect(await fixture.requests()).to.have.length(1);
  });
});

describe('StreamController: offline', () => {
  let online = true;
  before(() => {
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online });
  });
  after(() => {
    delete (navigator as { onLine?: boolean }).onLine;
  });
  afterEach(() => {
    online = true;
  });

  it('waits for the network without spending retries, then resumes at once', async () => {
    const fixture = await registerFixture([
      { body: 'id: 1\ndata: one\n\nid: 2\ndata: , two\n\n', cut: 36 },
      { body: 'id: 3\ndata: , three\n\nevent: done\ndata:\n\n' },
    ]);
    // No retry at all: the answer can only end well if waiting offline spends none.
    const { controller, statuses } = controllerFor(fixture.url, { protocol: 'text', maxRetries: 0 });
    online = false;
    const result = controller.start({});
    await until(() => statuses.some((s) => s.offline), 5000, 'the offline status');
    const offline = statuses.find((s) => s.offline)!;
    expect(offline.status).to.equal('reconnecting');
    expect(offline.attempt).to.equal(undefined);
    expect(controller.status).to.equal('reconnecting');
    expect(await fixture.requests()).to.have.length(1);
    online = true;
    window.dispatchEvent(new Event('online'));
    const end = await result;
    expect(end.status, end.error?.message).to.equal('done');
    expect(end.answer).to.equal('one, two, three');
    const [, resume] = await fixture.requests();
    expect(resume!.query.offset).to.equal('2');
  });

  it('never touches a stream that is still receiving bytes', async () => {
    const fixture = await registerFixture([
      { body: 'data: a\n\ndata: b\n\ndata: c\n\nevent: done\ndata:\n\n', split: [10, 20] },
    ]);
    const { controller } = controllerFor(fixture.url, { protocol: 'text' });
    online = false;
    const result = controller.start({});
    window.dispatchEvent(new Event('offline'));
    const end = await result;
    expect(end.status).to.equal('done');
    expect(end.answer).to.equal('abc');
    expect(await fixture.requests()).to.have.length(1);
  });
});

describe('StreamController: what a restart must never do', () => {
  it('resumes an id-less reasoning stream that ended early from its start, not after its think text', async () => {
    const pieces = [
      chunk({ reasoning_content: 'R1 ' }),
      chunk({ reasoning_content: 'R2 ' }),
      ...openAiStream(['Answer.']),
    ];
    const body = pieces.join('');
    const fixture = await registerFixture([{ body, cut: cutAfter(pieces, 2) }, { body }]);
    const first = controllerFor(fixture.url, { protocol: 'openai', maxRetries: 0 }).controller;
    const failed = await first.start({});
    expect(failed.status).to.equal('error');
    expect(failed.think).to.equal('R1 R2 ');
    // No sequence number says where "R1 R2 " ends: the only safe point is the start.
    expect(failed.resumePoint).to.deep.equal({ offset: 0, think: '', answer: '' });
    const second = controllerFor(fixture.url, { protocol: 'openai' }).controller;
    const end = await second.resume({ messageId: failed.messageId, ...failed.resumePoint });
    expect(end.status, end.error?.message).to.equal('done');
    expect(end.think).to.equal('R1 R2 ');
    expect(end.answer).to.equal('Answer.');
  });

  it('replaces the text when an id-less stream falls back to polling', async () => {
    const pieces = openAiStream();
    const body = pieces.join('');
    const events = pieces.map((piece) => ({ id: null, data: piece.slice('data: '.length, -2) }));
    const pollFixture = await registerFixture([
      { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events, done: true }) },
    ]);
    const fixture = await registerFixture([
      { body, cut: cutAfter(pieces, 3) },
      { status: 503, body: '' },
      { status: 503, body: '' },
    ]);
    const { controller } = controllerFor(fixture.url, { protocol: 'openai', pollEndpoint: pollFixture.url });
    const end = await controller.start({});
    expect(end.status, end.error?.message).to.equal('done');
    expect(controller.transport).to.equal('poll');
    expect(end.answer).to.equal(GENERATION);
  });

  it('replaces the text once when polling takes over, not again at every poll', async () => {
    const pieces = openAiStream();
    const json = (from: number, to: number, done: boolean) =>
      JSON.stringify({
        events: pieces
          .slice(from, to)
          .map((piece, i) => ({ id: from + i + 1, data: piece.slice('data: '.length, -2) })),
        done,
      });
    const asJson = { 'content-type': 'application/json' };
    const pollFixture = await registerFixture([
      { headers: asJson, body: json(0, 4, false) },
      { headers: asJson, body: json(4, pieces.length, true) },
    ]);
    const fixture = await registerFixture([
      { body: pieces.join(''), cut: cutAfter(pieces, 3) },
      { status: 503, body: '' },
      { status: 503, body: '' },
    ]);
    const { controller } = controllerFor(fixture.url, { protocol: 'openai', pollEndpoint: pollFixture.url });
    const end = await controller.start({});
    expect(end.status, end.error?.message).to.equal('done');
    expect(end.answer).to.equal(GENERATION);
    expect(controller.stats.restarts).to.equal(1);
    expect((await pollFixture.requests()).map((r) => r.query.offset)).to.deep.equal(['0', '4']);
  });

  it('does not take a restart that closes before any event for the end of a text answer', async () => {
    const body = 'data: Hello\n\ndata:  world.\n\n';
    const fixture = await registerFixture([{ body, cut: 14 }, { body: '' }, { body }]);
    const { controller } = controllerFor(fixture.url, { protocol: 'text' });
    const end = await controller.start({});
    expect(end.status).to.equal('done');
    expect(end.answer).to.equal('Hello world.');
    expect(await fixture.requests()).to.have.length(3);
  });

  it('keeps a resume() from offset 0 a resume after a failure: a 204 then means complete', async () => {
    const fixture = await registerFixture([
      { status: 503, body: '' },
      { status: 204, body: '' },
    ]);
    const { controller } = controllerFor(fixture.url, { protocol: 'text' });
    const end = await controller.resume({ messageId: 'm-pending', offset: 0 });
    expect(end.status, end.error?.message).to.equal('done');
    const requests = await fixture.requests();
    expect(requests.map((r) => [r.query.offset, r.headers['last-event-id']])).to.deep.equal([
      ['0', '0'],
      ['0', '0'],
    ]);
  });

  it('leaves the text shown when the restarted response starts with an error', async () => {
    const pieces = openAiStream();
    const fixture = await registerFixture([
      { body: pieces.join(''), cut: cutAfter(pieces, 3) },
      { body: 'data: {"error":{"message":"overloaded"}}\n\n' },
    ]);
    const { controller } = controllerFor(fixture.url, { protocol: 'openai' });
    const end = await controller.start({});
    expect(end.status).to.equal('error');
    expect(end.error?.message).to.equal('overloaded');
    expect(end.answer).to.equal('Alpha beta ');
    expect(controller.stats.restarts).to.equal(0);
  });

  it('stays stopped when a callback stops the answer in the middle of a poll batch', async () => {
    const events = ['one', 'two', 'three'].map((word, i) => ({ id: i + 1, data: word }));
    const pollFixture = await registerFixture([
      { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events, done: true }) },
    ]);
    const fixture = await registerFixture([{ headers: { 'content-type': 'text/html' }, body: '<p>proxy</p>' }]);
    const changes: string[] = [];
    const { controller, statuses } = controllerFor(fixture.url, { protocol: 'text', pollEndpoint: pollFixture.url });
    controller.callbacks.onChange = (change) => {
      changes.push(change.text);
      controller.stop();
    };
    const end = await controller.start({});
    expect(end.status).to.equal('stopped');
    expect(changes).to.deep.equal(['one']);
    expect(statuses.at(-1)!.status).to.equal('stopped');
    expect(controller.status).to.equal('stopped');
  });
});

describe('StreamController: offline, released', () => {
  it('leaves no online listener behind when the answer is stopped while waiting for the network', async () => {
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    let listeners = 0;
    const add = window.addEventListener;
    const remove = window.removeEventListener;
    window.addEventListener = function (this: Window, type: string, ...rest: unknown[]) {
      if (type === 'online') listeners++;
      return (add as (...args: unknown[]) => void).call(this, type, ...rest);
    } as typeof window.addEventListener;
    window.removeEventListener = function (this: Window, type: string, ...rest: unknown[]) {
      if (type === 'online') listeners--;
      return (remove as (...args: unknown[]) => void).call(this, type, ...rest);
    } as typeof window.removeEventListener;
    try {
      const fixture = await registerFixture([{ body: 'id: 1\ndata: a\n\n', cut: 15 }]);
      const { controller } = controllerFor(fixture.url, { protocol: 'text' });
      controller.callbacks.onStatus = (detail) => {
        if (detail.offline) controller.stop();
      };
      const end = await controller.start({});
      expect(end.status).to.equal('stopped');
      expect(listeners).to.equal(0);
    } finally {
      window.addEventListener = add;
      window.removeEventListener = remove;
      delete (navigator as { onLine?: boolean }).onLine;
    }
  });
});

describe('StreamController: a browser wrongly saying it is offline', () => {
  it('tries again after retry-max-delay without the online event, spending no retry', async () => {
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    try {
      const fixture = await registerFixture([
        { body: 'id: 1\ndata: one\n\n', cut: 17 },
        { body: 'id: 2\ndata: , two\n\nevent: done\ndata:\n\n' },
      ]);
      const { controller, statuses } = controllerFor(fixture.url, { protocol: 'text', maxRetries: 0 });
      const end = await controller.start({});
      expect(end.status, end.error?.message).to.equal('done');
      expect(end.answer).to.equal('one, two');
      expect(statuses.some((s) => s.offline)).to.equal(true);
    } finally {
      delete (navigator as { onLine?: boolean }).onLine;
    }
  });
});
