import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { chatFixture, chatUrl, question, until } from '../helpers/chat.js';

/** axe-core over the element and its shadow roots (chai-a11y-axe, part of @open-wc/testing). */
async function expectAccessible(element: Element, state: string) {
  try {
    await expect(element).to.be.accessible();
  } catch (error) {
    throw new Error(`axe violations in the ${state} state: ${(error as Error).message}`, { cause: error });
  }
}

describe('<sse-chat>: accessibility', () => {
  it('has no axe violations when idle', async () => {
    const h = await chatFixture();
    await expectAccessible(h.chat, 'idle');
  });

  it('has no axe violations while streaming and when done (light and dark)', async () => {
    for (const theme of ['light', 'dark']) {
      const h = await chatFixture({ endpoint: chatUrl('', { chunk_ms: 10 }), theme });
      const ended = oneEvent(h.chat, 'sse-done');
      void h.chat.send(question()[0]!.content);
      await until(() => h.lastText().length > 300, 10000, 'streaming');
      await h.chat.updateComplete;
      await expectAccessible(h.chat, `streaming (${theme})`);
      await ended;
      await h.chat.updateComplete;
      await expectAccessible(h.chat, `done (${theme})`);
    }
  });

  it('has no axe violations while reconnecting', async () => {
    const h = await chatFixture({ endpoint: chatUrl('500'), 'retry-delay': '5000', 'retry-max-delay': '5000' });
    void h.chat.send(question()[0]!.content);
    await until(() => h.chat.status === 'reconnecting', 5000, 'reconnecting');
    await h.chat.updateComplete;
    await expectAccessible(h.chat, 'reconnecting');
    h.chat.stop();
  });

  it('has no axe violations after an error', async () => {
    const h = await chatFixture({ endpoint: chatUrl('404') });
    await h.ask();
    await h.chat.updateComplete;
    await expectAccessible(h.chat, 'error');
  });

  it('is a log with polite announcements, busy while an answer streams', async () => {
    const h = await chatFixture({ endpoint: chatUrl('', { chunk_ms: 5 }) });
    const log = h.part('log');
    expect(log.getAttribute('role')).to.equal('log');
    expect(log.getAttribute('aria-live')).to.equal('polite');
    expect(log.getAttribute('aria-label')).to.equal('Conversation');
    expect(h.part('status').getAttribute('role')).to.equal('status');
    const ended = oneEvent(h.chat, 'sse-done');
    void h.chat.send(question()[0]!.content);
    await until(() => h.lastText().length > 20, 10000, 'streaming');
    await h.chat.updateComplete;
    expect(log.getAttribute('aria-busy')).to.equal('true');
    await ended;
    await h.chat.updateComplete;
    expect(log.getAttribute('aria-busy')).to.equal('false');
  });

  it('announces each status change once, never per token', async () => {
    const h = await chatFixture({ endpoint: chatUrl('cut:2000') });
    const status = h.part('status');
    const texts: string[] = [];
    const observer = new MutationObserver(() => {
      const text = status.textContent?.trim() ?? '';
      if (texts.at(-1) !== text) texts.push(text);
    });
    observer.observe(status, { childList: true, subtree: true, characterData: true });
    let changes = 0;
    const counter = new MutationObserver((records) => (changes += records.length));
    counter.observe(status, { childList: true, subtree: true, characterData: true });
    await h.ask();
    await h.chat.updateComplete;
    observer.disconnect();
    counter.disconnect();
    expect(texts.filter(Boolean)).to.deep.equal([
      'Connecting…',
      'Answering…',
      'The connection was lost. Reconnecting (1/5) in 1 s…',
      'Answering…',
      'Answer complete.',
    ]);
    expect(changes, 'DOM changes of the status region').to.be.below(12);
    expect(h.chat.stats.events).to.be.greaterThan(100);
  });

  it('is operable from the keyboard: Tab reaches the log, the box and the buttons, with a visible focus ring', async () => {
    const h = await chatFixture();
    h.type('keyboard question');
    await h.chat.updateComplete;
    const before = document.createElement('button');
    before.textContent = 'before';
    h.chat.before(before);
    before.focus();
    const reached: string[] = [];
    for (let i = 0; i < 3; i++) {
      await sendKeys({ press: 'Tab' });
      const focused = h.root.activeElement as HTMLElement | null;
      reached.push(focused?.getAttribute('part') ?? String(focused?.tagName));
      if (focused) {
        const style = getComputedStyle(focused);
        expect(style.outlineStyle, `${reached.at(-1)} focus ring`).to.equal('solid');
        expect(parseFloat(style.outlineWidth)).to.be.at.least(2);
      }
    }
    expect(reached).to.deep.equal(['log', 'input', 'send']);
    const sent = oneEvent(h.chat, 'sse-message');
    await sendKeys({ press: 'Enter' }); // on the send button
    expect((await sent).detail.message.answer).to.equal('keyboard question');
    await oneEvent(h.chat, 'sse-done');
    before.remove();
  });

  it('gives the think toggle and every control an accessible name', async () => {
    const h = await chatFixture();
    await h.ask();
    await h.lastMessage.updateComplete;
    const summary = h.thinkOf().querySelector('summary')!;
    expect(summary.textContent!.trim()).to.match(/^Thought for \d+ s$/);
    expect(h.part('input').getAttribute('aria-label')).to.equal('Message');
    expect(h.part('send').textContent!.trim()).to.equal('Send');
    expect(h.part('stop').textContent!.trim()).to.equal('Stop');
    expect(h.part('jump-latest').textContent!.trim()).to.equal('Jump to latest');
  });
});
