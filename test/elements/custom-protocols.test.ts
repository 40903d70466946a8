/**
 * The two custom-adapter examples of README.md#custom-protocols, run as they stand there (read
 * from README.md and run with `chat` the element), against Flowise's and n8n's streams replayed
 * byte for byte by the reference server (test/fixtures/protocols/flowise-*.sse, n8n-*.ndjson):
 * whole, and re-cut inside every multi-byte character.
 */
import { expect } from '@open-wc/testing';
import type { SseChat } from '../../components/sse-chat.js';
import { askFixture, insideCharacters, seen, type Seen } from '../helpers/ask-fixture.js';
import type { FixtureResponse } from '../helpers/fixture.js';
import { fixtureBytes } from '../helpers/vendor-fixtures.js';

/** The code block after `**title**` in README.md. */
async function readmeExample(title: string): Promise<string> {
  const readme = await (await fetch('/README.md')).text();
  const at = readme.indexOf(`**${title}**`);
  const code = readme.slice(at).match(/```js\n([\s\S]*?)```/)?.[1];
  if (at === -1 || !code) throw new Error(`README.md has no example after **${title}**`);
  return code;
}

/** Runs a README example the way a page would, `chat` being the element. */
async function runExample(title: string, chat: SseChat): Promise<void> {
  new Function('chat', await readmeExample(title))(chat);
}

/** Headers as Flowise's prediction API sends its stream. */
const FLOWISE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};
/** n8n's lines are JSON, not an event stream: the README's `fetch` sets its own content type. */
const N8N_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** Asks one question of `responses` with a README example; what the reader and the page see, and the request body. */
async function ask(example: string, responses: FixtureResponse[]) {
  const asked = await askFixture(
    responses,
    {},
    { question: 'How tall is the Eiffel Tower?', setup: (h) => runExample(example, h.chat) },
  );
  const [request] = await asked.fixture.requests();
  return { ...asked, body: request?.body };
}

/** Whole, then re-cut inside every multi-byte character: the same each time. */
async function expectFixture(example: string, file: string, headers: Record<string, string>, want: Seen) {
  const bytes = await fixtureBytes(file);
  const body = new TextDecoder().decode(bytes);
  const whole = await ask(example, [{ body, headers }]);
  expect(seen(whole)).to.deep.equal(want);
  const cut = await ask(example, [{ body, headers, split: insideCharacters(bytes) }]);
  expect(seen(cut)).to.deep.equal(want);
  return whole;
}

describe('README custom adapters, run as the README shows them', () => {
  describe('Flowise', () => {
    it('tokens to the answer, the other events to the page, end: done; the request is Flowise’s', async () => {
      const whole = await expectFixture('Flowise', 'flowise-tokens.sse', FLOWISE_HEADERS, {
        think: '',
        answer: 'The Eiffel Tower is **330 m** tall — about 1,083 ft. 🗼',
        status: 'done',
        end: { meta: undefined },
        // start (which repeats the first token: not text), sourceDocuments, metadata
        named: ['start', 'sourceDocuments', 'metadata'],
      });
      expect(whole.h.answerOf().querySelector('strong')?.textContent).to.equal('330 m');
      expect(whole.body).to.deep.equal({
        question: 'How tall is the Eiffel Tower?',
        streaming: true,
        overrideConfig: { sessionId: whole.h.chat.conversationId },
      });
    });

    it('a reasoning model’s <think> block goes to the think block', async () => {
      await expectFixture('Flowise', 'flowise-think.sse', FLOWISE_HEADERS, {
        think: '\nThe user wants a haiku.\n',
        answer: '\n\nIron lace at dusk,\nParis lights climb its stairs —\ncafé steam below.',
        status: 'done',
        end: { meta: undefined },
        named: ['start', 'metadata'],
      });
    });

    it('an error event fails the answer in its words, though end follows it', async () => {
      await expectFixture('Flowise', 'flowise-error.sse', FLOWISE_HEADERS, {
        think: '',
        answer: 'The answer is',
        status: 'error',
        end: { error: 'Error: 429 Rate limit reached for gpt-4o-mini' },
        named: ['start'],
      });
    });
  });

  describe('n8n', () => {
    it('items to the answer, the JSON lines made events by the fetch; the request is the Chat Trigger’s', async () => {
      const whole = await expectFixture('n8n', 'n8n-agent.ndjson', N8N_HEADERS, {
        think: '',
        answer: 'Bonjour ! La tour Eiffel mesure **330 m**. 🗼',
        status: 'done',
        end: { meta: undefined },
        named: [],
      });
      expect(whole.body).to.deep.equal({
        action: 'sendMessage',
        sessionId: whole.h.chat.conversationId,
        chatInput: 'How tall is the Eiffel Tower?',
      });
    });

    it('two node runs and a keepalive: the answer ends with the response, not at the first end', async () => {
      await expectFixture('n8n', 'n8n-two-runs.ndjson', N8N_HEADERS, {
        think: '',
        answer: 'First, the facts: 330 m. Then, a haiku:\niron lace at dusk.',
        status: 'done',
        end: { meta: undefined },
        named: [],
      });
    });

    it('an error chunk fails the answer in its words', async () => {
      await expectFixture('n8n', 'n8n-error.ndjson', N8N_HEADERS, {
        think: '',
        answer: 'Looking that up',
        status: 'error',
        end: { error: 'The service is receiving too many requests from you' },
        named: [],
      });
    });

    it('cut at every line, the lines still make the same events', async () => {
      const bytes = await fixtureBytes('n8n-agent.ndjson');
      const body = new TextDecoder().decode(bytes);
      const lineEnds = [...bytes.keys()].filter((i) => bytes[i - 1] === 0x0a || bytes[i] === 0x0a);
      const out = await ask('n8n', [{ body, headers: N8N_HEADERS, split: lineEnds.filter((i) => i > 0) }]);
      expect([out.answer, out.status]).to.deep.equal(['Bonjour ! La tour Eiffel mesure **330 m**. 🗼', 'done']);
    });
  });
});
