import { expect } from '@open-wc/testing';
import {
  abortable,
  attemptUrl,
  errorDetail,
  eventStreamHeaders,
  normalizeHeaders,
  resolveUrl,
  responseError,
  toError,
} from '../../src/http.js';
import { SseChatError } from '../../src/types.js';

const now = Date.parse('2026-11-22T10:00:00Z');
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    statusText: '',
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('response classification', () => {
  it('accepts a 200 event stream (with parameters)', async () => {
    const ok = new Response('', { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
    expect(await responseError(ok, now)).to.equal(undefined);
  });

  it('makes 4xx fatal with the status and the server message', async () => {
    for (const status of [400, 401, 403, 404, 422]) {
      const error = (await responseError(json(status, { error: { message: 'nope' } }), now))!;
      expect(error).to.include({ type: 'http', status, retryable: false });
      expect(error.message).to.equal(`HTTP ${status}: nope`);
    }
  });

  it('makes 408, 429 and 5xx retryable, with Retry-After where sent', async () => {
    expect(await responseError(json(408, {}), now)).to.include({ retryable: true, retryAfterMs: undefined });
    expect(await responseError(json(429, { message: 'slow down' }, { 'retry-after': '7' }), now)).to.include({
      retryable: true,
      retryAfterMs: 7000,
      message: 'HTTP 429: slow down',
    });
    const date = new Date(now + 5000).toUTCString();
    expect(await responseError(json(503, {}, { 'retry-after': date }), now)).to.include({
      retryable: true,
      retryAfterMs: 5000,
    });
    const sse500 = new Response(': boom\n\n', { status: 500, headers: { 'content-type': 'text/event-stream' } });
    expect(await responseError(sse500, now)).to.include({ retryable: true, status: 500 });
  });

  it('makes a wrong content type fatal and says what came', async () => {
    const html = new Response('<html></html>', { status: 200, headers: { 'content-type': 'text/html' } });
    const error = (await responseError(html, now))!;
    expect(error).to.include({ type: 'content-type', retryable: false });
    expect(error.message).to.equal('expected text/event-stream but the server sent "text/html" (HTTP 200)');
  });

  it('reads error details from JSON, text or nothing, never an HTML page', () => {
    expect(errorDetail('{"error":"bad key"}')).to.equal('bad key');
    expect(errorDetail('{"detail":"missing field"}')).to.equal('missing field');
    expect(errorDetail('upstream   timed\nout')).to.equal('upstream timed out');
    expect(errorDetail('<!doctype html><h1>502</h1>')).to.equal('');
    expect(errorDetail('')).to.equal('');
  });
});

describe('request building', () => {
  it('resolves URLs against the page', () => {
    expect(resolveUrl('/api/chat')).to.equal(new URL('/api/chat', document.baseURI).href);
    expect(resolveUrl('https://example.com/x')).to.equal('https://example.com/x');
  });

  it('puts a GET request in the query (objects as JSON) and the resume point after it', () => {
    const resume = { offset: 17, messageId: 'm1', conversationId: 'c1' };
    const query = {
      conversation_id: 'c1',
      messages: [{ role: 'user', content: 'hi' }],
      skipped: undefined,
      offset: 99,
    };
    const url = new URL(attemptUrl('/api/chat?keep=1', resume, query));
    expect(url.pathname).to.equal('/api/chat');
    expect(Object.fromEntries(url.searchParams)).to.deep.equal({
      keep: '1',
      conversation_id: 'c1',
      messages: '[{"role":"user","content":"hi"}]',
      offset: '17', // the resume point wins over a body field of the same name
      message_id: 'm1',
    });
  });

  it('sends no resume parameters for a new answer', () => {
    expect(new URL(attemptUrl('/api/chat', undefined)).search).to.equal('');
  });

  it('lowercases headers whatever form they came in', () => {
    expect(normalizeHeaders(undefined)).to.deep.equal({});
    expect(normalizeHeaders(new Headers({ 'X-Test': 'a' }))).to.deep.equal({ 'x-test': 'a' });
    expect(normalizeHeaders([['Authorization', 'Bearer t']])).to.deep.equal({ authorization: 'Bearer t' });
  });

  it('asks for an event stream with exactly one accept and one last-event-id', () => {
    const configured = { Accept: 'text/html', 'Last-Event-ID': '3', 'X-Test': 'a' };
    expect(eventStreamHeaders(configured, 'POST', 42)).to.deep.equal({
      accept: 'text/event-stream',
      'last-event-id': '42',
      'x-test': 'a',
      'content-type': 'application/json',
    });
    expect(eventStreamHeaders(configured, 'GET', undefined)).to.deep.equal({
      accept: 'text/event-stream',
      'x-test': 'a',
    });
  });
});

describe('failed requests', () => {
  it('makes anything thrown a retryable network error, and keeps our own errors', () => {
    const cause = new TypeError('Failed to fetch');
    expect(toError(cause)).to.include({
      type: 'network',
      retryable: true,
      message: 'network error: Failed to fetch',
      cause,
    });
    const own = new SseChatError('timeout', 'no data', { retryable: true });
    expect(toError(own)).to.equal(own);
  });

  it('rejects as soon as the signal aborts, even when the promise never settles', async () => {
    const controller = new AbortController();
    const pending = abortable(new Promise<never>(() => {}), controller.signal);
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DOMException).and.include({ name: 'AbortError' });
    expect(await abortable(Promise.resolve(7), new AbortController().signal)).to.equal(7);
  });
});
