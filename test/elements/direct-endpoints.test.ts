/**
 * `<sse-chat>` talking to an endpoint directly (docs/design.md#direct-endpoints): with a `model`,
 * each vendor protocol sends its API's request, which the reference server's fixture endpoint
 * records as it replays a recorded-style stream; `body` merges over it, `headers` apply, and a
 * `request` function replaces the shape. Such a request is never resumed: a cut asks again and
 * the new response replaces the partial answer, whatever ids or sequence numbers it carries.
 */
import { expect } from '@open-wc/testing';
import type { ChatRequestContext } from '../../src/chat-request.js';
import { chatFixture, type ChatHarness } from '../helpers/chat.js';
import { registerFixture, type FixtureResponse, type RegisteredFixture } from '../helpers/fixture.js';
import { AI_SDK_HEADERS, VENDOR_FIXTURES, fixtureBytes } from '../helpers/vendor-fixtures.js';

/** One Chat Completions chunk as Ollama sends it (no `id:` line). */
const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-417',
    object: 'chat.completion.chunk',
    created: 1760000000,
    model: 'llama3.2',
    system_fingerprint: 'fp_ollama',
    choices: [{ index: 0, delta, finish_reason: finish }],
  })}\n\n`;

/** A Chat Completions stream of `words`, as Ollama's /v1/chat/completions streams it. */
const completions = (words: string[]) => [
  ...words.map((content, i) => chunk(i === 0 ? { role: 'assistant', content } : { content })),
  chunk({ role: 'assistant', content: '' }, 'stop'),
  'data: [DONE]\n\n',
];

const HELLO = ['Hello', '! How', ' can I', ' help', ' you', ' today?'];

/** Records the URL and headers of every request the element makes through its `fetch` property. */
function recordFetch(h: ChatHarness): Array<{ url: string; headers: Record<string, string> }> {
  const seen: Array<{ url: string; headers: Record<string, string> }> = [];
  h.chat.fetch = (input, init) => {
    seen.push({ url: String(input), headers: { ...(init?.headers as Record<string, string>) } });
    return fetch(input, init);
  };
  return seen;
}

const fixtureOf = (file: string) => VENDOR_FIXTURES.find((fixture) => fixture.file === file)!;
const decoder = new TextDecoder();
const fixtureText = async (file: string) => decoder.decode(await fixtureBytes(file));

/** The body, method and resume fields of the fixture's requests. */
async function received(fixture: RegisteredFixture) {
  return (await fixture.requests()).map(({ method, query, headers, body }) => ({ method, query, headers, body }));
}

/** A request that resumes nothing: the fixture's own query only, no last-event-id. */
const fresh = (fixture: RegisteredFixture, body: unknown) => ({
  method: 'POST',
  query: { id: fixture.id },
  headers: { accept: 'text/event-stream', 'last-event-id': null, 'content-type': 'application/json' },
  body,
});

describe('<sse-chat> talking to an endpoint directly', () => {
  it('protocol="openai" model=…: the Chat Completions request, and the conversation so far in the next one', async () => {
    const fixture = await registerFixture([{ body: completions(HELLO).join('') }]);
    const h = await chatFixture({ endpoint: fixture.url, protocol: 'openai', model: 'llama3.2' });
    await h.ask('Hi');
    await h.ask('Thanks');
    expect(h.chat.messages.map((m) => [m.author, m.answer, m.status])).to.deep.equal([
      ['user', 'Hi', 'done'],
      ['assistant', 'Hello! How can I help you today?', 'done'],
      ['user', 'Thanks', 'done'],
      ['assistant', 'Hello! How can I help you today?', 'done'],
    ]);
    expect(await received(fixture)).to.deep.equal([
      fresh(fixture, { model: 'llama3.2', messages: [{ role: 'user', content: 'Hi' }], stream: true }),
      fresh(fixture, {
        model: 'llama3.2',
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello! How can I help you today?' },
          { role: 'user', content: 'Thanks' },
        ],
        stream: true,
      }),
    ]);
  });

  it('without a model: our request, exactly as before', async () => {
    const fixture = await registerFixture([{ body: completions(HELLO).join('') }]);
    const h = await chatFixture({ endpoint: fixture.url, protocol: 'openai', 'conversation-id': 'conv-1' });
    await h.ask('Hi');
    const [request] = await received(fixture);
    const body = request!.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).to.deep.equal(['conversation_id', 'message_id', 'messages']);
    expect(body).to.include({ conversation_id: 'conv-1', message_id: h.chat.messages[1]!.id });
  });

  it('protocol="openai-responses" model=…: {model, input, stream}', async () => {
    const vendor = fixtureOf('openai-responses-reasoning.sse');
    const fixture = await registerFixture([{ body: await fixtureText(vendor.file) }]);
    const h = await chatFixture({ endpoint: fixture.url, protocol: 'openai-responses', model: 'o4-mini' });
    await h.ask('Boiling point at altitude?');
    const last = h.chat.messages.at(-1)!;
    expect([last.think, last.answer, last.status]).to.deep.equal([vendor.think, vendor.answer, 'done']);
    expect(await received(fixture)).to.deep.equal([
      fresh(fixture, {
        model: 'o4-mini',
        input: [{ role: 'user', content: 'Boiling point at altitude?' }],
        stream: true,
      }),
    ]);
  });

  it('protocol="anthropic" model=…: {model, max_tokens, messages, stream} and anthropic-version', async () => {
    const vendor = fixtureOf('anthropic-thinking.sse');
    const fixture = await registerFixture([{ body: await fixtureText(vendor.file) }]);
    const h = await chatFixture({ endpoint: fixture.url, protocol: 'anthropic', model: 'claude-sonnet-4-5' });
    const seen = recordFetch(h);
    await h.ask('Divide by 5');
    const last = h.chat.messages.at(-1)!;
    expect([last.think, last.answer, last.status]).to.deep.equal([vendor.think, vendor.answer, 'done']);
    expect(await received(fixture)).to.deep.equal([
      fresh(fixture, {
        model: 'claude-sonnet-4-5',
        max_tokens: 4096,
        messages: [{ role: 'user', content: 'Divide by 5' }],
        stream: true,
      }),
    ]);
    expect(seen.map((r) => r.headers['anthropic-version'])).to.deep.equal(['2023-06-01']);
  });

  it('protocol="ai-sdk" model=…: useChat\'s {id, messages, trigger} and the model, UI messages with text parts', async () => {
    const vendor = fixtureOf('ai-sdk-reasoning.sse');
    const fixture = await registerFixture([{ body: await fixtureText(vendor.file), headers: AI_SDK_HEADERS }]);
    const h = await chatFixture({
      endpoint: fixture.url,
      protocol: 'ai-sdk',
      model: 'gpt-5-mini',
      'conversation-id': 'chat-7',
    });
    await h.ask('925 / 5?');
    await h.ask('Sure?');
    expect(h.chat.messages.at(-1)!.answer).to.equal(vendor.answer);
    const text = (text: string) => [{ type: 'text', text }];
    expect((await received(fixture)).map((r) => r.body)).to.deep.equal([
      {
        id: 'chat-7',
        messages: [{ id: 'chat-7-0', role: 'user', parts: text('925 / 5?') }],
        trigger: 'submit-message',
        model: 'gpt-5-mini',
      },
      {
        id: 'chat-7',
        messages: [
          { id: 'chat-7-0', role: 'user', parts: text('925 / 5?') },
          { id: 'chat-7-1', role: 'assistant', parts: text(vendor.answer) },
          { id: 'chat-7-2', role: 'user', parts: text('Sure?') },
        ],
        trigger: 'submit-message',
        model: 'gpt-5-mini',
      },
    ]);
  });

  it("`body` merges over the vendor body and `headers` apply (under them, the vendor's own)", async () => {
    const fixture = await registerFixture([{ body: await fixtureText('anthropic-thinking.sse') }]);
    const h = await chatFixture({ endpoint: fixture.url, protocol: 'anthropic', model: 'claude-sonnet-4-5' });
    const seen = recordFetch(h);
    h.chat.body = { max_tokens: 16000, thinking: { type: 'enabled', budget_tokens: 10000 } };
    h.chat.headers = { Authorization: 'Bearer local-proxy', 'X-Trace': 't1' };
    await h.ask('Divide by 5');
    expect((await received(fixture))[0]!.body).to.deep.equal({
      model: 'claude-sonnet-4-5',
      max_tokens: 16000,
      messages: [{ role: 'user', content: 'Divide by 5' }],
      stream: true,
      thinking: { type: 'enabled', budget_tokens: 10000 },
    });
    expect(seen[0]!.headers).to.deep.equal({
      'anthropic-version': '2023-06-01',
      authorization: 'Bearer local-proxy',
      'x-trace': 't1',
      accept: 'text/event-stream',
      'content-type': 'application/json',
    });
  });

  it("a `request` function replaces the shape: its URL, its headers over the property's, its body as is", async () => {
    const endpoint = await registerFixture([{ status: 500, body: 'must not be asked' }]);
    const target = await registerFixture([{ body: completions(HELLO).join('') }]);
    const h = await chatFixture({
      endpoint: endpoint.url,
      protocol: 'openai',
      model: 'llama3.2',
      'conversation-id': 'c9',
    });
    const seen = recordFetch(h);
    const contexts: ChatRequestContext[] = [];
    h.chat.headers = { authorization: 'Bearer relay', 'x-app': 'property' };
    h.chat.body = { temperature: 0 };
    // An async builder, as one that fetches a short-lived token would be.
    h.chat.request = async (context) => {
      contexts.push(context);
      await Promise.resolve();
      return {
        url: target.url,
        headers: { 'X-App': 'request' },
        body: { question: context.messages.at(-1)!.content, options: context.body },
      };
    };
    await h.ask('Hi');
    expect(h.chat.messages.at(-1)!.answer).to.equal('Hello! How can I help you today?');
    expect(contexts).to.deep.equal([
      {
        messages: [{ role: 'user', content: 'Hi' }],
        conversationId: 'c9',
        messageId: h.chat.messages[1]!.id,
        model: 'llama3.2',
        protocol: 'openai',
        endpoint: endpoint.url,
        body: { temperature: 0 },
      },
    ]);
    expect(await received(target)).to.deep.equal([fresh(target, { question: 'Hi', options: { temperature: 0 } })]);
    expect(await endpoint.requests()).to.deep.equal([]);
    expect(seen[0]!.headers).to.include({ authorization: 'Bearer relay', 'x-app': 'request' });
  });

  it('a `request` function that throws ends the answer in error, asking nothing', async () => {
    const fixture = await registerFixture([{ body: completions(HELLO).join('') }]);
    const h = await chatFixture({ endpoint: fixture.url, protocol: 'openai' });
    h.chat.request = () => {
      throw new Error('no token');
    };
    const ended = (await h.ask('Hi')) as CustomEvent<{ error: Error }>;
    expect([ended.type, ended.detail.error.message]).to.deep.equal([
      'sse-error',
      'the request function failed: no token',
    ]);
    expect(await fixture.requests()).to.deep.equal([]);
  });

  describe('a cut direct stream is asked again, and the new response replaces the partial one', () => {
    /** Asks once; the first response is `first` cut at `cut` bytes, the second `second` whole. */
    async function cutThenWhole(attrs: Record<string, string>, first: FixtureResponse, second: FixtureResponse) {
      const fixture = await registerFixture([first, second]);
      const h = await chatFixture({ endpoint: fixture.url, ...attrs });
      const restarts: string[] = [];
      h.chat.addEventListener('sse-status', (e) => {
        if (e.detail.restart) restarts.push(e.detail.status);
      });
      await h.ask('q');
      const requests = await received(fixture);
      return { h, last: h.chat.messages.at(-1)!, restarts, requests, fixture };
    }

    it('openai: a second generation, not a mix of two', async () => {
      const first = completions(['Alpha', ' beta', ' gamma', ' delta.']);
      const second = completions(['Other', ' words', ' entirely.']);
      const cut = first.slice(0, 3).join('').length + 20;
      const { h, last, restarts, requests, fixture } = await cutThenWhole(
        { protocol: 'openai', model: 'llama3.2' },
        { body: first.join(''), cut },
        { body: second.join('') },
      );
      expect([last.answer, last.status]).to.deep.equal(['Other words entirely.', 'done']);
      expect(restarts).to.deep.equal(['reconnecting', 'streaming']);
      expect(h.chat.stats).to.include({ restarts: 1, duplicatesDropped: 0 });
      const body = { model: 'llama3.2', messages: [{ role: 'user', content: 'q' }], stream: true };
      expect(requests).to.deep.equal([fresh(fixture, body), fresh(fixture, body)]);
    });

    it('openai-responses: sequence_number is not taken as a resume point (a new response numbers from 0 again)', async () => {
      const vendor = fixtureOf('openai-responses-reasoning.sse');
      const body = await fixtureText(vendor.file);
      // The new generation starts differently: a resume that dropped its first events as
      // replays would show the first generation's beginning with the second one's end.
      const again = body.replace('"delta":"At sea level"', '"delta":"By the sea"');
      const cut = new TextEncoder().encode(body.slice(0, body.indexOf('"delta":" pasta takes"'))).length;
      const { h, last, restarts, requests } = await cutThenWhole(
        { protocol: 'openai-responses', model: 'o4-mini' },
        { body, cut },
        { body: again },
      );
      expect([last.think, last.answer, last.status]).to.deep.equal([
        vendor.think,
        vendor.answer.replace('At sea level', 'By the sea'),
        'done',
      ]);
      expect(restarts).to.deep.equal(['reconnecting', 'streaming']);
      expect(h.chat.stats).to.include({ restarts: 1, duplicatesDropped: 0 });
      expect(requests.map((r) => [r.headers['last-event-id'], r.query.offset])).to.deep.equal([
        [null, undefined],
        [null, undefined],
      ]);
    });

    it('ai-sdk: id: lines are not taken as a resume point either', async () => {
      const part = (id: number, chunk: Record<string, unknown>) => `id: ${id}\ndata: ${JSON.stringify(chunk)}\n\n`;
      const stream = (words: string[]) =>
        [
          part(1, { type: 'start' }),
          part(2, { type: 'text-start', id: 't' }),
          ...words.map((delta, i) => part(3 + i, { type: 'text-delta', id: 't', delta })),
          part(9, { type: 'text-end', id: 't' }),
          part(10, { type: 'finish' }),
          'id: 11\ndata: [DONE]\n\n',
        ].join('');
      const first = stream(['One ', 'two ', 'three.']);
      const { h, last, requests } = await cutThenWhole(
        { protocol: 'ai-sdk', model: 'gpt-5-mini' },
        { body: first, cut: first.indexOf('three') + 2, headers: AI_SDK_HEADERS },
        { body: stream(['Uno ', 'dos ', 'tres.']), headers: AI_SDK_HEADERS },
      );
      expect([last.answer, last.status]).to.deep.equal(['Uno dos tres.', 'done']);
      expect(h.chat.stats.restarts).to.equal(1);
      expect(requests.map((r) => r.headers['last-event-id'])).to.deep.equal([null, null]);
    });

    it('anthropic: the same', async () => {
      const vendor = fixtureOf('anthropic-thinking.sse');
      const body = await fixtureText(vendor.file);
      const { h, last } = await cutThenWhole(
        { protocol: 'anthropic', model: 'claude-sonnet-4-5' },
        { body, cut: new TextEncoder().encode(body.slice(0, body.indexOf('"text_delta"') + 30)).length },
        { body },
      );
      expect([last.think, last.answer, last.status]).to.deep.equal([vendor.think, vendor.answer, 'done']);
      expect(h.chat.stats.restarts).to.equal(1);
    });
  });
});
