/**
 * A finished answer renders its markdown once the browser finds it relevant (near the viewport,
 * found in the page): until then it holds its source as plain text in a
 * `content-visibility: auto` box. Waiting for the element, or `flush()`, renders it at once.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../components/define.js';
import type { SseMessage } from '../../components/sse-message.js';
import { until } from '../helpers/chat.js';

const source = (n: number) => `# Answer ${n}\n\nSome **bold** text and a list:\n\n- one\n- two\n`;
const answerOf = (message: SseMessage) => message.shadowRoot!.querySelector<HTMLElement>('[part="answer"]')!;
const rendered = (message: SseMessage) => answerOf(message).querySelector('h1') !== null;
const frames = (n: number) =>
  new Promise<void>((resolve) => {
    const step = () => (n-- > 0 ? requestAnimationFrame(step) : resolve());
    step();
  });

async function longLog(count = 60): Promise<{ log: HTMLElement; messages: SseMessage[] }> {
  const log = await fixture<HTMLElement>(html`<div style="height: 300px; overflow: auto"></div>`);
  const messages = Array.from({ length: count }, (_, n) => {
    const message = document.createElement('sse-message');
    message.status = 'done';
    message.answer = source(n);
    return message;
  });
  log.append(...messages);
  // Their first render happens in microtasks (awaiting the last one renders its markdown too):
  // scrolled to the end before the browser lays out, as a chat's log is.
  await messages.at(-1)!.updateComplete;
  log.scrollTop = log.scrollHeight;
  return { log, messages };
}

describe('<sse-message>: finished answers render when relevant', () => {
  it('renders the answers near the view; the others hold their source as text until scrolled to', async () => {
    const { log, messages } = await longLog();
    const last = messages.at(-2)!;
    await until(() => rendered(last), 3000, 'an answer at the end rendered');
    await frames(5);
    const first = messages[0]!;
    expect(rendered(first), 'far above the view').to.equal(false);
    expect(answerOf(first).textContent, 'its source, as text').to.equal(source(0));
    expect(getComputedStyle(answerOf(first)).contentVisibility).to.equal('auto');
    expect(messages.filter(rendered).length, 'only those near the view').to.be.below(messages.length / 2);

    log.scrollTop = 0;
    await until(() => rendered(first), 3000, 'the first answer rendered once scrolled to');
    expect(answerOf(first).querySelector('li')!.textContent).to.equal('one');
    expect(answerOf(first).classList.contains('later')).to.equal(false);
    expect(getComputedStyle(answerOf(first)).contentVisibility).not.to.equal('auto');
  });

  it('renders at once when waited for (updateComplete) or flushed, whether near the view or not', async () => {
    const { messages } = await longLog();
    await frames(3);
    const [first, second] = messages;
    expect(rendered(first!)).to.equal(false);
    await first!.updateComplete;
    expect(rendered(first!)).to.equal(true);
    second!.flush();
    expect(rendered(second!)).to.equal(true);
    expect(answerOf(second!).querySelector('strong')!.textContent).to.equal('bold');
  });

  it('a streaming answer renders at once; a question, its text as is, with its first render', async () => {
    const { messages } = await longLog(30);
    const streaming = document.createElement('sse-message');
    streaming.status = 'streaming';
    const question = document.createElement('sse-message');
    question.author = 'user';
    question.answer = '# not markdown';
    messages[0]!.before(question, streaming);
    for (let i = 0; i < 5; i++) await Promise.resolve(); // Lit's update microtasks: a streaming one renders there
    expect(streaming.hasUpdated, 'a streaming message never waits its turn').to.equal(true);
    streaming.appendText('answer', '# Streaming\n\n');
    streaming.flush();
    expect(answerOf(streaming).querySelector('h1')!.textContent).to.equal('Streaming');
    await until(() => question.hasUpdated, 3000, 'the question rendered');
    expect(answerOf(question).textContent).to.equal('# not markdown');
    expect(answerOf(question).classList.contains('later')).to.equal(false);
  });

  it('an answer waiting to render that streams again (a resumed history answer) shows its text at once', async () => {
    const { messages } = await longLog(40);
    const first = messages[0]!; // far above the view: waiting
    await frames(3);
    expect(rendered(first)).to.equal(false);
    first.status = 'streaming';
    await frames(1);
    first.appendText('answer', 'More _appended_ text.\n\n');
    await until(() => answerOf(first).querySelector('em')?.textContent === 'appended', 3000, 'the appended text');
    expect(answerOf(first).querySelector('h1')!.textContent, 'with the text before it').to.equal('Answer 0');
  });

  it('an answer waiting to render that gets a new text renders that text, off screen, without waiting to be scrolled to', async () => {
    const { messages } = await longLog(40);
    const first = messages[0]!;
    await frames(3);
    expect(answerOf(first).textContent).to.equal(source(0));
    first.answer = '# Replaced\n';
    await until(() => answerOf(first).querySelector('h1')?.textContent === 'Replaced', 3000, 'the new text rendered');
    expect(answerOf(first).textContent).not.to.contain('Answer 0');
  });

  it('a message removed before its turn is not rendered; put back, it is', async () => {
    const box = await fixture<HTMLElement>(html`<div></div>`);
    const message = document.createElement('sse-message');
    message.status = 'done';
    message.answer = source(1);
    box.append(message);
    await Promise.resolve(); // connected: its first render is queued, not done
    message.remove();
    await frames(3);
    expect(message.hasUpdated, 'off the page: skipped').to.equal(false);
    box.append(message);
    await until(() => message.hasUpdated, 3000, 'rendered once back');
  });
});
