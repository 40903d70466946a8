/**
 * `<sse-chat>` reading other people's event streams: one story per wire format, each replaying
 * a recorded stream of that vendor byte for byte (test/fixtures/protocols/, sources in its
 * README) through the `fetch` property, in small pieces. The play function checks that the
 * think block and the answer are exactly what the format says.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { expect, waitFor } from 'storybook/test';
import type { SseChat } from '../components/sse-chat.js';
import type { ProtocolName } from '../src/types.js';
import { AI_SDK_HEADERS, VENDOR_FIXTURES } from '../test/helpers/vendor-fixtures.js';
import aiSdkReasoning from '../test/fixtures/protocols/ai-sdk-reasoning.sse?raw';
import anthropicThinking from '../test/fixtures/protocols/anthropic-thinking.sse?raw';
import responsesReasoning from '../test/fixtures/protocols/openai-responses-reasoning.sse?raw';

interface ProtocolArgs {
  protocol: ProtocolName;
}

const meta: Meta<ProtocolArgs> = {
  title: 'Protocols',
  component: 'sse-chat',
  // No docs page: the element's own (Elements/sse-chat) documents its attributes.
  tags: ['!autodocs'],
  parameters: { layout: 'padded' },
};
export default meta;
type Story = StoryObj<ProtocolArgs>;

/** How long a play function waits for the answer. */
const STATE_TIMEOUT = 15_000;

/** A `fetch` that answers every request with `body`, in pieces of `size` bytes, `paceMs` apart. */
function replay(body: string, headers: Record<string, string> = {}, size = 48, paceMs = 15): typeof fetch {
  return async (_input, init) => {
    const bytes = new TextEncoder().encode(body);
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (init?.signal?.aborted || at >= bytes.length) {
          controller.close();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, paceMs));
        controller.enqueue(bytes.subarray(at, (at += size)));
      },
    });
    return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream', ...headers } });
  };
}

/** The Chat Completions stream of an OpenAI-compatible server (Ollama, vLLM, …) with reasoning. */
const OPENAI_STREAM = [
  { reasoning_content: 'The reader wants one line. ' },
  { reasoning_content: 'Keep it short.' },
  { content: 'Streams resume from the **last id** ' },
  { content: 'they saw — 流式 ✅' },
]
  .map((delta) => `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta }] })}\n\n`)
  .concat(
    `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
    'data: [DONE]\n\n',
  )
  .join('');

/** A plain-text server: the think block in tags, newlines escaped, the end of the body ends it. */
const TEXT_STREAM = ['<think>', 'Short answer.', '</think>', '# Plain text\\n\\n', 'Escaped newlines, ', 'decoded.']
  .map((data) => `data: ${data}\n\n`)
  .join('');

function protocolStory(
  protocol: ProtocolName,
  body: string,
  expected: { think: string; answer: string },
  headers?: Record<string, string>,
): Story {
  const fetch = replay(body, headers);
  return {
    args: { protocol },
    render: (args) =>
      html`<div style="height: 420px; max-width: 760px">
        <sse-chat endpoint="/api/chat" protocol=${args.protocol} .fetch=${fetch}></sse-chat>
      </div>`,
    async play({ canvasElement }) {
      const chat = canvasElement.querySelector<SseChat>('sse-chat');
      if (!chat) throw new Error('the story rendered no <sse-chat>');
      await chat.updateComplete;
      void chat.send('Show me this format');
      await waitFor(() => expect(chat.getAttribute('status')).toBe('done'), { timeout: STATE_TIMEOUT });
      await expect(chat.messages.at(-1)?.think).toBe(expected.think);
      await expect(chat.messages.at(-1)?.answer).toBe(expected.answer);
    },
  };
}

const fixture = (file: string) => {
  const found = VENDOR_FIXTURES.find((f) => f.file === file);
  if (!found) throw new Error(`no expectations for ${file}`);
  return found;
};

/** `protocol="openai"`: Chat Completions chunks, `reasoning_content` as the think block. */
export const OpenAI: Story = protocolStory('openai', OPENAI_STREAM, {
  think: 'The reader wants one line. Keep it short.',
  answer: 'Streams resume from the **last id** they saw — 流式 ✅',
});

/** `protocol="openai-responses"`: the Responses API, reasoning summaries as the think block. */
export const OpenAIResponses: Story = protocolStory(
  'openai-responses',
  responsesReasoning,
  fixture('openai-responses-reasoning.sse'),
);

/** `protocol="anthropic"`: the Messages API, extended thinking as the think block. */
export const Anthropic: Story = protocolStory('anthropic', anthropicThinking, fixture('anthropic-thinking.sse'));

/** `protocol="ai-sdk"`: the AI SDK's UI message stream (its `x-vercel-ai-ui-message-stream` header). */
export const AiSdk: Story = protocolStory('ai-sdk', aiSdkReasoning, fixture('ai-sdk-reasoning.sse'), AI_SDK_HEADERS);

/** `protocol="text"`: plain text, `<think>` tags, escaped newlines decoded (`decode-escapes="auto"`). */
export const PlainText: Story = protocolStory('text', TEXT_STREAM, {
  think: 'Short answer.',
  answer: '# Plain text\n\nEscaped newlines, decoded.',
});
