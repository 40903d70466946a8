import { expect, oneEvent } from '@open-wc/testing';
import type { SseDoneEvent, SseErrorEvent, SseStatusDetail } from '../../components/events.js';
import { chatFixture, chatUrl, question, until } from '../helpers/chat.js';
import { debugMessage, scriptedFetch } from '../helpers/stream.js';
import { renderedHtml, wholeRender } from '../helpers/markdown.js';

/** Records every value of the reflected retry attributes, as CSS would see them. */
function recordAttributes(element: HTMLElement) {
  const seen: string[] = [];
  const snapshot = () =>
    `${element.getAttribute('status')}|${element.getAttribute('retry-attempt') ?? '-'}|${element.getAttribute('retry-max') ?? '-'}`;
  const observer = new MutationObserver(() => {
    const now = snapshot();
    if (seen.at(-1) !== now) seen.push(now);
  });
  observer.observe(element, { attributes: true, attributeFilter: ['status', 'retry-attempt', 'retry-max'] });
  return { seen, stop: () => observer.disconnect() };
}

describe('<sse-chat>', () => {
  describe('attributes', () => {
    it('reflects status from connecting through streaming to done', async () => {
      const h = await chatFixture();
      const statuses: string[] = [];
      h.chat.addEventListener('sse-status', (e) => statuses.push(e.detail.status));
      expect(h.chat.getAttribute('status')).to.equal('idle');
      await h.ask();
      expect(statuses).to.deep.equal(['connecting', 'streaming', 'done']);
      expect(h.chat.getAttribute('status')).to.equal('done');
      expect(h.lastMessage.getAttribute('status')).to.equal('done');
    });

    it('reflects status="reconnecting", retry-attempt and retry-max while retrying, and removes them after', async () => {
      const h = await chatFixture({ endpoint: chatUrl('cut:400,500'), 'max-retries': '4', 'retry-delay': '50' });
      const attributes = recordAttributes(h.chat);
      await h.ask();
      attributes.stop();
      expect(attributes.seen).to.include('reconnecting|1|4');
      expect(attributes.seen).to.include('reconnecting|2|4');
      expect(attributes.seen.at(-1)).to.equal('done|-|-');
      expect(h.chat.hasAttribute('retry-attempt')).to.equal(false);
    });

    it('sends conversation-id, method, headers and body with every request', async () => {
      const h = await chatFixture({ endpoint: chatUrl('cut:300'), 'conversation-id': 'conv-attrs', method: 'GET' });
      h.chat.headers = { 'X-Test': 'from-headers' };
      h.chat.body = { model: 'tiny', temperature: 0 };
      const done = (await h.ask()) as SseDoneEvent;
      const server = await debugMessage(done.detail.message.id);
      expect(server.connections.length).to.equal(2);
      for (const connection of server.connections) {
        expect(connection.method).to.equal('GET');
        expect(connection.query.conversation_id).to.equal('conv-attrs');
        expect(connection.headers['x-test']).to.equal('from-headers');
        // GET puts the request body in the query, one parameter per field.
        expect(connection.query.model).to.equal('tiny');
        expect(connection.query.temperature).to.equal('0');
      }
    });
  });

  describe('streaming', () => {
    it('renders exactly the server answer, cut twice and resumed, the same as rendering it at once', async () => {
      const h = await chatFixture({ endpoint: chatUrl('cut:300,cut:900') });
      const done = (await h.ask()) as SseDoneEvent;
      const server = await debugMessage(done.detail.message.id);
      expect(done.detail.message.answer).to.equal(server.answer);
      expect(done.detail.message.think).to.equal(server.think);
      expect(renderedHtml(h.answerOf())).to.equal(wholeRender(server.answer));
      expect(renderedHtml(h.thinkOf().querySelector('[part="think-body"]')!)).to.equal(wholeRender(server.think));
      expect(h.chat.stats.reconnects).to.equal(2);
      expect(server.generations).to.equal(1);
    });

    it('shows a backslash-n in agent code as those two characters, not a line break (decode-escapes auto)', async () => {
      const h = await chatFixture();
      expect(h.chat.decodeEscapes).to.equal('auto');
      const script = scriptedFetch();
      h.chat.fetch = script.fetch;
      const append = (seq: number, content: string) =>
        `id: ${seq}\ndata: ${JSON.stringify({ mode: 'append', data: [{ id: seq, type: 'text', content }] })}\n\n`;
      // JSON carries the newlines; `\\n` in the JSON is the backslash and the n of C's `"a\n"`,
      // here split between two events.
      script.push(
        append(1, 'In C:\n\n```c\nprintf("a\\') + append(2, 'n");\n```\n') + 'id: 3\ndata: {"mode":"finish"}\n\n',
      );
      script.close();
      const done = (await h.ask()) as SseDoneEvent;
      const code = 'In C:\n\n```c\nprintf("a\\n");\n```\n';
      expect(done.detail.message.answer).to.equal(code);
      expect(h.answerOf().querySelector('pre code')!.textContent).to.equal('printf("a\\n");\n');
      expect(renderedHtml(h.answerOf())).to.equal(wholeRender(code));
    });

    it('opens the think block while thinking and collapses it when the answer starts', async () => {
      const h = await chatFixture({ endpoint: chatUrl('', { chunk_ms: 25 }) });
      const ended = oneEvent(h.chat, 'sse-done');
      void h.chat.send(question()[0]!.content);
      await until(() => h.messageElements.at(-1)?.hasAttribute('thinking') === true, 10000, 'thinking');
      await h.lastMessage.updateComplete;
      const summary = () => h.thinkOf().querySelector('summary')!.textContent!.trim();
      expect(h.thinkOf().open).to.equal(true);
      expect(summary()).to.equal('Thinking…');
      await until(() => h.lastMessage.answer.length > 0, 10000, 'answer text');
      await h.lastMessage.updateComplete;
      expect(h.lastMessage.hasAttribute('thinking')).to.equal(false);
      expect(h.thinkOf().open).to.equal(false);
      expect(summary()).to.match(/^Thought for \d+ s$/);
      await ended;
    });

    it('leaves the think block open when the reader opened it', async () => {
      const h = await chatFixture({ endpoint: chatUrl('', { chunk_ms: 25 }) });
      const ended = oneEvent(h.chat, 'sse-done');
      void h.chat.send(question()[0]!.content);
      await until(() => h.messageElements.at(-1)?.hasAttribute('thinking') === true, 10000, 'thinking');
      await h.lastMessage.updateComplete;
      const summary = h.thinkOf().querySelector('summary')!;
      summary.click(); // closes
      await until(() => !h.thinkOf().open);
      summary.click(); // opens again: the reader wants it
      await until(() => h.lastMessage.answer.length > 0, 10000, 'answer text');
      await ended;
      await h.lastMessage.updateComplete;
      expect(h.thinkOf().open).to.equal(true);
    });

    it('fires sse-message for the question and the answer, one sse-done with meta, and sse-event for named events', async () => {
      const h = await chatFixture();
      const messages: string[] = [];
      const named: string[] = [];
      let doneCount = 0;
      h.chat.addEventListener('sse-message', (e) => messages.push(e.detail.message.author));
      h.chat.addEventListener('sse-event', (e) => named.push(`${e.detail.type}:${JSON.parse(e.detail.data).step}`));
      h.chat.addEventListener('sse-done', () => doneCount++);
      const done = (await h.ask()) as SseDoneEvent;
      expect(messages).to.deep.equal(['user', 'assistant']);
      expect(named).to.deep.equal(['task_progress:drafting']);
      expect(done.detail.meta).to.include({ status: 'available' });
      expect(done.bubbles && done.composed).to.equal(true);
      await new Promise((r) => setTimeout(r, 50));
      expect(doneCount).to.equal(1);
    });

    it('ends in error with the status in words, once, when the endpoint answers 404', async () => {
      const h = await chatFixture({ endpoint: chatUrl('404') });
      let errors = 0;
      h.chat.addEventListener('sse-error', () => errors++);
      const event = (await h.ask()) as SseErrorEvent;
      await h.chat.updateComplete;
      expect(event.type).to.equal('sse-error');
      expect(event.detail.error.status).to.equal(404);
      expect(h.chat.status).to.equal('error');
      expect(h.statusText).to.match(/^No answer: The chat endpoint or answer was not found \(HTTP 404.*\)\.$/);
      expect(h.lastMessage.getAttribute('status')).to.equal('error');
      expect(h.lastMessage.answer).to.equal('', 'the error text never goes into the answer');
      await new Promise((r) => setTimeout(r, 50));
      expect(errors).to.equal(1);
    });

    it('keeps what was rendered when the retries run out', async () => {
      const h = await chatFixture({ endpoint: chatUrl('cut:3000,500,500,500'), 'max-retries': '2' });
      const event = (await h.ask()) as SseErrorEvent;
      await h.chat.updateComplete;
      expect(event.detail.error.type).to.equal('retries-exhausted');
      expect(h.statusText).to.match(/^No answer: The server had a problem .*gave up after 2 retries\.$/);
      const shown = h.lastMessage.think + h.lastMessage.answer;
      expect(shown.length).to.be.greaterThan(50);
      const server = await debugMessage(event.detail.message.id);
      expect((server.think + server.answer).startsWith(shown)).to.equal(true);
      expect(h.answerOf().textContent!.length + h.thinkOf().textContent!.length).to.be.greaterThan(40);
    });

    it('resume() after the retries ran out continues the same answer to the end, exactly', async () => {
      const h = await chatFixture({ endpoint: chatUrl('cut:1500,500'), 'max-retries': '1' });
      const failed = (await h.ask()) as SseErrorEvent;
      expect(failed.detail.error.type).to.equal('retries-exhausted');
      const shown = h.chat.messages.at(-1)!;
      expect(shown.think.length + shown.answer.length).to.be.greaterThan(0);

      const done = oneEvent(h.chat, 'sse-done');
      await h.chat.resume(); // the third request of the plan has no fault
      const { detail } = (await done) as SseDoneEvent;
      await h.chat.updateComplete;
      const server = await debugMessage(detail.message.id);
      expect(detail.message.id).to.equal(failed.detail.message.id, 'the same answer, not a new one');
      expect(detail.message.think).to.equal(server.think);
      expect(detail.message.answer).to.equal(server.answer);
      expect(renderedHtml(h.answerOf())).to.equal(wholeRender(server.answer));
      expect(h.chat.messages.map((m) => `${m.author}:${m.status}`)).to.deep.equal(['user:done', 'assistant:done']);
      expect(server.generations).to.equal(1);
      expect(server.connections.map((c) => c.offset! > 0)).to.deep.equal([false, true, true]);
    });

    it('shows reconnect progress in words: reason, attempt and delay', async () => {
      const h = await chatFixture({ endpoint: chatUrl('503:1'), 'max-retries': '3' });
      const ended = oneEvent(h.chat, 'sse-done');
      void h.chat.send(question()[0]!.content);
      await until(() => h.chat.status === 'reconnecting', 10000, 'reconnecting');
      await h.chat.updateComplete;
      expect(h.statusText).to.match(/^The server had a problem \(HTTP 503.*\)\. Reconnecting \(1\/3\) in 1 s…$/);
      await ended;
    });

    it('shows stop only while streaming; stop ends the answer, tells the server and keeps the text', async () => {
      const h = await chatFixture({ endpoint: chatUrl('', { chunk_ms: 20 }), 'stop-endpoint': '/api/stop' });
      const stop = h.part<HTMLButtonElement>('stop');
      const send = h.part<HTMLButtonElement>('send');
      expect(stop.hidden).to.equal(true);
      const finished = h.chat.send(question()[0]!.content);
      await until(() => h.lastText().length > 30, 10000, 'some text');
      await h.chat.updateComplete;
      expect(stop.hidden).to.equal(false);
      expect(send.hidden).to.equal(true);
      stop.click();
      await finished;
      await h.chat.updateComplete;
      expect(h.chat.status).to.equal('stopped');
      expect(h.lastMessage.getAttribute('status')).to.equal('stopped');
      expect(stop.hidden).to.equal(true);
      const id = h.chat.messages.at(-1)!.id;
      await until(async () => (await debugMessage(id)).stopped, 5000, 'server told to stop');
      expect(h.lastMessage.think.length).to.be.greaterThan(30);
      expect(h.statusText).to.equal('Stopped.');
    });

    it('exposes the conversation as messages and the stream counters as stats', async () => {
      const h = await chatFixture({ endpoint: chatUrl('replay:3') });
      const done = (await h.ask('What is SSE?')) as SseDoneEvent;
      const messages = h.chat.messages;
      expect(messages.map((m) => [m.author, m.status])).to.deep.equal([
        ['user', 'done'],
        ['assistant', 'done'],
      ]);
      expect(messages[0]!.answer).to.equal('What is SSE?');
      expect(messages[1]!.answer).to.equal(done.detail.message.answer);
      const { stats } = h.chat;
      expect(stats.attempts).to.equal(1);
      expect(stats.events).to.be.greaterThan(10);
      expect(stats.bytes).to.be.greaterThan(1000);
      expect(stats.lastEventAt).to.be.a('number');
    });

    it('sends the conversation so far with the next question', async () => {
      const h = await chatFixture();
      await h.ask('first question');
      const first = h.chat.messages[1]!;
      const bodies: unknown[] = [];
      h.chat.fetch = (input, init) => {
        if (typeof init?.body === 'string') bodies.push(JSON.parse(init.body));
        return fetch(input, init);
      };
      const done = (await h.ask('second question')) as SseDoneEvent;
      expect(h.chat.messages.map((m) => m.answer)).to.deep.equal([
        'first question',
        first.answer,
        'second question',
        done.detail.message.answer,
      ]);
      expect(bodies).to.have.length(1);
      expect((bodies[0] as { messages: unknown }).messages).to.deep.equal([
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: first.answer },
        { role: 'user', content: 'second question' },
      ]);
      const server = await debugMessage(done.detail.message.id);
      expect(server.prompt).to.equal('second question');
    });

    it('stop() right after send() calls the answer off before any request', async () => {
      const h = await chatFixture();
      let requests = 0;
      h.chat.fetch = (input, init) => {
        requests++;
        return fetch(input, init);
      };
      const sent = h.chat.send('never asked');
      h.chat.stop();
      await sent;
      await h.chat.updateComplete;
      expect(requests).to.equal(0);
      expect(h.chat.messages.map((m) => m.status)).to.deep.equal(['done', 'stopped']);
      expect(h.chat.status).to.equal('stopped');
      expect(h.part<HTMLButtonElement>('stop').hidden).to.equal(true);
    });

    it('two send() calls at once: the first is called off, the second streams', async () => {
      const h = await chatFixture();
      const first = h.chat.send('first');
      const second = h.chat.send('second');
      await Promise.all([first, second]);
      expect(h.chat.messages.map((m) => `${m.author}:${m.status}`)).to.deep.equal([
        'user:done',
        'assistant:stopped',
        'user:done',
        'assistant:done',
      ]);
      const server = await debugMessage(h.chat.messages[3]!.id);
      expect(h.chat.messages[3]!.answer).to.equal(server.answer);
    });

    it('clear() empties the log and goes back to idle', async () => {
      const h = await chatFixture();
      await h.ask();
      h.chat.clear();
      await h.chat.updateComplete;
      expect(h.messageElements).to.have.length(0);
      expect(h.chat.messages).to.deep.equal([]);
      expect(h.chat.status).to.equal('idle');
      expect(h.statusText).to.equal('');
    });

    it('removing the element lets go of the request; the server keeps generating', async () => {
      const h = await chatFixture({ endpoint: chatUrl('', { chunk_ms: 20 }) });
      void h.chat.send(question()[0]!.content);
      await until(() => h.lastText().length > 10, 10000, 'some text');
      const id = h.chat.messages.at(-1)!.id;
      h.chat.remove();
      await until(async () => (await debugMessage(id)).openConnections === 0, 5000, 'connection closed');
      const server = await debugMessage(id);
      expect(server.stopped).to.equal(false);
      expect(h.chat.messages.at(-1)!.status).to.equal('pending');
    });

    it('follows the answer again after being moved in the page', async () => {
      const h = await chatFixture({ endpoint: chatUrl('', { chunk_ms: 5 }) });
      const parent = h.chat.parentElement!;
      void h.chat.send(question()[0]!.content);
      await until(() => h.lastText().length > 10, 10000, 'some text');
      const ended = oneEvent(h.chat, 'sse-done');
      parent.append(h.chat); // disconnect + connect, as frameworks do when they reorder
      const done = (await ended) as SseDoneEvent;
      const server = await debugMessage(done.detail.message.id);
      expect(done.detail.message.answer).to.equal(server.answer);
      expect(done.detail.message.think).to.equal(server.think);
      expect(server.generations).to.equal(1);
    });
  });

  describe('composer', () => {
    it('sends on Enter, clears the box, and disables send while the box is empty', async () => {
      const h = await chatFixture();
      const send = h.part<HTMLButtonElement>('send');
      expect(send.disabled).to.equal(true);
      h.type('hello there');
      await h.chat.updateComplete;
      expect(send.disabled).to.equal(false);
      const started = oneEvent(h.chat, 'sse-message');
      expect(h.key('Enter').defaultPrevented).to.equal(true);
      expect((await started).detail.message.answer).to.equal('hello there');
      expect(h.input.value).to.equal('');
      await oneEvent(h.chat, 'sse-done');
    });

    it('does not send on Shift+Enter (a new line) nor on the Enter that ends an IME composition', async () => {
      const h = await chatFixture();
      h.type('日本');
      expect(h.key('Enter', { shiftKey: true }).defaultPrevented).to.equal(false);
      expect(h.key('Enter', { isComposing: true }).defaultPrevented).to.equal(false);
      expect(h.key('Enter', { keyCode: 229 } as KeyboardEventInit).defaultPrevented).to.equal(false);
      await new Promise((r) => setTimeout(r, 30));
      expect(h.chat.messages).to.have.length(0);
      expect(h.input.value).to.equal('日本');
    });

    it('stops a streaming answer on Escape in the text box (the server told), and leaves Escape alone otherwise', async () => {
      const h = await chatFixture({ endpoint: chatUrl('', { chunk_ms: 20 }), 'stop-endpoint': '/api/stop' });
      expect(h.key('Escape').defaultPrevented, 'nothing streams: not ours').to.equal(false);
      const sent = h.chat.send('stop me with Escape');
      await until(() => h.lastText().length > 5, 10000, 'some text');
      expect(h.key('Escape', { isComposing: true }).defaultPrevented, 'an IME cancelling').to.equal(false);
      expect(h.key('Escape').defaultPrevented).to.equal(true);
      await sent;
      expect(h.chat.status).to.equal('stopped');
      const id = h.chat.messages.at(-1)!.id;
      await until(async () => (await debugMessage(id)).stopped, 5000, 'server told to stop');
    });

    it('sends with the send button, and not at all when disabled', async () => {
      const h = await chatFixture();
      h.chat.disabled = true;
      await h.chat.updateComplete;
      expect(h.input.disabled).to.equal(true);
      h.type('nope');
      h.key('Enter');
      await new Promise((r) => setTimeout(r, 30));
      expect(h.chat.messages).to.have.length(0);
      h.chat.disabled = false;
      await h.chat.updateComplete;
      const done = oneEvent(h.chat, 'sse-done');
      h.part<HTMLButtonElement>('send').click();
      await done;
      expect(h.chat.messages[0]!.answer).to.equal('nope');
    });

    it('send() while an answer streams stops it first: one stream at a time', async () => {
      const h = await chatFixture({ endpoint: chatUrl('', { chunk_ms: 20 }) });
      const first = h.chat.send('first');
      await until(() => h.lastText().length > 5, 10000, 'first text');
      const second = h.chat.send('second');
      await first;
      expect(h.chat.messages[1]!.status).to.equal('stopped');
      h.chat.stop();
      await second;
      expect(h.chat.messages.map((m) => m.author)).to.deep.equal(['user', 'assistant', 'user', 'assistant']);
    });
  });

  describe('scrolling', () => {
    it('follows the stream, stops following when the reader scrolls up, and "Jump to latest" brings it back', async () => {
      const h = await chatFixture({ endpoint: chatUrl('', { size: 6000, chunk_ms: 3 }) });
      const log = h.part('log');
      const jump = h.part<HTMLButtonElement>('jump-latest');
      const atEnd = () => log.scrollHeight - log.scrollTop - log.clientHeight <= 24;
      const ended = oneEvent(h.chat, 'sse-done');
      void h.chat.send(question()[0]!.content);
      await until(() => log.scrollHeight > log.clientHeight * 2, 15000, 'a long answer');
      // Text grows within a frame before the log scrolls after it (at the frame's resize
      // observation): checked between frames, it is at the end once the frame is done.
      await until(atEnd, 3000, 'follows while at the end');
      expect(jump.hidden).to.equal(true);
      log.scrollTop = 0;
      log.dispatchEvent(new Event('scroll'));
      await h.chat.updateComplete;
      expect(jump.hidden).to.equal(false);
      await new Promise((r) => setTimeout(r, 200));
      expect(log.scrollTop, 'stays where the reader is').to.equal(0);
      jump.click();
      await h.chat.updateComplete;
      expect(jump.hidden).to.equal(true);
      await ended;
      await until(atEnd, 3000, 'at the end after the answer');
    });
  });

  describe('status events', () => {
    it('carry attempt, max and delay while reconnecting', async () => {
      const h = await chatFixture({ endpoint: chatUrl('500'), 'max-retries': '3', 'retry-delay': '40' });
      const details: SseStatusDetail[] = [];
      h.chat.addEventListener('sse-status', (e) => details.push(e.detail));
      await h.ask();
      const reconnecting = details.find((d) => d.status === 'reconnecting')!;
      expect(reconnecting.attempt).to.equal(1);
      expect(reconnecting.max).to.equal(3);
      expect(reconnecting.delayMs).to.be.within(30, 50); // 40 ms ± 25 % jitter
      expect(reconnecting.error?.status).to.equal(500);
    });
  });
});
