/**
 * The request bodies of an answer (src/chat-request.ts): ours, and with a `model` each vendor's
 * (docs/design.md#direct-endpoints). What goes on the wire is the JSON of the body, so the
 * bodies are compared as JSON (a `model` left undefined is not sent).
 */
import { expect } from '@open-wc/testing';
import {
  ANTHROPIC_MAX_TOKENS,
  ANTHROPIC_VERSION,
  chatRequest,
  isDirect,
  type ChatRequestContext,
} from '../../src/chat-request.js';
import { PROTOCOLS } from '../../src/types.js';

const messages = [
  { role: 'user', content: 'What is 925 / 5?' },
  { role: 'assistant', content: '185.' },
  { role: 'user', content: 'And times 2?' },
];

const context = (over: Partial<ChatRequestContext> = {}): ChatRequestContext => ({
  messages,
  conversationId: 'c1',
  messageId: 'm1',
  model: undefined,
  protocol: 'agent',
  endpoint: '/api/chat',
  body: {},
  ...over,
});

/** The request as it goes out: its body as JSON, its headers. */
const wire = (over: Partial<ChatRequestContext>) => {
  const { headers, body } = chatRequest(context(over));
  return { headers, body: JSON.parse(JSON.stringify(body)) as unknown };
};

const OURS = { conversation_id: 'c1', message_id: 'm1', messages };

describe('chatRequest', () => {
  it('without a model: our shape for every protocol, exactly as before', () => {
    for (const protocol of PROTOCOLS) {
      expect(wire({ protocol }), protocol).to.deep.equal({ headers: undefined, body: OURS });
    }
  });

  it('without a model: `body` merged over our fields', () => {
    const body = { temperature: 0.1, message_id: 'server-side' };
    expect(wire({ body }).body).to.deep.equal({ ...OURS, ...body });
  });

  it('agent and text with a model: our shape, the model in it', () => {
    for (const protocol of ['agent', 'text'] as const) {
      expect(wire({ protocol, model: 'llama3.2' }), protocol).to.deep.equal({
        headers: undefined,
        body: { ...OURS, model: 'llama3.2' },
      });
    }
  });

  it('openai with a model: Chat Completions {model, messages, stream: true}', () => {
    expect(wire({ protocol: 'openai', model: 'llama3.2' })).to.deep.equal({
      headers: undefined,
      body: { model: 'llama3.2', messages, stream: true },
    });
  });

  it('openai-responses with a model: Responses {model, input, stream: true}, input the message list', () => {
    expect(wire({ protocol: 'openai-responses', model: 'gpt-5-mini' })).to.deep.equal({
      headers: undefined,
      body: { model: 'gpt-5-mini', input: messages, stream: true },
    });
  });

  it('anthropic with a model: {model, max_tokens, messages, stream: true} and anthropic-version', () => {
    expect(wire({ protocol: 'anthropic', model: 'claude-sonnet-4-5' })).to.deep.equal({
      headers: { 'anthropic-version': ANTHROPIC_VERSION },
      body: { model: 'claude-sonnet-4-5', max_tokens: ANTHROPIC_MAX_TOKENS, messages, stream: true },
    });
    expect(ANTHROPIC_VERSION).to.equal('2023-06-01');
  });

  it('anthropic: `body` overrides max_tokens and adds fields (thinking, system)', () => {
    const body = { max_tokens: 16000, thinking: { type: 'enabled', budget_tokens: 10000 }, system: 'Be brief.' };
    expect(wire({ protocol: 'anthropic', model: 'claude-sonnet-4-5', body }).body).to.deep.equal({
      model: 'claude-sonnet-4-5',
      max_tokens: 16000,
      messages,
      stream: true,
      thinking: { type: 'enabled', budget_tokens: 10000 },
      system: 'Be brief.',
    });
  });

  it("ai-sdk with a model: useChat's {id, messages, trigger} and the model, UI messages with text parts and stable ids", () => {
    expect(wire({ protocol: 'ai-sdk', model: 'gpt-5-mini' })).to.deep.equal({
      headers: undefined,
      body: {
        id: 'c1',
        messages: [
          { id: 'c1-0', role: 'user', parts: [{ type: 'text', text: 'What is 925 / 5?' }] },
          { id: 'c1-1', role: 'assistant', parts: [{ type: 'text', text: '185.' }] },
          { id: 'c1-2', role: 'user', parts: [{ type: 'text', text: 'And times 2?' }] },
        ],
        trigger: 'submit-message',
        model: 'gpt-5-mini',
      },
    });
  });

  it('a vendor shape: `body` merges over it, even over its own fields', () => {
    const body = { temperature: 0.2, stream_options: { include_usage: true }, model: 'other' };
    expect(wire({ protocol: 'openai', model: 'llama3.2', body }).body).to.deep.equal({
      model: 'other',
      messages,
      stream: true,
      temperature: 0.2,
      stream_options: { include_usage: true },
    });
  });

  it('an empty conversation', () => {
    expect(wire({ protocol: 'openai', model: 'm', messages: [] }).body).to.deep.equal({
      model: 'm',
      messages: [],
      stream: true,
    });
    expect(wire({ protocol: 'ai-sdk', model: 'm', messages: [] }).body).to.deep.equal({
      id: 'c1',
      messages: [],
      trigger: 'submit-message',
      model: 'm',
    });
  });

  it('ours carries `regenerate` / `edit` only when set: the id of the answer replaced', () => {
    expect(wire({ regenerate: 'm0' }).body).to.deep.equal({ ...OURS, regenerate: 'm0' });
    expect(wire({ edit: 'm0' }).body).to.deep.equal({ ...OURS, edit: 'm0' });
    expect(wire({ regenerate: undefined, edit: undefined }).body).to.deep.equal(OURS);
    expect(Object.keys(wire({}).body as object)).to.deep.equal(['conversation_id', 'message_id', 'messages']);
    for (const protocol of PROTOCOLS) {
      expect(wire({ protocol, regenerate: 'm0' }).body, `${protocol} regenerate`).to.deep.equal({
        ...OURS,
        regenerate: 'm0',
      });
      expect(wire({ protocol, edit: 'm0' }).body, `${protocol} edit`).to.deep.equal({ ...OURS, edit: 'm0' });
    }
    for (const protocol of ['agent', 'text'] as const) {
      expect(wire({ protocol, model: 'llama3.2', regenerate: 'm0' }).body, protocol).to.deep.equal({
        ...OURS,
        model: 'llama3.2',
        regenerate: 'm0',
      });
    }
  });

  it('ours: `body` merges over `regenerate` / `edit` too', () => {
    expect(wire({ regenerate: 'm0', body: { regenerate: 'server-side', x: 1 } }).body).to.deep.equal({
      ...OURS,
      regenerate: 'server-side',
      x: 1,
    });
  });

  it("ai-sdk direct, a regenerate: useChat's {id, messages, trigger: 'regenerate-message', messageId, model}", () => {
    const before = messages.slice(0, 1);
    expect(wire({ protocol: 'ai-sdk', model: 'gpt-5-mini', messages: before, regenerate: 'm0' })).to.deep.equal({
      headers: undefined,
      body: {
        id: 'c1',
        messages: [{ id: 'c1-0', role: 'user', parts: [{ type: 'text', text: 'What is 925 / 5?' }] }],
        trigger: 'regenerate-message',
        messageId: 'm0',
        model: 'gpt-5-mini',
      },
    });
  });

  it("ai-sdk direct, an edited question: a plain 'submit-message', no `edit` field", () => {
    const plain = wire({ protocol: 'ai-sdk', model: 'gpt-5-mini' });
    expect(wire({ protocol: 'ai-sdk', model: 'gpt-5-mini', edit: 'm0' })).to.deep.equal(plain);
    expect((plain.body as { trigger: string }).trigger).to.equal('submit-message');
  });

  it('openai, openai-responses and anthropic direct: asked again, no `regenerate` or `edit` field', () => {
    for (const [protocol, model] of [
      ['openai', 'llama3.2'],
      ['openai-responses', 'gpt-5-mini'],
      ['anthropic', 'claude-sonnet-4-5'],
    ] as const) {
      const plain = wire({ protocol, model });
      expect(wire({ protocol, model, regenerate: 'm0' }), `${protocol} regenerate`).to.deep.equal(plain);
      expect(wire({ protocol, model, edit: 'm0' }), `${protocol} edit`).to.deep.equal(plain);
      const body = wire({ protocol, model, regenerate: 'm0', edit: 'm1' }).body as Record<string, unknown>;
      expect(body, protocol).not.to.have.any.keys('regenerate', 'edit', 'messageId', 'trigger');
    }
  });
});

describe('isDirect', () => {
  it('a vendor protocol with a model, or any request function', () => {
    const request = () => ({ body: {} });
    const cases = PROTOCOLS.flatMap((protocol) => [
      [protocol, undefined, false],
      [protocol, '', false],
      [protocol, 'm', !['agent', 'text'].includes(protocol)],
    ]) as Array<[(typeof PROTOCOLS)[number], string | undefined, boolean]>;
    for (const [protocol, model, direct] of cases) {
      expect(isDirect({ protocol, model, request: undefined }), `${protocol} ${model}`).to.equal(direct);
      expect(isDirect({ protocol, model, request }), `${protocol} ${model} request`).to.equal(true);
    }
  });
});
