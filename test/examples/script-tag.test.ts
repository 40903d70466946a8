/**
 * examples/script-tag.html: the built classic script in a plain page, markup plus a few
 * lines of vanilla JS. Loaded as it is served (an iframe on the test server, the reference
 * server under /api), used the way a reader uses it.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { chatIn, expectFullAnswer, openPage, typeAndEnter, type OpenedPage } from '../helpers/example-page.js';
import { chatUrl, question } from '../helpers/stream.js';

describe('examples/script-tag.html', () => {
  let page: OpenedPage;
  afterEach(() => page?.close());

  const open = async () => {
    page = await openPage('/examples/script-tag.html', (p) => chatIn(p) !== undefined);
    return { chat: chatIn(page)!, text: (id: string) => page.doc.getElementById(id)!.textContent!.trim() };
  };

  it('loads the widget with one classic script: no module, tags registered, window.SseChat', async () => {
    await open();
    const scripts = [...page.doc.scripts];
    expect(scripts.map((s) => s.type)).to.deep.equal(['', ''], 'two classic scripts, nothing else');
    expect(scripts[0]!.getAttribute('src')).to.equal('../dist/sse-chat.iife.js');
    expect(page.win.customElements.get('sse-chat')).to.be.a('function');
    expect(page.win.customElements.get('sse-message')).to.be.a('function');
    expect((page.win as unknown as { SseChat: { VERSION: string } }).SseChat.VERSION).to.match(/^\d+\.\d+\.\d+/);
    expect(page.problems).to.deep.equal([]);
  });

  it('streams a full answer typed by the reader; the page code hears sse-status and sse-done', async () => {
    const { chat, text } = await open();
    const statuses: string[] = [];
    chat.addEventListener('sse-status', () => statuses.push(text('connection')));
    typeAndEnter(page, chat, question('What is a resumable stream?')[0]!.content);
    await waitUntil(() => text('answers') === '1', 'the page counted one answer', { timeout: 15000 });
    const server = await expectFullAnswer(chat);
    expect(text('connection')).to.equal('done');
    expect(statuses).to.include('streaming');
    expect(text('last-answer')).to.equal(`· last: ${server.answer.length} characters (${server.messageId})`);
    expect(server.generations).to.equal(1);
    expect(page.problems).to.deep.equal([]);
  });

  it('resumes a cut connection from the classic-script page: one generation, nothing lost or doubled', async () => {
    const { chat, text } = await open();
    // What page code does to point the widget elsewhere; here the reference server's fault
    // injection cuts the first connection after 1500 bytes.
    chat.setAttribute('endpoint', chatUrl('cut:1500'));
    const seen = new Set<string>();
    chat.addEventListener('sse-status', () => seen.add(text('connection')));
    typeAndEnter(page, chat, question('Survive a cut')[0]!.content);
    await waitUntil(() => chat.status === 'done', 'the answer ended', { timeout: 15000 });
    const server = await expectFullAnswer(chat);
    expect([...seen], 'the page showed the reconnect').to.include('reconnecting (1/5)');
    expect(chat.stats.reconnects).to.equal(1);
    expect(server.generations, 'resumed, never asked again').to.equal(1);
    expect(server.connections).to.have.length(2);
    expect(server.connections[1]!.offset).to.be.greaterThan(0);
    expect(server.connections[1]!.lastEventId).to.equal(String(server.connections[1]!.offset));
    await waitUntil(() => text('answers') === '1', 'the page counted the answer once');
    expect(page.problems).to.deep.equal([]);
  });
});
