/**
 * The demo page (`index.html`, what `npm start` serves) as a visitor uses it: ask, break the
 * network with the chaos panel while the answer streams, switch conversations — and the
 * answer is still the server's, byte for byte, without a console error.
 */
import { expect, waitUntil } from '@open-wc/testing';
import type { SseChat } from '../../components/sse-chat.js';
import { chatIn, expectFullAnswer, openPage, typeAndEnter, type OpenedPage } from '../helpers/example-page.js';

const STORE = 'sse-chat-demo';

function chatOf(page: OpenedPage): SseChat {
  const chat = chatIn(page);
  if (!chat) throw new Error('the demo has no rendered <sse-chat>');
  return chat;
}

const byId = <T extends HTMLElement = HTMLElement>(page: OpenedPage, id: string): T => {
  const element = page.doc.getElementById(id) as T | null;
  if (!element) throw new Error(`the demo has no #${id}`);
  return element;
};

const chaosButton = (page: OpenedPage, action: string) =>
  page.doc.querySelector<HTMLButtonElement>(`[data-chaos="${action}"]`)!;

/** Waits for the live answer to have some text, then presses a chaos button. */
async function breakWhileStreaming(page: OpenedPage, chat: SseChat, action: string): Promise<void> {
  await waitUntil(
    () =>
      chat.status === 'streaming' &&
      (chat.messages.at(-1)?.answer.length ?? 0) > 100 &&
      !chaosButton(page, action).disabled,
    `the answer did not stream (status ${chat.status})`,
    { timeout: 10000 },
  );
  chaosButton(page, action).click();
}

describe('the demo page (index.html)', () => {
  let page: OpenedPage | undefined;

  beforeEach(() => localStorage.removeItem(STORE));
  afterEach(() => {
    page?.close();
    page = undefined;
    localStorage.removeItem(STORE);
  });

  it('streams a long answer through a cut and a replayed resume, and says it is identical to the server’s', async () => {
    page = await openPage('/index.html', (p) => Boolean(chatIn(p)), { width: 1300, height: 860 });
    const chat = chatOf(page);
    typeAndEnter(page, chat, 'How do resumable streams work?');
    await breakWhileStreaming(page, chat, 'cut');
    await waitUntil(() => chat.stats.reconnects >= 1 && chat.status === 'streaming', 'no reconnect after the cut', {
      timeout: 10000,
    });
    await breakWhileStreaming(page, chat, 'replay');
    await waitUntil(() => chat.status === 'done', `the answer did not finish (status ${chat.status})`, {
      timeout: 30000,
    });

    const server = await expectFullAnswer(chat);
    expect(server.answer.length, 'the demo asks for a long answer').to.be.greaterThan(6000);
    expect(chat.stats.duplicatesDropped, 'the replayed events were dropped').to.be.greaterThan(0);
    // The demo highlights code through the widget's hook (highlight.js), each finished block once.
    const last = [...chat.shadowRoot!.querySelectorAll('sse-message')].at(-1)!;
    await waitUntil(() => last.shadowRoot!.querySelector('pre code [class^="hljs-"]'), 'the code was not highlighted');
    expect(last.shadowRoot!.querySelectorAll('pre [part="code-copy"]').length).to.be.greaterThan(0);
    const integrity = byId(page, 'integrity');
    await waitUntil(() => integrity.dataset.ok !== undefined, 'the integrity check did not run');
    expect(integrity.dataset.ok).to.equal('true');
    expect(integrity.textContent).to.contain('identical');
    const log = byId(page, 'events').textContent ?? '';
    expect(log).to.contain('reconnecting 1/5');
    expect(page.problems).to.deep.equal([]);
  });

  it('shows "reconnecting (1/5)" while a stalled stream waits for its heartbeat, then resumes', async () => {
    page = await openPage('/index.html', (p) => Boolean(chatIn(p)), { width: 1300, height: 860 });
    const chat = chatOf(page);
    typeAndEnter(page, chat, 'What about heartbeats?');
    await breakWhileStreaming(page, chat, 'stall');
    await waitUntil(() => chat.getAttribute('status') === 'reconnecting', 'the stall was not noticed', {
      timeout: 10000,
    });
    expect(chat.getAttribute('retry-attempt')).to.equal('1');
    expect(byId(page, 'retry').textContent).to.equal('attempt 1 of 5');
    await waitUntil(() => chat.status === 'done', `the answer did not finish (status ${chat.status})`, {
      timeout: 30000,
    });
    await expectFullAnswer(chat);
    expect(page.problems).to.deep.equal([]);
  });

  it('keeps conversations apart in the sidebar, and one continues where it was after a switch', async () => {
    page = await openPage('/index.html', (p) => Boolean(chatIn(p)), { width: 1300, height: 860 });
    const chat = chatOf(page);
    const first = chat.conversationId;
    typeAndEnter(page, chat, 'First conversation');
    await waitUntil(() => (chat.messages.at(-1)?.answer.length ?? 0) > 50, 'the first answer did not start', {
      timeout: 10000,
    });

    byId<HTMLButtonElement>(page, 'new-conversation').click(); // the first answer goes on on the server
    await waitUntil(
      () => chat.conversationId !== first && chat.messages.length === 0,
      'the new conversation is not empty',
    );
    const titles = () => [...page!.doc.querySelectorAll('#conversations button')].map((b) => b.textContent);
    expect(titles()).to.deep.equal(['New conversation', 'First conversation']);
    expect(page.win.location.hash).to.equal(`#c=${chat.conversationId}`);

    page.doc.querySelectorAll<HTMLButtonElement>('#conversations button')[1]!.click();
    await waitUntil(
      () => chat.conversationId === first && chat.status === 'done',
      `back in the first conversation: ${chat.status}`,
      {
        timeout: 30000,
      },
    );
    expect(chat.messages.map((m) => m.author)).to.deep.equal(['user', 'assistant']);
    await expectFullAnswer(chat);
    expect(page.problems).to.deep.equal([]);
  });

  it('speaks the picked wire format: the Anthropic stream of the same script, cut, asked again and replaced', async () => {
    page = await openPage('/index.html', (p) => Boolean(chatIn(p)), { width: 1300, height: 860 });
    const chat = chatOf(page);
    const picker = byId<HTMLSelectElement>(page, 'protocol');
    picker.value = 'anthropic';
    picker.dispatchEvent(new Event('change'));
    expect(chat.protocol).to.equal('anthropic');
    expect(chat.endpoint).to.match(/^\/api\/vendor\?protocol=anthropic/);
    expect(byId(page, 'protocol-hint').hidden).to.equal(false);
    const question = 'How do resumable streams work?';
    typeAndEnter(page, chat, question);
    await breakWhileStreaming(page, chat, 'cut');
    await waitUntil(() => chat.status === 'done', `the answer did not finish (status ${chat.status})`, {
      timeout: 30000,
    });
    // The server's script for that question, from an agent answer to it: the same text.
    const { scriptFor } = (await import('../../server/answer-script.js' as string)) as {
      scriptFor: (prompt: string, options: { size?: number }) => { think: string; answer: string };
    };
    const script = scriptFor(question, { size: Number(byId<HTMLSelectElement>(page, 'size').value) });
    const answer = chat.messages.at(-1)!;
    expect(answer.think).to.equal(script.think);
    expect(answer.answer).to.equal(script.answer);
    expect(chat.stats.restarts).to.equal(1);
  });
});
