import { expect } from '@open-wc/testing';
import type { SseStatusDetail } from '../../components/events.js';
import { chatFixture, until } from '../helpers/chat.js';
import { registerFixture } from '../helpers/fixture.js';

const chunk = (content: string) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

describe('<sse-chat> with streams that cannot be resumed', () => {
  it('says in words that the answer restarted, and shows one generation', async () => {
    const pieces = ['One ', 'two ', 'three ', 'four.'].map(chunk).concat('data: [DONE]\n\n');
    const body = pieces.join('');
    const first = pieces[0]!.length;
    // The restarted response pauses after its first event, so the status line can be read.
    const fixture = await registerFixture([
      { body, cut: first + pieces[1]!.length + 5 },
      { body, split: [first, first + 1] },
    ]);
    const h = await chatFixture({ endpoint: fixture.url, protocol: 'openai' });
    const lines: string[] = [];
    h.chat.addEventListener('sse-status', (e: CustomEvent<SseStatusDetail>) => {
      if (e.detail.status === 'streaming' && e.detail.restart)
        void h.chat.updateComplete.then(() => lines.push(h.statusText));
    });
    await h.ask('q');
    expect(lines).to.deep.equal(['Connection lost — the answer restarted…']);
    expect(h.chat.messages.at(-1)!.answer).to.equal('One two three four.');
    expect(h.chat.stats.restarts).to.equal(1);
    expect(h.answerOf().textContent!.trim()).to.equal('One two three four.');
  });

  it('says it is offline and waits, without a retry attempt, until the network is back', async () => {
    let online = false;
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online });
    try {
      const fixture = await registerFixture([
        { body: 'id: 1\ndata: Half\n\n', cut: 18 },
        { body: 'id: 2\ndata:  and whole.\n\nevent: done\ndata:\n\n' },
      ]);
      const h = await chatFixture({ endpoint: fixture.url, protocol: 'text', 'max-retries': '1' });
      let last: SseStatusDetail | undefined;
      h.chat.addEventListener('sse-status', (e: CustomEvent<SseStatusDetail>) => (last = e.detail));
      const done = h.ask('q');
      await until(() => last?.offline === true, 5000, 'offline');
      await h.chat.updateComplete;
      expect(h.statusText).to.equal('Offline — waiting for the network…');
      expect(h.chat.getAttribute('status')).to.equal('reconnecting');
      expect(h.chat.hasAttribute('retry-attempt')).to.equal(false);
      online = true;
      window.dispatchEvent(new Event('online'));
      await done;
      expect(h.chat.messages.at(-1)!.answer).to.equal('Half and whole.');
    } finally {
      delete (navigator as { onLine?: boolean }).onLine;
    }
  });
});
