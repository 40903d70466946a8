/**
 * The reference server's scripted answer in each vendor wire format (`/api/vendor`, the demo's
 * protocol picker), read by `<sse-chat>` with the matching `protocol`: the think and answer are
 * the script's, byte for byte; cut mid-stream, the answer is asked again and replaced, never
 * doubled.
 */
import { expect, oneEvent } from '@open-wc/testing';
import type { SseDoneEvent } from '../../components/events.js';
import { chatFixture, question, until } from '../helpers/chat.js';
// The server's own script: plain JavaScript without Node imports, served as it is.
// @ts-expect-error no types for the server's JavaScript module
import { scriptFor } from '../../server/answer-script.js';

const PROTOCOLS = ['openai', 'openai-responses', 'anthropic', 'ai-sdk', 'text'] as const;

describe('the scripted answer in vendor formats (/api/vendor)', () => {
  for (const protocol of PROTOCOLS) {
    it(`${protocol}: think and answer are the script's, exactly`, async () => {
      const h = await chatFixture({ protocol, endpoint: `/api/vendor?protocol=${protocol}&chunk_ms=0` });
      const text = question(`Vendor ${protocol}`)[0]!.content;
      const done = (await h.ask(text)) as SseDoneEvent;
      const script = scriptFor(text) as { think: string; answer: string };
      expect(done.type).to.equal('sse-done');
      expect(done.detail.message.think).to.equal(script.think);
      expect(done.detail.message.answer).to.equal(script.answer);
    });
  }

  for (const protocol of PROTOCOLS) {
    it(`${protocol} read with protocol="auto": the same think and answer`, async () => {
      const h = await chatFixture({ protocol: 'auto', endpoint: `/api/vendor?protocol=${protocol}&chunk_ms=0` });
      const text = question(`Auto ${protocol}`)[0]!.content;
      const done = (await h.ask(text)) as SseDoneEvent;
      const script = scriptFor(text) as { think: string; answer: string };
      expect(done.type).to.equal('sse-done');
      expect(done.detail.message.think).to.equal(script.think);
      expect(done.detail.message.answer).to.equal(script.answer);
    });
  }

  for (const protocol of PROTOCOLS.filter((p) => p !== 'text')) {
    it(`${protocol} with model: the widget talks to it directly, in that API's request shape`, async () => {
      // /api/vendor reads the question from the vendor's body: `messages`, Responses' `input`,
      // the AI SDK's `parts`; a wrong shape would give another script (or none).
      const h = await chatFixture({
        protocol,
        model: 'scripted-1',
        endpoint: `/api/vendor?protocol=${protocol}&chunk_ms=0`,
      });
      // The script depends on the question: a question whose script differs from the empty
      // question's, so that one read from a wrong shape (no question found) shows.
      const empty = (scriptFor('') as { think: string }).think;
      let text = '';
      for (let n = 0; !text || (scriptFor(text) as { think: string }).think === empty; n++)
        text = `Direct ${protocol} ${n}`;
      const done = (await h.ask(text)) as SseDoneEvent;
      const script = scriptFor(text) as { think: string; answer: string };
      expect(done.detail.message.think).to.equal(script.think);
      expect(done.detail.message.answer).to.equal(script.answer);
    });
  }

  it('a cut vendor stream is asked again and its text replaced, not doubled (anthropic)', async () => {
    const h = await chatFixture({ protocol: 'anthropic', endpoint: '/api/vendor?protocol=anthropic&chunk_ms=3' });
    const text = question('Vendor cut')[0]!.content;
    const ended = oneEvent(h.chat, 'sse-done');
    void h.chat.send(text);
    await until(() => h.lastText().length > 200, 10000, 'some text');
    const id = h.chat.messages.at(-1)!.id;
    const res = await fetch('/api/_debug/chaos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message_id: id, action: 'cut' }),
    });
    expect(((await res.json()) as { streams: number }).streams).to.equal(1);
    const done = (await ended) as SseDoneEvent;
    const script = scriptFor(text) as { think: string; answer: string };
    expect(done.detail.message.think).to.equal(script.think);
    expect(done.detail.message.answer).to.equal(script.answer);
    expect(h.chat.stats.restarts).to.equal(1);
  });
});
