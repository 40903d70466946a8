import { expect } from '@open-wc/testing';
import { randomId } from '../../src/random-id.js';
import { StreamController } from '../../src/stream-controller.js';
import {
  chatUrl,
  debugMessage,
  FAST,
  question,
  rawStream,
  scriptedFetch,
  startStream,
  expectExact,
  until,
} from '../helpers/stream.js';

describe('StreamController: resume', () => {
  it('streams a whole answer: think, a named event, the answer, exact to the byte', async () => {
    const { controller, statuses, events, result } = startStream({ endpoint: chatUrl() });
    const end = await result;
    const server = await expectExact(end);
    expect(end.think.length * end.answer.length).to.be.greaterThan(0);
    expect(end.meta).to.include({ status: 'available' });
    expect(statuses.map((s) => s.status)).to.deep.equal(['connecting', 'streaming', 'done']);
    expect(events).to.have.length(1);
    expect(events[0]!.type).to.equal('task_progress');
    expect(JSON.parse(events[0]!.data)).to.include({ step: 'drafting' });
    expect(server.connections).to.have.length(1);
    expect(server.connections[0]!.query.offset).to.equal(undefined);
    expect(server.connections[0]!.lastEventId).to.equal(null);
    expect(controller.stats).to.include({ attempts: 1, reconnects: 0, duplicatesDropped: 0 });
    expect(controller.stats.events).to.equal(server.events);
    expect(controller.offset).to.equal(server.lastSeq);
  });

  it('sends a client-generated message_id and conversation_id in the first request', async () => {
    const messageId = randomId();
    const { result } = startStream({ endpoint: chatUrl(), conversationId: 'conv-1' }, { messageId });
    const end = await result;
    expect(end.messageId).to.equal(messageId);
    const [first] = (await debugMessage(messageId)).connections;
    expect(first!.bodyConversationId).to.equal('conv-1');
    expect(first!.method).to.equal('POST');
    expect(first!.headers.accept).to.equal('text/event-stream');
  });

  it('resumes a stream cut mid-event from the last seq: offset, message_id, conversation_id, one last-event-id', async () => {
    const { controller, statuses, result } = startStream({
      endpoint: chatUrl('cut:700,cut:1500'),
      conversationId: 'conv-2',
    });
    const end = await result;
    const server = await expectExact(end);
    expect(server.generations).to.equal(1);
    const [, second, third] = server.connections;
    expect(server.connections).to.have.length(3);
    for (const resume of [second!, third!]) {
      expect(resume.offset).to.be.greaterThan(0);
      expect(resume.lastEventId).to.equal(String(resume.offset)); // one value, never "17, 20"
      expect(resume.query).to.include({ message_id: end.messageId, conversation_id: 'conv-2' });
      expect(resume.bodyConversationId).to.equal('conv-2');
      expect(resume.method).to.equal('POST');
    }
    expect(third!.offset).to.be.greaterThan(second!.offset!);
    const reconnecting = statuses.filter((s) => s.status === 'reconnecting');
    expect(reconnecting.map((s) => [s.attempt, s.max])).to.deep.equal([
      [1, 5],
      [1, 5],
    ]); // reset once data flowed
    expect(reconnecting[0]!.error?.type).to.equal('network');
    expect(controller.stats).to.include({ attempts: 3, reconnects: 2 });
  });

  it('resumes a stream cut inside a multi-byte character, and the text stays exact', async () => {
    // Read the answer's bytes once, then replay it from offset 0 cut inside a character.
    const messageId = randomId();
    const messages = question('multi-byte');
    const bytes = await rawStream(messageId, messages);
    const cuts: number[] = [];
    for (let i = 200; i < bytes.length && cuts.length < 3; i++) {
      // a continuation byte whose character started with a 3- or 4-byte lead
      if ((bytes[i]! & 0xc0) === 0x80 && (bytes[i - 1]! & 0xe0) === 0xe0) (cuts.push(i), (i += 400));
    }
    expect(cuts).to.have.length(3);
    const controller = new StreamController(undefined, {
      ...FAST,
      endpoint: chatUrl(`ok,${cuts.map((c) => `cut:${c}`).join(',')}`),
    });
    // Resumes from 0 replay the same bytes, so the cut lands at the same place each time.
    const end = await controller.resume({ messageId, offset: 0, messages });
    const server = await debugMessage(messageId);
    expect(end.status).to.equal('done');
    expect(end.think).to.equal(server.think);
    expect(end.answer).to.equal(server.answer);
    expect(server.connections.length).to.equal(1 + 1 + cuts.length);
  });

  it('drops replayed events (seq <= last applied): no duplicated text', async () => {
    const { controller, result } = startStream({ endpoint: chatUrl('cut:900,replay:6+cut:2500,replay:50') });
    const end = await result;
    await expectExact(end);
    expect(controller.stats.duplicatesDropped).to.be.at.least(6 + 1);
  });

  it('treats a clean close without finish as a cut and resumes', async () => {
    const { statuses, result } = startStream({ endpoint: chatUrl('close:5,close:40') });
    const end = await result;
    const server = await expectExact(end);
    expect(server.connections).to.have.length(3);
    const errors = statuses.filter((s) => s.status === 'reconnecting').map((s) => s.error?.message);
    expect(errors).to.deep.equal([
      'the stream closed before the answer finished',
      'the stream closed before the answer finished',
    ]);
  });

  it('resumes after a stall past the heartbeat timeout', async () => {
    const { statuses, result } = startStream({ endpoint: chatUrl('stall:1200'), heartbeatTimeout: 400 });
    const end = await result;
    const server = await expectExact(end);
    const retry = statuses.find((s) => s.status === 'reconnecting');
    expect(retry?.error?.type).to.equal('timeout');
    expect(retry?.error?.message).to.contain('400 ms');
    expect(server.connections).to.have.length(2);
  });

  it('keeps the stream alive on comments alone (pings reset the heartbeat)', async () => {
    // Pings every 100 ms, events every 1000 ms, heartbeat 400 ms: only the comments keep it alive.
    const { result, controller } = startStream({
      endpoint: chatUrl('', { chunk_ms: 1000, ping_ms: 100 }),
      heartbeatTimeout: 400,
    });
    await new Promise((r) => setTimeout(r, 2500));
    controller.stop();
    const end = await result;
    expect(end.status).to.equal('stopped');
    expect(controller.stats.reconnects).to.equal(0);
  });

  it('a resume answered 204 completes the answer as it stands', async () => {
    const first = startStream({ endpoint: chatUrl() });
    const done = await first.result;
    const controller = new StreamController(undefined, { ...FAST, endpoint: chatUrl() });
    const end = await controller.resume({
      messageId: done.messageId,
      offset: first.controller.offset,
      answer: done.answer,
    });
    expect(end.status, end.error?.message).to.equal('done');
    expect(end.answer).to.equal(done.answer);
    expect((await debugMessage(done.messageId)).connections).to.have.length(2);
  });

  it('resumes a pending answer from an offset and continues its text exactly (reload mid-answer)', async () => {
    const first = startStream({ endpoint: chatUrl('', { chunk_ms: 4 }) });
    await until(() => first.controller.answer.length > 100, 10000, 'the answer to stream');
    first.controller.detach(); // the page went away; the server keeps generating
    const detached = await first.result;
    expect(detached.status).to.equal('detached');
    // `resumePoint` is the last point where nothing was held back (an escape or a `<think>` tag
    // split across events); for this agent stream that is the last event applied.
    const { offset, think, answer } = detached.resumePoint;
    expect(offset).to.be.greaterThan(0);
    const second = new StreamController(undefined, { ...FAST, endpoint: chatUrl() });
    const end = await second.resume({ messageId: detached.messageId, offset, think, answer });
    const server = await expectExact(end);
    expect(server.generations).to.equal(1);
  });

  it('normalises a Headers object and sends its entries with every attempt', async () => {
    const { result } = startStream({
      endpoint: chatUrl('cut:500'),
      headers: new Headers({ 'X-Test': 'from-headers' }),
    });
    const end = await result;
    const server = await debugMessage(end.messageId);
    expect(server.connections.map((c) => c.headers['x-test'])).to.deep.equal(['from-headers', 'from-headers']);
  });

  it('GET puts the request in the query and resumes the same way', async () => {
    const { result } = startStream({ endpoint: chatUrl('cut:800'), method: 'GET', conversationId: 'conv-get' });
    const end = await result;
    const server = await expectExact(end);
    expect(server.connections.map((c) => c.method)).to.deep.equal(['GET', 'GET']);
    expect(server.connections[0]!.query).to.include({ conversation_id: 'conv-get', message_id: end.messageId });
    expect(JSON.parse(server.connections[0]!.query.messages!)).to.have.length(1);
  });
});

describe('StreamController: resume point after a detach', () => {
  const agentEvent = (seq: number, content: string) =>
    `id: ${seq}\ndata: ${JSON.stringify({ mode: 'append', message_id: 'm-held', data: [{ id: seq, type: 'text', content }] })}\n\n`;
  const finish = (seq: number) => `id: ${seq}\ndata: ${JSON.stringify({ mode: 'finish', message_id: 'm-held' })}\n\n`;

  it('never starts after an event that ended inside an escape', async () => {
    const first = scriptedFetch();
    const options = { ...FAST, endpoint: '/scripted', decodeEscapes: 'on' as const }; // a server that escapes inside JSON
    const controller = new StreamController(undefined, { ...options, fetch: first.fetch });
    const ended = controller.start({ messageId: 'm-held' });
    first.push(agentEvent(1, 'one\\n') + agentEvent(2, 'foo\\')); // the wire's `\n` escape, then a lone `\`
    await until(() => controller.answer === 'one\nfoo', 5000, 'two events applied');
    controller.detach();
    const detached = await ended;
    expect(detached.status).to.equal('detached');
    expect(detached.resumePoint).to.deep.equal({ offset: 1, think: '', answer: 'one\n' });

    const second = scriptedFetch();
    const again = new StreamController(undefined, { ...options, fetch: second.fetch });
    const resumed = again.resume({ messageId: 'm-held', ...detached.resumePoint });
    second.push(agentEvent(2, 'foo\\') + agentEvent(3, 'nbar') + finish(4));
    second.close();
    const end = await resumed;
    expect(end.answer).to.equal('one\nfoo\nbar');
    expect(new URL(second.calls[0]!.url, location.href).searchParams.get('offset')).to.equal('1');
  });

  it('never starts inside a <think> block or a split tag (text protocol)', async () => {
    const first = scriptedFetch();
    const options = { ...FAST, endpoint: '/scripted', protocol: 'text' as const };
    const controller = new StreamController(undefined, { ...options, fetch: first.fetch });
    const ended = controller.start({ messageId: 'm-tags' });
    first.push('id: 1\ndata: <think>hmm\n\nid: 2\ndata: more</thi\n\n');
    await until(() => controller.think === 'hmmmore', 5000, 'think text');
    controller.detach();
    const detached = await ended;
    // Inside the think block a fresh adapter would route the rest differently: no resume point yet.
    expect(detached.resumePoint).to.deep.equal({ offset: 0, think: '', answer: '' });

    const second = scriptedFetch();
    const again = new StreamController(undefined, { ...options, fetch: second.fetch });
    const resumed = again.resume({ messageId: 'm-tags', ...detached.resumePoint });
    second.push(
      'id: 1\ndata: <think>hmm\n\nid: 2\ndata: more</thi\n\nid: 3\ndata: nk>done\n\nevent: done\nid: 4\ndata: x\n\n',
    );
    second.close();
    const end = await resumed;
    expect(end.think).to.equal('hmmmore');
    expect(end.answer).to.equal('done');
  });
});
