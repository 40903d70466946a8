/**
 * The built classic-script file (dist/sse-chat.iife.js), loaded by a plain <script> tag
 * (see the `iife` group in web-test-runner.config.mjs), streams an answer end to end.
 */
import { expect } from '@open-wc/testing';
import type * as Api from '../../src/index.js';

declare global {
  interface Window {
    SseChat?: typeof Api;
  }
}

describe('dist/sse-chat.iife.js (classic script)', () => {
  it('exposes the API on window.SseChat without modules or AMD', () => {
    const api = window.SseChat!;
    expect(api).to.be.an('object');
    expect(api.StreamController).to.be.a('function');
    expect(api.VERSION).to.match(/^\d+\.\d+\.\d+/);
    expect(document.querySelector('script[src$="sse-chat.iife.js"]')!.getAttribute('type')).to.equal(null);
  });

  it('streams a whole answer through the reference server, resuming a cut', async () => {
    const { StreamController } = window.SseChat!;
    const controller = new StreamController(undefined, { endpoint: '/api/chat?faults=cut:1000', retryDelay: 10 });
    const end = await controller.start({ messages: [{ role: 'user', content: 'classic script' }] });
    const server = await (await fetch(`/api/_debug/message?message_id=${end.messageId}`)).json();
    expect(end.status).to.equal('done');
    expect(end.answer).to.equal(server.answer);
    expect(end.think).to.equal(server.think);
    expect(controller.stats.reconnects).to.equal(1);
  });
});

describe('dist/sse-chat.iife.js: the elements', () => {
  it('registers <sse-chat>, which streams a whole answer', async () => {
    const chat = document.createElement('sse-chat');
    chat.setAttribute('endpoint', '/api/chat?faults=cut:1500');
    chat.setAttribute('retry-delay', '10');
    document.body.append(chat);
    try {
      await chat.send('from a classic script');
      const [question, answer] = chat.messages;
      const server = await (await fetch(`/api/_debug/message?message_id=${answer!.id}`)).json();
      expect(question!.answer).to.equal('from a classic script');
      expect(answer!.status).to.equal('done');
      expect(answer!.answer).to.equal(server.answer);
      const message = chat.shadowRoot!.querySelectorAll('sse-message')[1]!;
      expect(message.shadowRoot!.querySelector('[part="answer"] h1')).to.exist;
    } finally {
      chat.remove();
    }
  });

  it('warns instead of throwing when the script is loaded a second time', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(String(message));
    const errors: string[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.message);
    window.addEventListener('error', onError);
    try {
      const script = document.createElement('script');
      script.src = '/dist/sse-chat.iife.js?second-copy';
      const loaded = new Promise((resolve) => (script.onload = resolve));
      document.head.append(script);
      await loaded;
    } finally {
      console.warn = warn;
      window.removeEventListener('error', onError);
    }
    expect(errors).to.deep.equal([]);
    expect(warnings.filter((w) => /is already defined/.test(w))).to.have.length(2);
  });
});
