/**
 * The actions under a finished answer: copy (the markdown as text, the rendered HTML as a second
 * flavour, with "Copied" said), and good / bad (shown, changeable, an `sse-feedback` event with
 * the message, and a POST to `feedback-endpoint`); `actions` chooses which show.
 */
import { expect, oneEvent } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { SseFeedbackEvent } from '../../components/events.js';
import type { SseMessage } from '../../components/sse-message.js';
import { chatFixture, chatUrl, until } from '../helpers/chat.js';

const part = (message: SseMessage, name: string) =>
  message.shadowRoot!.querySelector<HTMLButtonElement>(`[part="${name}"]`);

async function feedbackOf(messageId: string): Promise<Array<{ conversation_id: string; value: string }>> {
  const res = await fetch(`/api/_debug/feedback?message_id=${encodeURIComponent(messageId)}`);
  return ((await res.json()) as { feedback: Array<{ conversation_id: string; value: string }> }).feedback;
}

describe('answer actions', () => {
  before(async () => {
    await executeServerCommand('grant-clipboard');
  });

  it('show under a finished answer only, and copy it as markdown and as HTML', async () => {
    const h = await chatFixture({ endpoint: chatUrl('', { chunk_ms: 10 }) });
    const ended = oneEvent(h.chat, 'sse-done');
    void h.chat.send('Copy me');
    await until(() => h.lastText().length > 50, 10000, 'some text');
    expect(part(h.lastMessage, 'actions'), 'no actions while it streams').to.equal(null);
    await ended;
    await h.lastMessage.updateComplete;
    const copy = part(h.lastMessage, 'action-copy')!;
    expect(part(h.lastMessage, 'actions')!.getAttribute('role')).to.equal('toolbar');
    const question = h.messageElements[0]!;
    expect(part(question, 'action-copy') === null, 'no copy under the question').to.equal(true);
    expect(part(question, 'action-edit') !== null, 'its edit button').to.equal(true);
    copy.click();
    await until(() => copy.textContent!.trim() === 'Copied', 3000, 'Copied');
    expect(h.lastMessage.shadowRoot!.querySelector('[part="actions"] [role="status"]')!.textContent).to.equal('Copied');
    const [item] = await navigator.clipboard.read();
    expect(item!.types).to.include.members(['text/plain', 'text/html']);
    const text = await (await item!.getType('text/plain')).text();
    const htmlFlavour = await (await item!.getType('text/html')).text();
    expect(text).to.equal(h.chat.messages.at(-1)!.answer);
    expect(htmlFlavour).to.contain('<h1>');
    expect(htmlFlavour).to.contain('<table>');
    expect(htmlFlavour, 'no copy buttons in the copied HTML').not.to.contain('code-copy');
  });

  it('take good / bad: shown, changeable, told to the page with the message and to the feedback endpoint', async () => {
    const h = await chatFixture({ 'feedback-endpoint': '/api/feedback' });
    await h.ask('Judge me');
    await h.lastMessage.updateComplete;
    const answer = h.chat.messages.at(-1)!;
    const good = part(h.lastMessage, 'action-good')!;
    const bad = part(h.lastMessage, 'action-bad')!;
    expect(good.getAttribute('aria-label')).to.equal('Good answer');
    expect(good.getAttribute('aria-pressed')).to.equal('false');
    const up = oneEvent(h.chat, 'sse-feedback') as Promise<SseFeedbackEvent>;
    good.click();
    const event = await up;
    expect(event.detail.value).to.equal('up');
    expect(event.detail.message!.id).to.equal(answer.id);
    await h.lastMessage.updateComplete;
    expect(good.getAttribute('aria-pressed')).to.equal('true');
    bad.click();
    await h.lastMessage.updateComplete;
    expect(good.getAttribute('aria-pressed')).to.equal('false');
    expect(bad.getAttribute('aria-pressed')).to.equal('true');
    expect(h.lastMessage.getAttribute('feedback')).to.equal('down');
    await until(async () => (await feedbackOf(answer.id)).length === 2, 5000, 'both posted');
    expect(await feedbackOf(answer.id)).to.deep.equal([
      { conversation_id: h.chat.conversationId, value: 'up' },
      { conversation_id: h.chat.conversationId, value: 'down' },
    ]);
    // The choice stays when the log renders again (another question).
    await h.ask('And another');
    await h.messageElements[1]!.updateComplete;
    expect(part(h.messageElements[1]!, 'action-bad')!.getAttribute('aria-pressed')).to.equal('true');
  });

  it('show what `actions` lists: none when empty, copy alone', async () => {
    const h = await chatFixture({ actions: '' });
    await h.ask('No actions');
    await h.lastMessage.updateComplete;
    expect(part(h.lastMessage, 'actions')).to.equal(null);
    h.chat.actions = 'copy';
    await h.chat.updateComplete;
    await h.lastMessage.updateComplete;
    expect(part(h.lastMessage, 'action-copy')).not.to.equal(null);
    expect(part(h.lastMessage, 'action-good')).to.equal(null);
  });
});
