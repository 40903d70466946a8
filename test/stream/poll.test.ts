import { expect } from '@open-wc/testing';
import { chatUrl, debugMessage, startStream, expectExact } from '../helpers/stream.js';

describe('StreamController: polling fallback', () => {
  it('falls back to polling when a buffering proxy holds the event stream, and ends exact', async () => {
    const { statuses, controller, result } = startStream({
      endpoint: chatUrl('buffer,buffer,buffer,buffer', { chunk_ms: 6 }),
      pollEndpoint: '/api/poll',
      heartbeatTimeout: 500,
    });
    const end = await result;
    const server = await expectExact(end);
    expect(controller.transport).to.equal('poll');
    const streaming = statuses.filter((s) => s.status === 'streaming');
    expect(streaming.at(-1)!.transport).to.equal('poll');
    expect(statuses.find((s) => s.status === 'reconnecting')!.error!.message).to.contain('switching to polling');
    expect(server.connections).to.have.length(1); // one SSE attempt, then polls
    expect(controller.stats.duplicatesDropped).to.equal(0);
  });

  it('falls back to polling when a proxy answers the event stream with an HTML page', async () => {
    const { controller, result } = startStream({ endpoint: chatUrl('ctype'), pollEndpoint: '/api/poll' });
    const end = await result;
    await expectExact(end);
    expect(controller.transport).to.equal('poll');
  });

  it('without a poll endpoint, a buffering proxy is retried as SSE', async () => {
    const { controller, result } = startStream({
      endpoint: chatUrl('buffer,ok', { chunk_ms: 6 }),
      heartbeatTimeout: 500,
    });
    const end = await result;
    expect(end.answer).to.equal((await debugMessage(end.messageId)).answer);
    expect(controller.transport).to.equal('sse');
  });
});
