/**
 * examples/vue2.html: a Vue 2.7 app (development build, so template mistakes warn) with the
 * widget in its template: `ignoredElements`, objects bound with `.prop`, events with `@sse-*`,
 * a conversation switcher bound to `conversation-id`. Driven through the app's own buttons.
 */
import { expect, waitUntil } from '@open-wc/testing';
import {
  chatIn,
  expectFullAnswer,
  openPage,
  recordRequests,
  type OpenedPage,
  type PageWindow,
} from '../helpers/example-page.js';
import { debugMessage } from '../helpers/stream.js';

/** What the tests read of the page's Vue instance (`window.app`). */
interface HelpCentre {
  conversations: Array<{ id: string; title: string; answers: number }>;
  current: string;
  status: string;
  lastAnswer: string;
  $nextTick(): Promise<void>;
}
type VueWindow = PageWindow & { app?: HelpCentre; Vue?: { version: string; config: { ignoredElements: string[] } } };

describe('examples/vue2.html', () => {
  let page: OpenedPage<VueWindow>;
  afterEach(() => page?.close());

  const open = async () => {
    page = await openPage<VueWindow>('/examples/vue2.html', (p) => p.win.app !== undefined && chatIn(p) !== undefined);
    const $ = <T extends HTMLElement = HTMLElement>(selector: string) => page.doc.querySelector<T>(selector)!;
    const buttons = (selector: string) => [...page.doc.querySelectorAll<HTMLButtonElement>(selector)];
    return { chat: chatIn(page)!, app: page.win.app!, $, buttons };
  };

  it('Vue 2.7 renders the element as a native tag (ignoredElements) and binds objects as properties', async () => {
    const { chat, app } = await open();
    expect(page.win.Vue!.version).to.match(/^2\.7\./);
    expect(page.win.Vue!.config.ignoredElements).to.include.members(['sse-chat', 'sse-message']);
    expect(chat.getAttribute('conversation-id')).to.equal(app.current);
    expect(chat.conversationId).to.equal(app.current);
    expect(chat.headers).to.deep.equal({ 'X-Test': 'vue2-example' });
    expect(chat.body).to.deep.equal({ detail: 'short' });
    expect(chat.hasAttribute('headers') || chat.hasAttribute('body'), 'no "[object Object]" attributes').to.equal(
      false,
    );
    expect(page.problems, 'no Vue warning such as "Unknown custom element"').to.deep.equal([]);
  });

  it('streams a full answer asked from a suggestion button; the header bound with .prop reaches the server', async () => {
    const { chat, app, $, buttons } = await open();
    const statuses: string[] = [];
    chat.addEventListener('sse-status', () => statuses.push(app.status));
    buttons('.suggestions button')[0]!.click();
    await waitUntil(() => page.doc.querySelector('.last-answer') !== null, 'the app shows the answer', {
      timeout: 15000,
    });
    const server = await expectFullAnswer(chat);
    expect(server.prompt).to.equal('How do resumable streams work?');
    expect(server.connections[0]!.headers['x-test']).to.equal('vue2-example');
    await app.$nextTick();
    expect(app.lastAnswer, '@sse-done handed the app the whole answer').to.equal(server.answer);
    expect($('.status').textContent).to.equal('Status: done');
    expect($('.last-answer').textContent!.trim()).to.equal(`· last answer: ${server.answer.length} characters`);
    expect(buttons('.conversations button')[0]!.textContent!.trim()).to.equal('Conversation 1 (1)');
    expect(statuses, '@sse-status kept the app in step').to.include.members(['connecting', 'streaming', 'done']);
    expect(buttons('.suggestions button').every((b) => !b.disabled)).to.equal(true);
    expect(page.problems).to.deep.equal([]);
  });

  it('a new :body.prop object (the "Detailed answers" checkbox) goes with the next question', async () => {
    const { chat, app, $, buttons } = await open();
    const requests = recordRequests(page);
    $<HTMLInputElement>('input[type="checkbox"]').click();
    await waitUntil(() => (chat.body as { detail?: string } | undefined)?.detail === 'long', 'Vue set the new body');
    buttons('.suggestions button')[1]!.click();
    await waitUntil(() => app.lastAnswer !== '', 'answered', { timeout: 15000 });
    await expectFullAnswer(chat);
    const chatRequest = requests.find((r) => r.path === '/api/chat')!;
    expect(chatRequest.body).to.include({ detail: 'long', conversation_id: app.current });
    expect(chatRequest.headers['x-test']).to.equal('vue2-example');
    expect(page.problems).to.deep.equal([]);
  });

  it('switches conversation through conversation-id: a new one starts empty, the first comes back from history', async () => {
    const { chat, app, $, buttons } = await open();
    const first = app.current;
    buttons('.suggestions button')[0]!.click();
    await waitUntil(() => chat.messages.at(-1)?.status === 'done', 'first conversation answered', { timeout: 15000 });
    const firstServer = await expectFullAnswer(chat);

    $('.new-conversation').click();
    await waitUntil(() => chat.getAttribute('conversation-id') !== first, 'Vue bound the new id');
    const second = app.current;
    expect(chat.getAttribute('conversation-id')).to.equal(second);
    await waitUntil(() => chat.messages.length === 0, 'the new conversation starts empty');
    buttons('.suggestions button')[1]!.click();
    await waitUntil(() => chat.messages.at(-1)?.status === 'done', 'second conversation answered', { timeout: 15000 });
    const secondServer = await expectFullAnswer(chat);
    expect(secondServer.connections[0]!.bodyConversationId, 'asked in the new conversation').to.equal(second);

    buttons('.conversations button')[0]!.click();
    await waitUntil(
      () =>
        chat.getAttribute('conversation-id') === first &&
        chat.messages.length === 2 &&
        chat.messages[1]!.status === 'done',
      'the first conversation came back from /api/history',
    );
    expect(chat.messages.map((m) => m.answer)).to.deep.equal(['How do resumable streams work?', firstServer.answer]);
    await expectFullAnswer(chat); // rendered again from history, identical
    expect((await debugMessage(firstServer.messageId)).generations).to.equal(1);
    expect(buttons('.conversations button').map((b) => b.textContent!.trim())).to.deep.equal([
      'Conversation 1 (1)',
      'Conversation 2 (1)',
    ]);
    expect(page.problems).to.deep.equal([]);
  });
});
