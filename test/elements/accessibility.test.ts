import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type AxeCore from 'axe-core';
import type { SseMessage } from '../../components/sse-message.js';
import { chatFixture, chatUrl, question, until, type ChatHarness } from '../helpers/chat.js';
import { registerFixture } from '../helpers/fixture.js';

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

// --- regenerate, versions, edit --------------------------------------------------------------

/** A message's control by part. */
function control<T extends HTMLElement = HTMLButtonElement>(message: SseMessage, name: string): T {
  const element = message.shadowRoot!.querySelector<T>(`[part="${name}"]`);
  if (!element) throw new Error(`no part="${name}"`);
  return element;
}

const switcherText = (message: SseMessage) => control(message, 'versions').textContent!.replace(/\s+/g, ' ').trim();

/** A chat (these attributes) on a fixture answering these texts, one per request. */
async function textChat(attrs: Record<string, string>, ...answers: string[]): Promise<ChatHarness> {
  const fixture = await registerFixture(answers.map((text) => ({ body: `data: ${text}\n\n` })));
  return chatFixture({ endpoint: fixture.url, protocol: 'text', ...attrs });
}

/** A question answered, then its answer regenerated: version 2 of 2 shown, with its switcher. */
async function regenerated(attrs: Record<string, string> = {}): Promise<ChatHarness> {
  const h = await textChat(attrs, 'The first answer.', 'The second answer.');
  await h.ask('Why is the sky blue?');
  await h.lastMessage.updateComplete;
  const ended = oneEvent(h.chat, 'sse-done');
  control(h.lastMessage, 'action-regenerate').click();
  await ended;
  await h.chat.updateComplete;
  await h.lastMessage.updateComplete;
  expect(switcherText(h.lastMessage)).to.equal('‹ 2 / 2 ›');
  return h;
}

/** Shows another version with the switcher's button (`previous` or `next`). */
async function switchVersion(h: ChatHarness, to: 'previous' | 'next'): Promise<void> {
  control(h.lastMessage, `version-${to}`).click();
  await h.chat.updateComplete;
  await h.lastMessage.updateComplete;
}

/** A question answered, then its editor opened with its edit button. */
async function editing(attrs: Record<string, string> = {}): Promise<{ h: ChatHarness; question: SseMessage }> {
  const h = await textChat(attrs, 'An answer.');
  await h.ask('My question');
  const question = h.messageElements[0]!;
  await question.updateComplete;
  control(question, 'action-edit').click();
  await question.updateComplete;
  expect(control<HTMLTextAreaElement>(question, 'editor-input').value).to.equal('My question');
  return { h, question };
}

/** The element with focus, through shadow roots. */
function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/**
 * Tab from a button placed before the chat until the composer's text box: the `part` of each
 * control reached; each must show a focus ring.
 */
async function tabOrder(h: ChatHarness): Promise<string[]> {
  const before = document.createElement('button');
  before.textContent = 'before';
  h.chat.before(before);
  before.focus();
  const reached: string[] = [];
  try {
    for (let i = 0; i < 20 && reached.at(-1) !== 'input'; i++) {
      await sendKeys({ press: 'Tab' });
      const focused = deepActiveElement();
      reached.push(focused?.getAttribute('part') ?? String(focused?.tagName));
      if (focused instanceof HTMLElement && focused !== document.body) {
        const style = getComputedStyle(focused);
        expect(style.outlineStyle, `${reached.at(-1)} focus ring`).to.equal('solid');
        expect(parseFloat(style.outlineWidth), `${reached.at(-1)} focus ring`).to.be.at.least(2);
      }
    }
  } finally {
    before.remove();
  }
  return reached;
}

/** The accessible name axe computes (accname, over the flattened shadow trees); axe is loaded by an axe run. */
function accessibleName(element: Element): string {
  const { axe } = window as unknown as { axe: typeof AxeCore };
  axe.setup(document);
  try {
    return axe.commons.text.accessibleText(element).trim();
  } finally {
    axe.teardown();
  }
}

describe('<sse-chat>: accessibility of regenerate, versions and edit', () => {
  it('has no axe violations after a regenerate, the version switcher shown (light and dark)', async () => {
    for (const theme of ['light', 'dark']) {
      const h = await regenerated({ theme });
      await expectAccessible(h.chat, `regenerated, version 2 / 2 (${theme})`);
      await switchVersion(h, 'previous');
      expect(switcherText(h.lastMessage)).to.equal('‹ 1 / 2 ›');
      await expectAccessible(h.chat, `regenerated, version 1 / 2 (${theme})`);
    }
  });

  it('has no axe violations with the inline editor open on the last question (ltr and rtl)', async () => {
    for (const dir of ['ltr', 'rtl']) {
      const { h, question } = await editing({ theme: 'light', dir });
      expect(getComputedStyle(control(question, 'editor')).direction).to.equal(dir);
      await expectAccessible(h.chat, `editing the last question (${dir})`);
    }
  });

  it('has no axe violations with the version switcher under dir="rtl"', async () => {
    const h = await regenerated({ theme: 'light', dir: 'rtl' });
    const previous = control(h.lastMessage, 'version-previous').getBoundingClientRect();
    const next = control(h.lastMessage, 'version-next').getBoundingClientRect();
    expect(previous.left, 'mirrored: previous on the right').to.be.greaterThan(next.right - 1);
    await expectAccessible(h.chat, 'regenerated (rtl)');
  });

  it('gives every new control an accessible name', async () => {
    const h = await regenerated({ theme: 'light' });
    await expectAccessible(h.chat, 'regenerated'); // and loads axe for the names
    const answer = h.lastMessage;
    const [question] = h.messageElements;
    const names = (message: SseMessage, parts: string[]) =>
      Object.fromEntries(parts.map((name) => [name, accessibleName(control(message, name))]));
    expect(names(answer, ['actions', 'version-previous', 'version-next', 'action-regenerate'])).to.deep.equal({
      actions: 'Answer actions',
      'version-previous': 'Previous version',
      'version-next': 'Next version',
      'action-regenerate': 'Regenerate',
    });
    expect(control(answer, 'actions').getAttribute('role')).to.equal('toolbar');
    expect(names(question!, ['action-edit'])).to.deep.equal({ 'action-edit': 'Edit' });

    control(question!, 'action-edit').click();
    await question!.updateComplete;
    expect(names(question!, ['editor-input', 'editor-cancel', 'editor-send'])).to.deep.equal({
      'editor-input': 'Edit your question',
      'editor-cancel': 'Cancel',
      'editor-send': 'Send',
    });
  });

  it('reaches every new control with Tab, in reading order, with a focus ring', async () => {
    const h = await regenerated({ theme: 'light' });
    const answerActions = ['action-copy', 'action-regenerate', 'action-good', 'action-bad'];
    // Both arrows stay in the Tab order at the ends (aria-disabled), so focus is never dropped.
    const switcher = ['version-previous', 'version-next'];
    expect(await tabOrder(h)).to.deep.equal(['log', 'action-edit', ...switcher, ...answerActions, 'input']);
    await switchVersion(h, 'previous');
    expect(await tabOrder(h)).to.deep.equal(['log', 'action-edit', ...switcher, ...answerActions, 'input']);

    const question = h.messageElements[0]!;
    control(question, 'action-edit').click();
    await question.updateComplete;
    expect(await tabOrder(h)).to.deep.equal([
      'log',
      'editor-input',
      'editor-cancel',
      'editor-send',
      ...switcher,
      ...answerActions,
      'input',
    ]);
  });
});
