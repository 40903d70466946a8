import { expect } from '@open-wc/testing';
import { computeDelay } from '../../src/backoff.js';
import { StreamController } from '../../src/stream-controller.js';
import { chatUrl, debugMessage, FAST, scriptedFetch, startStream, expectExact } from '../helpers/stream.js';

describe('StreamController: errors and retries', () => {
  it('retries a 500 (even one labelled text/event-stream) with exponential backoff', async () => {
    const { statuses, result } = startStream({ endpoint: chatUrl('500,500,500,ok') });
    const end = await result;
    const server = await expectExact(end);
    const retries = statuses.filter((s) => s.status === 'reconnecting');
    expect(retries.map((s) => s.attempt)).to.deep.equal([1, 2, 3]);
    const expected = [1, 2, 3].map((n) => computeDelay(n, { baseDelay: 10, maxDelay: 100 }, () => 0.5));
    expect(retries.map((s) => s.delayMs)).to.deep.equal(expected);
    expect(expected).to.deep.equal([10, 20, 40]);
    expect(retries[0]!.error).to.include({ type: 'http', status: 500 });
    expect(retries[0]!.error!.message).to.contain('HTTP 500');
    expect(server.connections).to.have.length(4);
  });

  it('honours Retry-After on 503 (seconds), above retry-max-delay', async () => {
    const { statuses, result } = startStream({ endpoint: chatUrl('503:1') });
    const end = await result;
    expect(end.status).to.equal('done');
    const retry = statuses.find((s) => s.status === 'reconnecting')!;
    expect(retry.delayMs).to.equal(1000);
    expect(retry.error).to.include({ status: 503 });
  });

  // (408 is retryable too — see the http unit tests — but Chromium itself silently
  // retries a 408 on a kept-alive connection, so it cannot be observed here.)
  it('honours Retry-After as an HTTP-date on 503, and retries 429', async () => {
    const { statuses, result } = startStream({ endpoint: chatUrl('503date:2,429:0') });
    const end = await result;
    expect(end.status).to.equal('done');
    const retries = statuses.filter((s) => s.status === 'reconnecting');
    expect(retries.map((s) => s.error?.status)).to.deep.equal([503, 429]);
    expect(retries[0]!.delayMs).to.be.within(500, 2000);
    expect(retries[1]!.delayMs).to.equal(0);
  });

  it('ends in error on 404 without retrying, with a message naming the status', async () => {
    const { statuses, result } = startStream({ endpoint: chatUrl('404') });
    const end = await result;
    expect(end.status).to.equal('error');
    expect(end.error).to.include({ type: 'http', status: 404, retryable: false });
    expect(end.error!.message).to.equal('HTTP 404 Not Found: no such answer');
    expect(statuses.map((s) => s.status)).to.deep.equal(['connecting', 'error']);
    expect((await debugMessage(end.messageId)).connections).to.have.length(1);
  });

  it('ends in error on a wrong content type without retrying', async () => {
    const { result } = startStream({ endpoint: chatUrl('ctype') });
    const end = await result;
    expect(end.status).to.equal('error');
    expect(end.error!.type).to.equal('content-type');
    expect(end.error!.message).to.contain('text/event-stream').and.contain('text/html').and.contain('HTTP 200');
    expect((await debugMessage(end.messageId)).connections).to.have.length(1);
  });

  it('ends in error after max-retries failed attempts and keeps the text received so far', async () => {
    const { statuses, result } = startStream({ endpoint: chatUrl('cut:1800,500,500,500,500'), maxRetries: 3 });
    const end = await result;
    const server = await debugMessage(end.messageId);
    expect(end.status).to.equal('error');
    expect(end.error!.type).to.equal('retries-exhausted');
    expect(end.error!.message).to.match(/^gave up after 3 retries: HTTP 500/);
    expect(statuses.filter((s) => s.status === 'reconnecting').map((s) => s.attempt)).to.deep.equal([1, 2, 3]);
    expect(end.think.length).to.be.greaterThan(0);
    expect(server.think.startsWith(end.think)).to.equal(true);
    expect(server.connections).to.have.length(1 + 3);
  });

  it('skips malformed events with a warning each, without a reconnect', async () => {
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const { result } = startStream({ endpoint: chatUrl('malformed') });
      const end = await result;
      const server = await expectExact(end);
      expect(server.connections).to.have.length(1);
    } finally {
      console.warn = warn;
    }
    expect(warnings).to.have.length(3);
    expect(warnings.map((w) => String(w[0]))).to.satisfy((w: string[]) =>
      w.every((m) => m.startsWith('sse-chat: skipped')),
    );
  });

  it('counts a connect timeout as a failed attempt and retries', async () => {
    const { statuses, result } = startStream({ endpoint: chatUrl('hang'), connectTimeout: 300 });
    const end = await result;
    expect(end.status).to.equal('done');
    const retry = statuses.find((s) => s.status === 'reconnecting')!;
    expect(retry.error).to.include({ type: 'timeout' });
    expect(retry.error!.message).to.contain('no response within 300 ms');
  });

  it("uses the server's retry: field as the floor of the next delay", async () => {
    const { statuses, result } = startStream({ endpoint: chatUrl('retry:300+cut:600') });
    const end = await result;
    expect(end.status).to.equal('done');
    expect(statuses.find((s) => s.status === 'reconnecting')!.delayMs).to.equal(300);
  });

  it('a protocol error event ends the answer in error, keeping what was rendered', async () => {
    const script = scriptedFetch();
    const controller = new StreamController(undefined, { ...FAST, endpoint: '/scripted', fetch: script.fetch });
    const result = controller.start({});
    script.push('id: 1\ndata: {"mode":"append","data":[{"id":1,"type":"text","content":"half an answer"}]}\n\n');
    script.push('id: 2\ndata: {"mode":"error","finish_reason":"quota exceeded"}\n\n');
    const end = await result;
    expect(end.status).to.equal('error');
    expect(end.error).to.include({ type: 'protocol', message: 'quota exceeded' });
    expect(end.answer).to.equal('half an answer');
    expect(script.calls).to.have.length(1);
  });

  it('parses the SSE framing fully: BOM, CRLF and CR line ends, comments anywhere, split anywhere', async () => {
    const stream =
      '\uFEFF: hello\r\nid: 1\r\ndata: {"mode":"append","data":[{"id":1,"type":"text","content":"a\\n"}]}\r\n\r\n' +
      ': ping\n\nid: 2\rdata: {"mode":"append","data":[{"id":2,"type":"text","content":"b"}]}\r\r' +
      'data: {"mode":"append","data":[{"type":"text","content":"c"}]}\nid: 3\n: mid-event comment\n\n' +
      'id: 4\ndata: {"mode":"finish"}\n\n';
    const bytes = new TextEncoder().encode(stream);
    for (let cut = 0; cut <= bytes.length; cut += 7) {
      const script = scriptedFetch();
      const controller = new StreamController(undefined, { ...FAST, endpoint: '/scripted', fetch: script.fetch });
      const result = controller.start({});
      script.push(bytes.slice(0, cut));
      script.push(bytes.slice(cut));
      const end = await result;
      expect(end.answer, `cut at ${cut}`).to.equal('a\nbc');
      expect(end.status).to.equal('done');
    }
  });
});
