/**
 * Regenerate (the last answer asked again, the old one kept as a version with a "2 / 2"
 * switcher, `regenerate: <id>` in the request) and edit-and-resend (the last question put back
 * into an inline editor; sending replaces the question and its answer, `edit: <id>` in the
 * request, a streaming answer stopped first), with their keyboard: Enter, Shift+Enter, Escape in
 * the editor, ArrowUp in an empty composer.
 */
import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { SseMessageEvent } from '../../components/events.js';
import type { SseMessage } from '../../components/sse-message.js';
import { chatFixture, chatUrl, until, type ChatHarness } from '../helpers/chat.js';
import { registerFixture, type FixtureRequest } from '../helpers/fixture.js';
import { debugMessage } from '../helpers/stream.js';

const part = <T extends HTMLElement = HTMLButtonElement>(message: SseMessage, name: string) =>
  message.shadowRoot!.querySelector<T>(`[part="${name}"]`);

/** A fixture answering with these texts, one per request (the last one again after them). */
async function textFixture(...answers: string[]) {
  const fixture = await registerFixture(answers.map((text) => ({ body: `data: ${text}\n\n` })));
  const h = await chatFixture({ endpoint: fixture.url, protocol: 'text' });
  return { h, fixture };
}

const bodyOf = (request: FixtureRequest) => request.body as Record<string, unknown>;

/** Clicks a message's button and waits for the answer it asks to end. */
async function clickAndWait(h: ChatHarness, message: SseMessage, name: string): Promise<void> {
  const ended = Promise.race([oneEvent(h.chat, 'sse-done'), oneEvent(h.chat, 'sse-error')]);
  part(message, name)!.click();
  await ended;
  await h.chat.updateComplete;
  await h.lastMessage.updateComplete;
}

const switcherText = (message: SseMessage) =>
  part<HTMLElement>(message, 'versions')?.textContent?.replace(/\s+/g, ' ').trim();

describe('regenerate', () => {
  it('asks the question again in place of the last answer, telling the server which one; the old one is a version', async () => {
    const { h, fixture } = await textFixture('First', 'Second');
    await h.ask('Why?');
    await h.lastMessage.updateComplete;
    const first = h.chat.messages.at(-1)!;
    expect(first.answer).to.equal('First');
    expect(part(h.lastMessage, 'versions'), 'no switcher before a regenerate').to.equal(null);
    const answerElement = h.lastMessage;

    const joined = oneEvent(h.chat, 'sse-message') as Promise<SseMessageEvent>;
    const clicked = clickAndWait(h, h.lastMessage, 'action-regenerate');
    const started = await joined;
    expect(started.detail.message.status).to.equal('streaming');
    expect(started.detail.message.id).not.to.equal(first.id);
    await clicked;

    const [, again] = await fixture.requests();
    expect(bodyOf(again!).regenerate).to.equal(first.id);
    expect(bodyOf(again!).messages).to.deep.equal([{ role: 'user', content: 'Why?' }]);
    expect(bodyOf(again!).message_id).to.equal(h.chat.messages.at(-1)!.id);

    const messages = h.chat.messages;
    expect(messages.map((m) => m.author)).to.deep.equal(['user', 'assistant']);
    expect(messages[1]!.answer).to.equal('Second');
    expect(messages[1]!.version).to.equal(1);
    expect(messages[1]!.versions!.map((m) => [m.id, m.answer, m.status])).to.deep.equal([
      [first.id, 'First', 'done'],
      [messages[1]!.id, 'Second', 'done'],
    ]);
    expect(h.lastMessage, 'the same message element, its text replaced').to.equal(answerElement);
    expect(h.answerOf().textContent!.trim()).to.equal('Second');
    expect(switcherText(h.lastMessage)).to.equal('‹ 2 / 2 ›');
    expect(part(h.lastMessage, 'version-next')!.getAttribute('aria-disabled')).to.equal('true');
    expect(part(h.lastMessage, 'version-previous')!.getAttribute('aria-label')).to.equal('Previous version');
  });

  it('switches versions: the log, `messages` and each version’s feedback follow; the next question carries the version shown', async () => {
    const { h, fixture } = await textFixture('First', 'Second', 'Third');
    await h.ask('Why?');
    await clickAndWait(h, h.lastMessage, 'action-regenerate');
    part(h.lastMessage, 'action-good')!.click();
    await h.lastMessage.updateComplete;

    part(h.lastMessage, 'version-previous')!.click();
    await h.chat.updateComplete;
    await h.lastMessage.updateComplete;
    expect(h.answerOf().textContent!.trim()).to.equal('First');
    expect(switcherText(h.lastMessage)).to.equal('‹ 1 / 2 ›');
    expect(part(h.lastMessage, 'version-previous')!.getAttribute('aria-disabled')).to.equal('true');
    expect(part(h.lastMessage, 'action-good')!.getAttribute('aria-pressed'), 'feedback is per version').to.equal(
      'false',
    );
    expect(h.chat.messages.at(-1)!.answer).to.equal('First');
    expect(h.chat.messages.at(-1)!.version).to.equal(0);

    part(h.lastMessage, 'version-next')!.click();
    await h.chat.updateComplete;
    await h.lastMessage.updateComplete;
    expect(h.answerOf().textContent!.trim()).to.equal('Second');
    expect(part(h.lastMessage, 'action-good')!.getAttribute('aria-pressed')).to.equal('true');

    // Back to the first version, then a new question: the conversation sent is the one shown.
    part(h.lastMessage, 'version-previous')!.click();
    await h.chat.updateComplete;
    await h.ask('And then?');
    const requests = await fixture.requests();
    expect(bodyOf(requests.at(-1)!).messages).to.deep.equal([
      { role: 'user', content: 'Why?' },
      { role: 'assistant', content: 'First' },
      { role: 'user', content: 'And then?' },
    ]);
    expect(bodyOf(requests.at(-1)!).regenerate, 'a new question regenerates nothing').to.equal(undefined);
    await h.chat.updateComplete;
    const [, earlier] = h.messageElements;
    await earlier!.updateComplete;
    expect(part(earlier!, 'action-regenerate'), 'only the last answer regenerates').to.equal(null);
    expect(switcherText(earlier!), 'an earlier answer keeps its switcher').to.equal('‹ 1 / 2 ›');
    expect(part(h.lastMessage, 'action-regenerate')).not.to.equal(null);
  });

  it('on the reference server: answered anew, and the history keeps the versions', async () => {
    const conversationId = `regen-${Math.random().toString(36).slice(2)}`;
    const h = await chatFixture({ 'conversation-id': conversationId });
    await h.ask('Regenerate me');
    const first = h.chat.messages.at(-1)!;
    await h.lastMessage.updateComplete;
    await clickAndWait(h, h.lastMessage, 'action-regenerate');
    const second = h.chat.messages.at(-1)!;
    expect(second.status).to.equal('done');
    expect(second.answer, 'a different answer').not.to.equal(first.answer);

    const reloaded = await chatFixture({ 'conversation-id': conversationId, 'history-endpoint': '/api/history' });
    await until(() => reloaded.chat.messages.length === 2, 5000, 'the history');
    const [question, answer] = reloaded.chat.messages;
    expect(question!.answer).to.equal('Regenerate me');
    expect(answer!.answer).to.equal(second.answer);
    expect(answer!.versions!.map((m) => m.answer)).to.deep.equal([first.answer, second.answer]);
    await reloaded.lastMessage.updateComplete;
    expect(switcherText(reloaded.lastMessage)).to.equal('‹ 2 / 2 ›');
  });

  it('is not offered while the answer streams, nor by `actions` without it', async () => {
    // The default actions: only the streaming keeps it away.
    const h = await chatFixture({ endpoint: chatUrl('', { chunk_ms: 10 }) });
    void h.chat.send('Slowly');
    await until(() => h.lastText().length > 20, 10000, 'some text');
    expect(part(h.lastMessage, 'action-regenerate')).to.equal(null);
    await h.chat.regenerate(); // busy: does nothing
    expect(h.chat.messages.at(-1)!.versions).to.equal(undefined);
    h.chat.stop();
    await h.chat.updateComplete;
    await h.lastMessage.updateComplete;
    expect(part(h.lastMessage, 'action-regenerate'), 'offered once it stopped').not.to.equal(null);
    h.chat.actions = 'copy';
    await h.chat.updateComplete;
    await h.lastMessage.updateComplete;
    expect(part(h.lastMessage, 'action-copy')).not.to.equal(null);
    expect(part(h.lastMessage, 'action-regenerate')).to.equal(null);
  });
});

describe('edit and resend', () => {
  it('puts the last question into an editor; Enter sends it in place of the question and its answer, with `edit: <id>`', async () => {
    const { h, fixture } = await textFixture('One', 'Two', 'Three');
    await h.ask('Frist');
    await h.ask('Secnod');
    const replaced = h.chat.messages.at(-1)!;
    const [firstQuestion, , lastQuestion] = h.messageElements;
    await lastQuestion!.updateComplete;
    expect(part(firstQuestion!, 'action-edit'), 'only the last question').to.equal(null);
    part(lastQuestion!, 'action-edit')!.click();
    await lastQuestion!.updateComplete;
    const input = part<HTMLTextAreaElement>(lastQuestion!, 'editor-input')!;
    expect(input.value).to.equal('Secnod');
    expect(lastQuestion!.shadowRoot!.activeElement).to.equal(input);
    expect(input.getAttribute('aria-label')).to.equal('Edit your question');

    input.value = '';
    await sendKeys({ type: 'Second' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'line' });
    expect(input.value, 'Shift+Enter is a new line').to.equal('Second\nline');
    const ended = oneEvent(h.chat, 'sse-done');
    await sendKeys({ press: 'Enter' });
    await ended;

    const messages = h.chat.messages;
    expect(messages.map((m) => m.answer)).to.deep.equal(['Frist', 'One', 'Second\nline', 'Three']);
    expect(messages.at(-1)!.id).not.to.equal(replaced.id);
    const last = (await fixture.requests()).at(-1)!;
    expect(bodyOf(last).edit).to.equal(replaced.id);
    expect(bodyOf(last).messages).to.deep.equal([
      { role: 'user', content: 'Frist' },
      { role: 'assistant', content: 'One' },
      { role: 'user', content: 'Second\nline' },
    ]);
    expect(h.messageElements.length).to.equal(4);
  });

  it('Escape and the cancel button close the editor and change nothing', async () => {
    const { h, fixture } = await textFixture('One');
    await h.ask('Keep me');
    const question = h.messageElements[0]!;
    await question.updateComplete;
    await question.startEdit();
    part<HTMLTextAreaElement>(question, 'editor-input')!.value = 'Changed';
    await sendKeys({ press: 'Escape' });
    await question.updateComplete;
    expect(part(question, 'editor')).to.equal(null);
    expect(h.answerOf(question).textContent).to.equal('Keep me');
    expect(question.shadowRoot!.activeElement, 'focus back on the edit button').to.equal(part(question, 'action-edit'));

    await question.startEdit();
    part(question, 'editor-cancel')!.click();
    await question.updateComplete;
    expect(part(question, 'editor')).to.equal(null);
    expect(h.chat.messages.map((m) => m.answer)).to.deep.equal(['Keep me', 'One']);
    expect((await fixture.requests()).length).to.equal(1);
  });

  it('stops an answer still streaming first, telling the stop endpoint, then asks the edited question', async () => {
    const h = await chatFixture({ endpoint: chatUrl('', { chunk_ms: 20 }), 'stop-endpoint': '/api/stop' });
    void h.chat.send('Too slow');
    await until(() => h.lastText().length > 20, 10000, 'some text');
    const streaming = h.chat.messages.at(-1)!;
    const question = h.messageElements[0]!;
    await question.startEdit();
    part<HTMLTextAreaElement>(question, 'editor-input')!.value = 'Quick one';
    const ended = oneEvent(h.chat, 'sse-done');
    part(question, 'editor-send')!.click();
    await ended;
    const server = await debugMessage(streaming.id);
    expect(server.stopped, 'the old answer was stopped on the server').to.equal(true);
    const messages = h.chat.messages;
    expect(messages.map((m) => [m.author, m.status])).to.deep.equal([
      ['user', 'done'],
      ['assistant', 'done'],
    ]);
    expect(messages[0]!.answer).to.equal('Quick one');
    expect(messages[1]!.id).not.to.equal(streaming.id);
  });

  it('names the answer by the id the server gave it, also when edited while it streams', async () => {
    const event = `id: 1\ndata: ${JSON.stringify({
      mode: 'append',
      message_id: 'server-id',
      data: [{ id: 1, type: 'text', content: 'Hi' }],
    })}\n\n`;
    const answer = 'id: 1\ndata: {"mode":"finish"}\n\n';
    // The first stream breaks after its first event, the resume hangs: the answer is still live.
    const fixture = await registerFixture([
      { body: event, cut: event.length },
      { body: '', hang: true },
      { body: answer },
    ]);
    const h = await chatFixture({ endpoint: fixture.url });
    void h.chat.send('First');
    await until(async () => (await fixture.requests()).length === 2, 5000, 'the resume under way');
    const ended = oneEvent(h.chat, 'sse-done');
    await h.chat.edit('Second');
    await ended;
    const requests = await fixture.requests();
    expect(bodyOf(requests[2]!).edit).to.equal('server-id');
    expect(h.chat.messages.map((m) => m.answer)).to.deep.equal(['Second', '']);
  });

  it('ArrowUp in an empty composer edits the last question; not with text in it, nor without the edit action', async () => {
    const { h } = await textFixture('One');
    await h.ask('Up here');
    const question = h.messageElements[0]!;
    await question.updateComplete;
    h.type('draft');
    expect(h.key('ArrowUp').defaultPrevented, 'with a draft the caret moves').to.equal(false);
    expect(part(question, 'editor')).to.equal(null);
    h.type('');
    expect(h.key('ArrowUp').defaultPrevented).to.equal(true);
    await until(
      () => question.shadowRoot!.activeElement === part(question, 'editor-input'),
      3000,
      'the editor focused',
    );
    await sendKeys({ press: 'Escape' });
    await question.updateComplete;

    h.chat.actions = 'copy';
    await h.chat.updateComplete;
    await question.updateComplete;
    expect(part(question, 'action-edit')).to.equal(null);
    expect(h.key('ArrowUp').defaultPrevented).to.equal(false);
    expect(part(question, 'editor')).to.equal(null);
  });
});

describe('focus and the server’s chain of versions', () => {
  it('keeps focus on a version arrow at the end, and in the composer after a regenerate', async () => {
    const { h } = await textFixture('First', 'Second');
    await h.ask('Why?');
    await h.lastMessage.updateComplete;
    part(h.lastMessage, 'action-regenerate')!.focus(); // as a reader tabbing to it
    await clickAndWait(h, h.lastMessage, 'action-regenerate');
    expect(h.root.activeElement, 'the composer has focus while the new answer streamed').to.equal(h.input);
    const previous = part(h.lastMessage, 'version-previous')!;
    previous.focus();
    previous.click();
    await h.chat.updateComplete;
    await h.lastMessage.updateComplete;
    expect(previous.getAttribute('aria-disabled')).to.equal('true');
    expect(h.lastMessage.shadowRoot!.activeElement, 'focus stays on the arrow').to.equal(previous);
    // At the first version there is nothing to show: the click asks nothing (the event is sent
    // during the click, at the message, before <sse-chat> stops it).
    let asked = 0;
    h.lastMessage.addEventListener('sse-version', () => asked++);
    previous.click();
    expect(asked).to.equal(0);
    part(h.lastMessage, 'version-next')!.click();
    expect(asked, 'the other arrow still asks').to.equal(1);
  });

  it('regenerates and edits the newest version, also when an earlier one is shown', async () => {
    const { h, fixture } = await textFixture('One', 'Two', 'Three', 'Four');
    await h.ask('Why?');
    await clickAndWait(h, h.lastMessage, 'action-regenerate');
    const newest = h.chat.messages.at(-1)!.id;
    part(h.lastMessage, 'version-previous')!.click();
    await h.chat.updateComplete;
    await h.lastMessage.updateComplete;
    await clickAndWait(h, h.lastMessage, 'action-regenerate');
    let requests = await fixture.requests();
    expect(bodyOf(requests.at(-1)!).regenerate, 'the newest, as the server chains them').to.equal(newest);
    const answer = h.chat.messages.at(-1)!;
    expect(answer.versions!.map((m) => m.answer)).to.deep.equal(['One', 'Two', 'Three']);
    expect(answer.version).to.equal(2);

    part(h.lastMessage, 'version-previous')!.click();
    await h.chat.updateComplete;
    await h.chat.edit('Why not?');
    requests = await fixture.requests();
    expect(bodyOf(requests.at(-1)!).edit).to.equal(answer.id);
    expect(h.chat.messages.map((m) => m.answer)).to.deep.equal(['Why not?', 'Four']);
  });
});
