import { expect } from '@open-wc/testing';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { StreamController } from '../../src/stream-controller.js';
import { chatUrl, debugMessage, FAST, question, startStream, until, expectExact } from '../helpers/stream.js';

/** Pretends the tab is hidden (or visible again) the way the browser announces it. */
function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (hidden ? 'hidden' : 'visible'),
  });
  document.dispatchEvent(new Event('visibilitychange'));
}

/** Tracks timers the stream controller schedules (all through `Run`), to prove none is left behind. */
function trackControllerTimers() {
  const live = new Set<number>();
  const { setTimeout: realSet, clearTimeout: realClear } = window;
  window.setTimeout = ((fn: () => void, ms?: number) => {
    const fromController = /stream-run/.test(new Error().stack ?? '');
    const id = realSet(() => {
      live.delete(id);
      fn();
    }, ms);
    if (fromController) live.add(id);
    return id;
  }) as typeof window.setTimeout;
  window.clearTimeout = ((id?: number) => {
    if (id !== undefined) live.delete(id);
    realClear(id);
  }) as typeof window.clearTimeout;
  return {
    live,
    restore() {
      window.setTimeout = realSet;
      window.clearTimeout = realClear;
    },
  };
}

describe('StreamController: lifecycle', () => {
  afterEach(() => {
    delete (document as { hidden?: boolean }).hidden;
    delete (document as { visibilityState?: string }).visibilityState;
  });

  it('never re-POSTs when the tab is hidden and shown again', async () => {
    const { controller, result } = startStream({ endpoint: chatUrl('', { chunk_ms: 4 }) });
    await until(() => controller.answer.length > 0 || controller.think.length > 20, 10000, 'first text');
    setHidden(true);
    await new Promise((r) => setTimeout(r, 100));
    setHidden(false);
    setHidden(true);
    setHidden(false);
    const end = await result;
    const server = await expectExact(end);
    expect(server.connections).to.have.length(1);
    expect(server.generations).to.equal(1);
  });

  it('resumes (never restarts) a stream cut while the tab is hidden', async () => {
    const { controller, result } = startStream({ endpoint: chatUrl('cut:1500', { chunk_ms: 4 }) });
    await until(() => controller.think.length > 0, 10000, 'first text');
    setHidden(true);
    const end = await result;
    setHidden(false);
    const server = await expectExact(end);
    expect(server.generations).to.equal(1);
    expect(server.connections).to.have.length(2);
    expect(server.connections[1]!.offset).to.be.greaterThan(0);
  });

  it('stop() aborts the request, tells the server, and leaves no timer behind', async () => {
    const timers = trackControllerTimers();
    try {
      let requests = 0;
      const { controller, result } = startStream({
        endpoint: chatUrl('', { chunk_ms: 10 }),
        stopEndpoint: '/api/stop',
        heartbeatTimeout: 5000,
        fetch: (input, init) => {
          requests++;
          return fetch(input, init);
        },
      });
      await until(() => controller.think.length > 0, 10000, 'first text');
      expect(timers.live.size).to.be.greaterThan(0); // the heartbeat watch is running
      const before = requests;
      controller.stop();
      const end = await result;
      expect(end.status).to.equal('stopped');
      expect(controller.status).to.equal('stopped');
      expect(timers.live.size).to.equal(0);
      await until(async () => (await debugMessage(end.messageId)).stopped, 5000, 'server stop');
      const server = await debugMessage(end.messageId);
      await until(async () => (await debugMessage(end.messageId)).openConnections === 0, 5000, 'connection closed');
      await new Promise((r) => setTimeout(r, 300));
      expect(requests).to.equal(before + 1); // the stop POST, nothing else
      expect(server.connections).to.have.length(1);
      expect(end.answer.length + end.think.length).to.be.greaterThan(0);
    } finally {
      timers.restore();
    }
  });

  it('stop() while waiting to reconnect cancels the retry: no further request', async () => {
    const { controller, result } = startStream({ endpoint: chatUrl('500,ok'), retryDelay: 1000 });
    await until(() => controller.status === 'reconnecting', 5000, 'reconnecting');
    controller.stop();
    const end = await result;
    expect(end.status).to.equal('stopped');
    await new Promise((r) => setTimeout(r, 1300));
    expect((await debugMessage(end.messageId)).connections).to.have.length(1);
  });

  it('removing the host lets go of the stream; the answer goes on on the server and resumes exactly', async () => {
    const controllers: ReactiveController[] = [];
    const host: ReactiveControllerHost = {
      addController: (c) => controllers.push(c),
      removeController: () => {},
      requestUpdate: () => {},
      updateComplete: Promise.resolve(true),
    };
    const controller = new StreamController(host, { ...FAST, endpoint: chatUrl('', { chunk_ms: 4 }) });
    expect(controllers).to.deep.equal([controller]);
    const timers = trackControllerTimers();
    let end;
    try {
      const result = controller.start({ messages: question() });
      await until(() => controller.think.length > 0, 10000, 'first text');
      controller.hostDisconnected();
      end = await result;
      expect(end.status).to.equal('detached');
      expect(controller.status).to.equal('idle');
      expect(timers.live.size).to.equal(0);
    } finally {
      timers.restore();
    }
    await until(async () => (await debugMessage(end.messageId)).openConnections === 0, 5000, 'connection closed');
    expect((await debugMessage(end.messageId)).stopped).to.equal(false);
    const again = await controller.resume({
      messageId: end.messageId,
      offset: controller.offset,
      think: end.think,
      answer: end.answer,
    });
    const server = await debugMessage(end.messageId);
    expect(again.think).to.equal(server.think);
    expect(again.answer).to.equal(server.answer);
  });

  it('two controllers on one page stay independent', async () => {
    const a = startStream({ endpoint: chatUrl('cut:800,replay:3') });
    const b = startStream({ endpoint: chatUrl('503:0,cut:1200'), maxRetries: 2 });
    await until(() => a.controller.think.length > 0, 10000, 'a streams');
    const [endA, endB] = await Promise.all([a.result, b.result]);
    const [serverA, serverB] = await Promise.all([debugMessage(endA.messageId), debugMessage(endB.messageId)]);
    expect(endA.messageId).to.not.equal(endB.messageId);
    expect(endA.answer).to.equal(serverA.answer);
    expect(endB.answer).to.equal(serverB.answer);
    expect(serverA.connections).to.have.length(2);
    expect(serverB.connections).to.have.length(3);
  });

  it('a superseded answer never writes into the next one', async () => {
    const changes: string[] = [];
    const controller = new StreamController(undefined, {
      ...FAST,
      endpoint: chatUrl('', { chunk_ms: 4 }),
      onChange: (c) => changes.push(c.text),
    });
    const first = controller.start({ messages: question('first') });
    await until(() => controller.think.length > 0, 10000, 'first streams');
    const second = controller.start({ messages: question('second') });
    expect((await first).status).to.equal('detached');
    const changesAtSwitch = changes.length;
    const end = await second;
    const server = await debugMessage(end.messageId);
    expect(end.think).to.equal(server.think);
    expect(changes.slice(changesAtSwitch).join('')).to.equal(server.think + server.answer);
  });

  it('reports stats for the current answer', async () => {
    const { controller, result } = startStream({ endpoint: chatUrl('cut:900') });
    await result;
    const stats = controller.stats;
    expect(stats).to.include({ attempts: 2, reconnects: 1 });
    expect(stats.bytes).to.be.greaterThan(900);
    expect(stats.events).to.be.greaterThan(10);
    expect(stats.lastEventAt).to.be.a('number');
    expect(stats.connectedAt).to.be.a('number');
  });

  it('without an endpoint, ends in a clear error instead of throwing', async () => {
    const controller = new StreamController(undefined, {});
    const end = await controller.start({});
    expect(end.status).to.equal('error');
    expect(end.error).to.include({ type: 'config' });
    expect(end.error!.message).to.contain('endpoint');
  });
});
