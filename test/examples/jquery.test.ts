/**
 * examples/jquery.html: jQuery creates, configures and drives the widget (`.attr`, `.prop`,
 * `chat.send()` from its own controls) and handles its events with `.on()`. The tests use
 * the page's own controls and read the page's own jQuery-made panel.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { chatIn, expectFullAnswer, fill, openPage, recordRequests, type OpenedPage } from '../helpers/example-page.js';
import { chatUrl, debugMessage, question } from '../helpers/stream.js';

describe('examples/jquery.html', () => {
  let page: OpenedPage;
  afterEach(() => page?.close());

  const open = async () => {
    page = await openPage(
      '/examples/jquery.html',
      (p) => chatIn(p) !== undefined && p.doc.getElementById('status') !== null,
    );
    const $ = <T extends HTMLElement = HTMLElement>(selector: string) => page.doc.querySelector<T>(selector)!;
    return {
      chat: chatIn(page)!,
      $,
      logLines: () => [...page.doc.querySelectorAll('#log li')].map((li) => li.textContent!),
    };
  };

  it('jQuery made the element: string attributes with .attr(), objects as properties with .prop()', async () => {
    const { chat } = await open();
    expect(chat.parentElement!.id).to.equal('chat-slot');
    expect(chat.getAttribute('endpoint')).to.equal('/api/chat');
    expect(chat.getAttribute('history-endpoint')).to.equal('/api/history');
    expect(chat.getAttribute('stop-endpoint')).to.equal('/api/stop');
    expect(chat.headers).to.deep.equal({ 'X-Test': 'jquery-example' });
    expect(chat.body).to.deep.equal({ tone: 'concise' });
    expect(chat.hasAttribute('headers') || chat.hasAttribute('body'), 'no "[object Object]" attributes').to.equal(
      false,
    );
    expect(page.problems).to.deep.equal([]);
  });

  it("streams a full answer asked with the page's own form; the .on() handler got sse-done's detail", async () => {
    const { chat, $, logLines } = await open();
    const requests = recordRequests(page);
    // Listeners run in the order they were added: the page's .on() handler has run by then.
    const seen: string[] = [];
    chat.addEventListener('sse-status', () => {
      const buttons = ['#ask', '#stop']
        .map((id) => `${id}:${$<HTMLButtonElement>(id).disabled ? 'off' : 'on'}`)
        .join(' ');
      seen.push(`${$('#status').textContent} ${buttons}`);
    });
    fill(page, $<HTMLInputElement>('#question'), question('Where is my parcel?')[0]!.content);
    $('#ask').click();
    await waitUntil(() => logLines().length === 1, 'the page logged the answer', { timeout: 15000 });
    expect(seen, 'the panel and buttons followed sse-status').to.include.members([
      'connecting #ask:off #stop:on',
      'streaming #ask:off #stop:on',
      'done #ask:on #stop:off',
    ]);
    const server = await expectFullAnswer(chat);
    expect(logLines()).to.deep.equal([`${server.answer.length} characters · ${server.messageId}`]);
    expect($('#status').textContent).to.equal('done');
    expect($('#status').dataset.status).to.equal('done');
    expect($<HTMLButtonElement>('#ask').disabled).to.equal(false);
    expect($<HTMLButtonElement>('#stop').disabled).to.equal(true);
    expect(server.connections[0]!.headers['x-test'], 'the .prop() header reached the server').to.equal(
      'jquery-example',
    );
    const chatRequests = requests.filter((r) => r.path === '/api/chat');
    expect(chatRequests).to.have.length(1);
    expect(chatRequests[0]!.body).to.include({ tone: 'concise', message_id: server.messageId });
    expect(page.problems).to.deep.equal([]);
  });

  it('a new .prop("body") object from the tone select goes with the next question', async () => {
    const { chat, $, logLines } = await open();
    const requests = recordRequests(page);
    fill(page, $<HTMLSelectElement>('#tone'), 'detailed');
    expect(chat.body).to.deep.equal({ tone: 'detailed' });
    fill(page, $<HTMLInputElement>('#question'), question('Tell me more')[0]!.content);
    $('#ask').click();
    await waitUntil(() => logLines().length === 1, 'the page logged the answer', { timeout: 15000 });
    await expectFullAnswer(chat);
    expect(requests.find((r) => r.path === '/api/chat')!.body).to.include({ tone: 'detailed' });
    expect(page.problems).to.deep.equal([]);
  });

  it("the page's stop button stops the answer on the server; what was shown stays", async () => {
    const { chat, $, logLines } = await open();
    chat.setAttribute('endpoint', chatUrl('', { chunk_ms: 20 })); // slow enough to press stop
    fill(page, $<HTMLInputElement>('#question'), question('Stop me')[0]!.content);
    $('#ask').click();
    await waitUntil(
      () => (chat.messages.at(-1)?.answer.length ?? 0) + (chat.messages.at(-1)?.think.length ?? 0) > 20,
      'streaming',
    );
    $('#stop').click();
    await waitUntil(() => $('#status').textContent === 'stopped', 'the page shows stopped');
    const answer = chat.messages.at(-1)!;
    expect(answer.status).to.equal('stopped');
    expect(answer.think.length + answer.answer.length).to.be.greaterThan(20);
    await waitUntil(async () => (await debugMessage(answer.id)).stopped, 'the server stopped the job');
    expect(logLines(), 'no sse-done for a stopped answer').to.deep.equal([]);
    $('#clear').click();
    await waitUntil(() => chat.messages.length === 0 && $('#status').textContent === 'idle', 'cleared');
    expect(page.problems).to.deep.equal([]);
  });
});
