/**
 * `<sse-message>` on its own: one message, its think block and its markdown answer, in each
 * status. Streaming stories feed it with `appendText()` the way `<sse-chat>` does; every play
 * function checks what the story is named for.
 */
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { expect, waitFor } from 'storybook/test';
import type { MessageStatus } from '../components/events.js';
import type { SseMessage } from '../components/sse-message.js';
import type { BlockName } from '../src/types.js';
import { controlsOnly } from './controls.js';
import hljs from 'highlight.js/lib/common';
import hljsTheme from 'highlight.js/styles/github.min.css?inline';
import { ANSWER, QUESTION, THINK, chunked } from './fixtures.js';

interface MessageArgs {
  author: 'user' | 'assistant';
  status: MessageStatus;
  /** `auto`: no attribute, the page's `prefers-color-scheme` decides. */
  theme: 'auto' | 'light' | 'dark';
  think: string;
  answer: string;
}

const STATE_TIMEOUT = 10_000;

const meta: Meta<MessageArgs> = {
  title: 'Elements/sse-message',
  component: 'sse-message',
  args: { author: 'assistant', status: 'done', theme: 'auto', think: THINK, answer: ANSWER },
  argTypes: {
    ...controlsOnly('sse-message', ['author', 'status', 'theme', 'think', 'answer']),
    author: { control: 'inline-radio', options: ['user', 'assistant'] },
    status: { control: 'select', options: ['streaming', 'done', 'error', 'stopped', 'pending'] },
    theme: { control: 'inline-radio', options: ['auto', 'light', 'dark'] },
    think: { control: 'text' },
    answer: { control: 'text' },
  },
  render: (args) =>
    html`<div style="max-width: 720px">
      <sse-message
        author=${args.author}
        status=${args.status}
        theme=${ifDefined(args.theme === 'auto' ? undefined : args.theme)}
        .think=${args.think}
        .answer=${args.answer}
      ></sse-message>
    </div>`,
  parameters: { layout: 'padded' },
};
export default meta;

type Story = StoryObj<MessageArgs>;

async function messageIn(canvas: HTMLElement): Promise<SseMessage> {
  const message = canvas.querySelector('sse-message');
  if (!message) throw new Error('the story rendered no <sse-message>');
  await message.updateComplete;
  return message;
}

function part(message: SseMessage, name: string): HTMLElement {
  const element = message.shadowRoot?.querySelector<HTMLElement>(`[part="${name}"]`);
  if (!element) throw new Error(`no part="${name}"`);
  return element;
}

/** Streams `text` into `block` as a model would: uneven chunks, `paceMs` apart. */
async function stream(message: SseMessage, block: BlockName, text: string, paceMs: number): Promise<void> {
  for (const chunk of chunked(text)) {
    message.appendText(block, chunk);
    await new Promise((resolve) => setTimeout(resolve, paceMs));
  }
}

/** A finished answer with its thoughts, collapsed (from history: no duration known). */
export const Answer: Story = {
  async play({ canvasElement }) {
    const message = await messageIn(canvasElement);
    await expect((part(message, 'think') as HTMLDetailsElement).open).toBe(false);
    await expect(part(message, 'think-summary').textContent?.trim()).toBe('Thoughts');
    await waitFor(() =>
      expect(part(message, 'answer').querySelector('pre code')?.textContent).toMatch(/Last-Event-ID: 42/),
    );
    await expect(part(message, 'answer').querySelector('strong')?.textContent).toBe('sequence number');
  },
};

const CODE_ANSWER = `Resuming by hand:

\`\`\`ts
const res = await fetch(url, { headers: { 'Last-Event-ID': String(lastSeq) } });
if (res.status === 204) return; // nothing left to send
\`\`\`

And the server side:

\`\`\`python
def resume(offset: int):
    return [e for e in log if e.seq > offset]
\`\`\`
`;

/**
 * Code highlighted through the \`highlight\` hook with highlight.js (a dev dependency: it is in
 * no bundle of the package), its theme given as \`highlightStyles\`; each block has its copy button.
 */
export const HighlightedCode: Story = {
  args: { think: '', answer: CODE_ANSWER },
  render: (args) =>
    html`<div style="max-width: 720px">
      <sse-message
        author="assistant"
        status="done"
        .highlight=${(code: string, language: string) =>
          (hljs.getLanguage(language) ? hljs.highlight(code, { language }) : hljs.highlightAuto(code)).value}
        .highlightStyles=${hljsTheme}
        .answer=${args.answer}
      ></sse-message>
    </div>`,
  async play({ canvasElement }) {
    const message = await messageIn(canvasElement);
    await waitFor(
      () => expect(part(message, 'answer').querySelectorAll('pre code .hljs-keyword').length).toBeGreaterThan(1),
      {
        timeout: STATE_TIMEOUT,
      },
    );
    await expect(part(message, 'answer').querySelectorAll('[part="code-copy"]')).toHaveLength(2);
    await expect(part(message, 'answer').querySelector('pre code')?.textContent).toMatch(/Last-Event-ID/);
  },
};

/**
 * A finished answer's actions: copy (markdown and HTML) and good / bad, here judged good
 * (`feedback="up"`, `aria-pressed` on the button); `actions` chooses which show.
 */
export const ActionsJudged: Story = {
  name: 'Actions (judged good)',
  args: { think: '' },
  render: (args) =>
    html`<div style="max-width: 720px">
      <sse-message author="assistant" status="done" feedback="up" .answer=${args.answer}></sse-message>
    </div>`,
  async play({ canvasElement }) {
    const message = await messageIn(canvasElement);
    await expect(part(message, 'actions').getAttribute('role')).toBe('toolbar');
    await expect(part(message, 'action-copy').textContent?.trim()).toBe('Copy answer');
    await expect(part(message, 'action-good').getAttribute('aria-pressed')).toBe('true');
    await expect(part(message, 'action-bad').getAttribute('aria-pressed')).toBe('false');
  },
};

/** The reader's message: plain text, as typed (markup is not interpreted). */
export const UserMessage: Story = {
  args: { author: 'user', think: '', answer: `${QUESTION}\nLine two, with <b>tags</b> that stay text.` },
  async play({ canvasElement }) {
    const message = await messageIn(canvasElement);
    const answer = part(message, 'answer');
    await expect(answer.textContent).toBe(`${QUESTION}\nLine two, with <b>tags</b> that stay text.`);
    await expect(answer.querySelector('b')).toBeNull();
    await expect(message.shadowRoot?.querySelector('[part="think"]')).toBeNull();
    // The bubble is the text plus its padding: no blank lines from the template's whitespace.
    const slack = part(message, 'bubble').getBoundingClientRect().height - answer.getBoundingClientRect().height;
    await expect(slack).toBeLessThan(parseFloat(getComputedStyle(part(message, 'bubble')).paddingBlockStart) * 2 + 2);
  },
};

/** The think block streaming: open, "Thinking…", the `thinking` attribute set. */
export const Thinking: Story = {
  args: { status: 'streaming', think: '', answer: '' },
  async play({ canvasElement }) {
    const message = await messageIn(canvasElement);
    await stream(message, 'think', THINK, 20);
    await expect(message.hasAttribute('thinking')).toBe(true);
    await expect((part(message, 'think') as HTMLDetailsElement).open).toBe(true);
    await expect(part(message, 'think-summary').textContent?.trim()).toBe('Thinking…');
    await waitFor(() => expect(part(message, 'think-body').querySelector('ol')?.children).toHaveLength(3), {
      timeout: STATE_TIMEOUT,
    });
  },
};

const OPEN_FENCE = `Here is how to follow the status:

\`\`\`ts
const chat = document.querySelector('sse-chat');
chat.addEventListener('sse-status', (event) => {
  console.log(event.detail.status`;

/** An answer streaming mid-code-block: the open fence already renders as code, never as backticks. */
export const StreamingMarkdown: Story = {
  args: { status: 'streaming', think: '', answer: '' },
  async play({ canvasElement }) {
    const message = await messageIn(canvasElement);
    await stream(message, 'answer', OPEN_FENCE, 15);
    const answer = part(message, 'answer');
    await waitFor(
      () => expect(answer.querySelector('pre code')?.textContent).toContain('console.log(event.detail.status'),
      {
        timeout: STATE_TIMEOUT,
      },
    );
    await expect(answer.textContent).not.toContain('```');
    await expect(message.getAttribute('status')).toBe('streaming');
  },
};

/** An answer that ended in error keeps the text that arrived. */
export const ErrorKeepsText: Story = {
  args: { status: 'error', think: '', answer: ANSWER.slice(0, 180) },
  async play({ canvasElement }) {
    const message = await messageIn(canvasElement);
    await expect(message.getAttribute('status')).toBe('error');
    await expect(part(message, 'answer').textContent).toContain('sequence number');
  },
};

/** A stopped answer: what was shown stays. */
export const Stopped: Story = {
  args: { status: 'stopped', answer: ANSWER.slice(0, 260) },
  async play({ canvasElement }) {
    const message = await messageIn(canvasElement);
    await expect(message.getAttribute('status')).toBe('stopped');
    await expect(part(message, 'answer').textContent).toContain('reconnects with that number');
  },
};

/** `theme="dark"`. */
export const DarkTheme: Story = {
  args: { theme: 'dark' },
  decorators: [(story) => html`<div style="background: #0d1117; padding: 12px">${story()}</div>`],
  async play({ canvasElement }) {
    const message = await messageIn(canvasElement);
    await expect(getComputedStyle(message).color).toBe('rgb(230, 237, 243)');
    await waitFor(() => expect(part(message, 'answer').querySelector('pre')).not.toBeNull());
    await expect(getComputedStyle(part(message, 'answer').querySelector('pre')!).backgroundColor).toBe(
      'rgb(21, 27, 35)',
    );
  },
};
