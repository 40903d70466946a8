/**
 * `<sse-chat>` against a deployment on Redis: two instances of the reference server behind a
 * round-robin proxy (web-test-runner.config.mjs, /redis-api/). An answer cut mid-stream resumes
 * on the other instance and ends exact, generated once.
 */
import { expect, oneEvent } from '@open-wc/testing';
import type { SseDoneEvent } from '../../components/events.js';
import { chatFixture, question, until } from '../helpers/chat.js';
import { renderedHtml, wholeRender } from '../helpers/markdown.js';
import type { DebugMessage } from '../helpers/stream.js';

describe('<sse-chat> on two server instances sharing Redis', () => {
  it('resumes an answer cut on one instance from the other, byte-exact and generated once', async () => {
    const h = await chatFixture({
      endpoint: '/redis-api/chat?size=3000&chunk_ms=5',
      'stop-endpoint': '/redis-api/stop',
    });
    const ended = oneEvent(h.chat, 'sse-done');
    void h.chat.send(question('Resume across instances')[0]!.content);
    await until(() => h.lastText().length > 300, 15000, 'the first text');
    const cut = (await (await fetch('/redis-api/_proxy/cut', { method: 'POST' })).json()) as { streams: number };
    expect(cut.streams).to.equal(1);
    const done = (await ended) as SseDoneEvent;
    const id = encodeURIComponent(done.detail.message.id);
    const server = (await (await fetch(`/redis-api/_debug/message?message_id=${id}`)).json()) as DebugMessage;
    expect(server.done).to.equal(true);
    expect(done.detail.message.answer).to.equal(server.answer);
    expect(done.detail.message.think).to.equal(server.think);
    expect(renderedHtml(h.answerOf())).to.equal(wholeRender(server.answer));
    expect(h.chat.stats.reconnects).to.equal(1);
    expect(h.chat.stats.restarts).to.equal(0);
    expect(server.generations).to.equal(1);
  });
});
