/**
 * examples/esm.html: the self-contained ES module (`dist/sse-chat.js`) imported by a
 * `<script type="module">`: the import registers the tags, and its `StreamController`
 * export streams without the widget.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { chatIn, expectFullAnswer, fill, openPage, typeAndEnter, type OpenedPage } from '../helpers/example-page.js';
import { debugMessage, question } from '../helpers/stream.js';

describe('examples/esm.html', () => {
  let page: OpenedPage;
  afterEach(() => page?.close());

  const open = async () => {
    page = await openPage('/examples/esm.html', (p) => chatIn(p) !== undefined);
    return {
      chat: chatIn(page)!,
      $: <T extends HTMLElement = HTMLElement>(s: string) => page.doc.querySelector<T>(s)!,
    };
  };

  it('one module script imports the self-contained file, which registers the tags', async () => {
    await open();
    const scripts = [...page.doc.scripts];
    expect(scripts.map((s) => s.type)).to.deep.equal(['module']);
    expect(scripts[0]!.textContent).to.match(/from '(\.\/)?\.\.\/dist\/sse-chat\.js'/);
    expect(page.win.customElements.get('sse-chat')).to.be.a('function');
    expect('SseChat' in page.win, 'no global: this is the module build').to.equal(false);
    expect(page.doc.getElementById('version')!.textContent, 'the VERSION export').to.match(/^sse-chat \d+\.\d+\.\d+/);
    expect(page.problems).to.deep.equal([]);
  });

  it('the widget streams a full answer typed by the reader', async () => {
    const { chat } = await open();
    typeAndEnter(page, chat, question('From a module')[0]!.content);
    await waitUntil(() => chat.messages.at(-1)?.status === 'done', 'answered', { timeout: 15000 });
    const server = await expectFullAnswer(chat);
    expect(server.connections[0]!.headers['x-test']).to.equal('esm-example');
    expect(page.problems).to.deep.equal([]);
  });

  it('the StreamController export streams a full answer into the page without the widget', async () => {
    const { $ } = await open();
    fill(page, $<HTMLInputElement>('#quick-question'), question('Headless')[0]!.content);
    $<HTMLButtonElement>('#quick-form button').click();
    await waitUntil(() => $('#quick-answer').dataset.messageId !== undefined, 'the page stored the message id', {
      timeout: 15000,
    });
    const server = await debugMessage($('#quick-answer').dataset.messageId!);
    expect($('#quick-status').textContent).to.equal('done');
    expect(server.done).to.equal(true);
    expect(server.answer.length).to.be.greaterThan(200);
    expect($('#quick-answer').textContent, 'streamed text, byte for byte').to.equal(server.answer);
    expect(page.problems).to.deep.equal([]);
  });
});
