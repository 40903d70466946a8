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
