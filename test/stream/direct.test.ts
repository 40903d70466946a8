/**
 * The StreamController with a direct request (docs/design.md#direct-endpoints): a vendor
 * protocol with a `model`, or a `request` function. Nothing of such an answer can be continued,
 * so it never sends `offset` or `last-event-id`, never polls, and text it was given is replaced.
 */
import { expect } from '@open-wc/testing';
import { StreamController, type StreamControllerOptions } from '../../src/stream-controller.js';
import { registerFixture } from '../helpers/fixture.js';
import { FAST } from '../helpers/stream.js';

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const STREAM = [chunk({ content: 'Fresh ' }), chunk({ content: 'answer.' }), chunk({}, 'stop'), 'data: [DONE]\n\n'];

const controllerFor = (options: StreamControllerOptions) => new StreamController(undefined, { ...FAST, ...options });

describe('StreamController: direct requests', () => {
  it('resume() asks again, without offset or last-event-id, and the response replaces the text it was given', async () => {
    const fixture = await registerFixture([{ body: STREAM.join('') }]);
    const controller = controllerFor({ endpoint: fixture.url, protocol: 'openai', model: 'llama3.2' });
    const end = await controller.resume({ messageId: 'm1', offset: 7, answer: 'Half an old ans', messages: [] });
    expect([end.status, end.answer]).to.deep.equal(['done', 'Fresh answer.']);
    expect(controller.stats.restarts).to.equal(1);
    const [request] = await fixture.requests();
    expect([request!.query.offset, request!.headers['last-event-id']]).to.deep.equal([undefined, null]);
    expect(request!.body).to.deep.equal({ model: 'llama3.2', messages: [], stream: true });
  });

  it('never switches to polling: the poll endpoint continues answers of a server of ours', async () => {
    const poll = await registerFixture([
      { body: '{"events":[],"done":true}', headers: { 'content-type': 'application/json' } },
    ]);
    // A proxy's sign-in page instead of the stream: with a poll endpoint, ours would poll.
    const page = { headers: { 'content-type': 'text/html' }, body: '<html>sign in</html>' };
    const fixture = await registerFixture([page, { body: STREAM.join('') }]);
    const controller = controllerFor({ endpoint: fixture.url, protocol: 'openai', model: 'm', pollEndpoint: poll.url });
    const end = await controller.start({});
    expect([end.status, end.error?.type]).to.deep.equal(['error', 'content-type']);
    expect(await poll.requests()).to.deep.equal([]);
  });

  it('a `request` function needs no endpoint when it gives the URL', async () => {
    const fixture = await registerFixture([{ body: STREAM.join('') }]);
    const controller = controllerFor({
      protocol: 'openai',
      request: ({ messages }) => ({ url: fixture.url, body: { prompt: messages.at(-1)?.content } }),
    });
    const end = await controller.start({ messages: [{ role: 'user', content: 'Hi' }] });
    expect([end.status, end.answer]).to.deep.equal(['done', 'Fresh answer.']);
    expect((await fixture.requests())[0]!.body).to.deep.equal({ prompt: 'Hi' });
  });
});
