import { expect, oneEvent } from '@open-wc/testing';
import type { SseChat } from '../../components/sse-chat.js';
import type { SseDoneEvent } from '../../components/events.js';
import { chatFixture, chatUrl, until } from '../helpers/chat.js';
import { debugMessage } from '../helpers/stream.js';

let conversations = 0;
const conversationId = (name: string) => `${name}-${Date.now()}-${++conversations}`;

/** Creates a finished answer in a conversation, the way another tab would. */
async function answerElsewhere(conversation: string, prompt: string): Promise<string> {
  const messageId = `m-${conversation}-${Math.random().toString(36).slice(2)}`;
  const response = await fetch('/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      conversation_id: conversation,
      message_id: messageId,
      messages: [{ role: 'user', content: prompt }],
    }),
  });
  await response.text();
  return messageId;
}

/** Every text the log shows, rendered. */
const shownText = (chat: SseChat) =>
  [...chat.shadowRoot!.querySelectorAll('sse-message')].map((m) => m.shadowRoot!.textContent ?? '').join('\n');

describe('<sse-chat>: conversations and pending answers', () => {
  it('loads the conversation from history-endpoint on connect', async () => {
    const conversation = conversationId('history');
    const id = await answerElsewhere(conversation, 'earlier question');
    const server = await debugMessage(id);
    const h = await chatFixture({ 'history-endpoint': '/api/history', 'conversation-id': conversation });
    await until(() => h.chat.messages.length === 2, 5000, 'history');
    const [question, answer] = h.chat.messages;
    expect(question).to.include({ author: 'user', answer: 'earlier question', status: 'done' });
    expect(answer).to.include({ id, author: 'assistant', status: 'done', answer: server.answer, think: server.think });
    await h.lastMessage.updateComplete;
    expect(h.answerOf().querySelector('h1')).to.exist;
  });

  it('switching A → B → A never stops A on the server, never shows A in B, and continues A exactly', async () => {
    const a = conversationId('A');
    const b = conversationId('B');
    const h = await chatFixture({
      endpoint: chatUrl('', { chunk_ms: 15 }),
      'history-endpoint': '/api/history',
      'conversation-id': a,
    });
    void h.chat.send('question in A');
    await until(() => h.lastText().length > 40, 10000, 'A streaming');
    const aId = h.chat.messages[1]!.id;

    h.chat.conversationId = b;
    await h.chat.updateComplete;
    await until(() => h.chat.messages.length === 0 && h.statusText === '', 5000, 'B loaded (empty)');
    void h.chat.send('question in B');
    await until(() => h.lastText().length > 40, 10000, 'B streaming');
    const bId = h.chat.messages[1]!.id;
    const aWhileInB = await debugMessage(aId);
    expect(aWhileInB.stopped, 'A goes on on the server').to.equal(false);
    expect(aWhileInB.answer.length).to.be.greaterThan(0);
    expect(shownText(h.chat)).not.to.contain('question in A');

    h.chat.conversationId = a;
    const done = (await oneEvent(h.chat, 'sse-done')) as SseDoneEvent;
    const aServer = await debugMessage(aId);
    expect(done.detail.message.id).to.equal(aId);
    expect(done.detail.message.answer).to.equal(aServer.answer);
    expect(done.detail.message.think).to.equal(aServer.think);
    expect(aServer.generations).to.equal(1);
    expect(
      aServer.connections.some((c) => (c.offset ?? 0) > 0),
      'A was resumed from an offset',
    ).to.equal(true);
    expect(h.chat.messages.map((m) => m.answer)[0]).to.equal('question in A');
    expect(shownText(h.chat)).not.to.contain('question in B');

    h.chat.conversationId = b;
    await h.chat.updateComplete;
    await until(() => h.chat.messages[1]?.id === bId && h.chat.messages[1].status === 'done', 15000, 'B finished');
    const bServer = await debugMessage(bId);
    expect(h.chat.messages[1]!.answer).to.equal(bServer.answer);
    expect(shownText(h.chat)).not.to.contain('question in A');
  });

  it('without a history endpoint, A → B → A restores A from memory and resumes it', async () => {
    const h = await chatFixture({ endpoint: chatUrl('', { chunk_ms: 10 }), 'conversation-id': conversationId('memA') });
    const a = h.chat.conversationId;
    void h.chat.send('remember me');
    await until(() => h.lastText().length > 30, 10000, 'A streaming');
    const aId = h.chat.messages[1]!.id;
    h.chat.conversationId = conversationId('memB');
    await h.chat.updateComplete;
    expect(h.chat.messages).to.deep.equal([]);
    const ended = oneEvent(h.chat, 'sse-done');
    h.chat.conversationId = a;
    const done = (await ended) as SseDoneEvent;
    const server = await debugMessage(aId);
    expect(done.detail.message.answer).to.equal(server.answer);
    expect(h.chat.messages[0]!.answer).to.equal('remember me');
    expect(server.generations).to.equal(1);
  });

  it('a page reload in the middle of an answer continues it', async () => {
    const conversation = conversationId('reload');
    const iframe = document.createElement('iframe');
    iframe.style.cssText = 'width: 600px; height: 500px';
    const endpoint = chatUrl('', { chunk_ms: 15 });
    iframe.src = `/test/fixtures/chat-page.html?conversation=${conversation}&endpoint=${encodeURIComponent(endpoint)}`;
    document.body.append(iframe);
    try {
      const frameChat = () => (iframe.contentWindow as (Window & { chat?: SseChat }) | null)?.chat;
      await until(() => frameChat()?.hasUpdated === true, 10000, 'page loaded');
      void frameChat()!.send('reload me');
      await until(() => (frameChat()!.messages.at(-1)?.answer.length ?? 0) > 20, 10000, 'answer streaming');
      const id = frameChat()!.messages[1]!.id;
      const before = frameChat();
      iframe.contentWindow!.location.reload();
      await until(
        () => frameChat() !== undefined && frameChat() !== before && frameChat()!.hasUpdated,
        10000,
        'reloaded',
      );
      await until(() => frameChat()!.messages.at(-1)?.status === 'done', 15000, 'answer done after reload');
      const server = await debugMessage(id);
      const [question, answer] = frameChat()!.messages;
      expect(question!.answer).to.equal('reload me');
      expect(answer!.answer).to.equal(server.answer);
      expect(answer!.think).to.equal(server.think);
      expect(server.generations).to.equal(1);
      expect(server.connections.length, 'the first request, then one resume after the reload').to.equal(2);
      expect(server.connections[1]!.offset).to.be.greaterThan(0);
    } finally {
      iframe.remove();
    }
  });

  it('send() right after switching conversation asks in the new one and leaves the old answer going', async () => {
    const a = conversationId('switch-send-A');
    const b = conversationId('switch-send-B');
    const h = await chatFixture({
      endpoint: chatUrl('', { chunk_ms: 15 }),
      'history-endpoint': '/api/history',
      'conversation-id': a,
    });
    void h.chat.send('asked in A');
    await until(() => h.lastText().length > 20, 10000, 'A streaming');
    const aId = h.chat.messages[1]!.id;
    h.chat.setAttribute('conversation-id', b); // a "new chat" button
    const done = (await Promise.all([oneEvent(h.chat, 'sse-done'), h.chat.send('asked in B')]))[0] as SseDoneEvent;
    expect(h.chat.messages.map((m) => m.answer)[0]).to.equal('asked in B');
    expect(h.chat.messages).to.have.length(2);
    const bServer = await debugMessage(done.detail.message.id);
    expect(bServer.prompt).to.equal('asked in B');
    expect((await debugMessage(aId)).stopped, 'A never stopped').to.equal(false);
  });

  it('send() while the history is loading waits for it: the question comes after the conversation', async () => {
    const conversation = conversationId('slow-history');
    await answerElsewhere(conversation, 'the earlier question');
    const h = await chatFixture({ 'conversation-id': conversation });
    h.chat.fetch = async (input, init) => {
      if (String(input).includes('/api/history')) await new Promise((r) => setTimeout(r, 300));
      return fetch(input, init);
    };
    h.chat.historyEndpoint = '/api/history';
    await h.chat.updateComplete;
    await h.chat.send('the new question');
    expect(h.chat.messages.map((m) => `${m.author}:${m.status}`)).to.deep.equal([
      'user:done',
      'assistant:done',
      'user:done',
      'assistant:done',
    ]);
    expect(h.chat.messages[0]!.answer).to.equal('the earlier question');
    expect(h.chat.messages[2]!.answer).to.equal('the new question');
  });

  it('clear() while the history is loading keeps the log empty', async () => {
    const conversation = conversationId('clear-history');
    await answerElsewhere(conversation, 'gone');
    const h = await chatFixture({ 'conversation-id': conversation });
    h.chat.fetch = async (input, init) => {
      await new Promise((r) => setTimeout(r, 200));
      return fetch(input, init);
    };
    h.chat.historyEndpoint = '/api/history';
    await h.chat.updateComplete;
    h.chat.clear();
    await new Promise((r) => setTimeout(r, 400));
    expect(h.chat.messages).to.deep.equal([]);
  });
});

describe('<sse-chat>: a question sent while a conversation loads', () => {
  it('goes after the history of the conversation it ends up in, even when the conversation switches meanwhile', async () => {
    const a = conversationId('slow-A');
    const b = conversationId('slow-B');
    await answerElsewhere(b, 'earlier in B');
    const h = await chatFixture({});
    const gates: Array<() => void> = [];
    let firstLoadDone = false;
    h.chat.fetch = async (input, init) => {
      if (!String(input).includes('/api/history')) return fetch(input, init);
      const first = gates.length === 0;
      await new Promise<void>((open) => gates.push(open));
      try {
        return await fetch(input, init); // A's is aborted by the switch: it rejects
      } finally {
        if (first) firstLoadDone = true;
      }
    };
    h.chat.setAttribute('history-endpoint', '/api/history');
    h.chat.setAttribute('conversation-id', a);
    await until(() => gates.length === 1, 5000, "A's history requested");
    const sent = h.chat.send('the question');
    h.chat.conversationId = b;
    await until(() => gates.length === 2, 5000, "B's history requested");
    gates[0]!(); // A's load, called off by the switch, ends first
    await until(() => firstLoadDone, 5000, "A's load to end");
    await new Promise((resolve) => setTimeout(resolve, 20)); // room for a question sent too early
    gates[1]!();
    await sent;
    const log = h.chat.messages.map((m) => `${m.author}:${m.author === 'user' ? m.answer : m.status}`);
    expect(log).to.deep.equal(['user:earlier in B', 'assistant:done', 'user:the question', 'assistant:done']);
  });
});
