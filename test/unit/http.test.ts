import { expect } from '@open-wc/testing';
import { errorDetail, responseError } from '../../src/http.js';

const now = Date.parse('2026-11-22T10:00:00Z');
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, statusText: '', headers: { 'content-type': 'application/json', ...headers } });

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
    expect(await responseError(json(503, {}, { 'retry-after': date }), now)).to.include({ retryable: true, retryAfterMs: 5000 });
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
