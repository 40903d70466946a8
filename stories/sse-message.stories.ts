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
import { ANSWER, QUESTION, RTL_ANSWER, THINK, chunked } from './fixtures.js';

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

/** The switcher as the reader sees it: "‹ 2 / 3 ›". */
function switcherText(message: SseMessage): string | undefined {
  return part(message, 'versions').textContent?.replace(/\s+/g, ' ').trim();
}

/** The `part`s of the toolbar's controls, in document (and Tab) order. */
function toolbarParts(message: SseMessage): Array<string | null> {
  return [...part(message, 'actions').querySelectorAll('button')].map((button) => button.getAttribute('part'));
}

/** The `sse-version` events a story's message fired (its `<sse-chat>` would show that version). */
function versionsAsked(message: SseMessage): number[] {
  const asked: number[] = [];
  message.addEventListener('sse-version', (event) => asked.push(event.detail.version));
  return asked;
}

const versionedMessage = (args: MessageArgs) =>
  html`<sse-message
    author="assistant"
    status="done"
    last
    versions="3"
    version="2"
    theme=${ifDefined(args.theme === 'auto' ? undefined : args.theme)}
    .answer=${args.answer}
  ></sse-message>`;

/**
 * The conversation's `last` answer, regenerated twice, showing version 2 of 3: the toolbar has
 * the version switcher ("‹ 2 / 3 ›", both arrows enabled), copy, regenerate and good / bad. A
 * lone message only asks (`sse-version`, `sse-regenerate`); `<sse-chat>` switches and regenerates.
 */
export const Versions: Story = {
  name: 'Versions (2 of 3, last answer)',
  args: { think: '' },
  render: (args) => html`<div style="max-width: 720px">${versionedMessage(args)}</div>`,
  async play({ canvasElement }) {
    const message = await messageIn(canvasElement);
    await expect(message.version).toBe(2);
    await expect(message.versions).toBe(3);
    await expect(toolbarParts(message)).toEqual([
      'version-previous',
      'version-next',
      'action-copy',
      'action-regenerate',
      'action-good',
      'action-bad',
    ]);
    await expect(switcherText(message)).toBe('‹ 2 / 3 ›');
    const previous = part(message, 'version-previous') as HTMLButtonElement;
    const next = part(message, 'version-next') as HTMLButtonElement;
    await expect(previous.getAttribute('aria-label')).toBe('Previous version');
    await expect(next.getAttribute('aria-label')).toBe('Next version');
    await expect([previous, next].map((b) => b.getAttribute('aria-disabled'))).toEqual(['false', 'false']);
    await expect(part(message, 'action-regenerate').textContent?.trim()).toBe('Regenerate');

    const asked = versionsAsked(message);
    let regenerated = 0;
    message.addEventListener('sse-regenerate', () => regenerated++);
    previous.click();
    next.click();
    part(message, 'action-regenerate').click();
    await expect(asked, 'sse-version is 0-based: from version 2, to 1 and 3').toEqual([0, 2]);
    await expect(regenerated).toBe(1);
    // Not `last`: an earlier answer keeps its switcher but cannot be regenerated.
    message.last = false;
    await message.updateComplete;
    await expect(message.shadowRoot?.querySelector('[part="action-regenerate"]')).toBeNull();
    await expect(switcherText(message)).toBe('‹ 2 / 3 ›');
    message.last = true;
    await message.updateComplete;
  },
};

/**
 * The same toolbar under `dir="rtl"`: it mirrors — the switcher at the right, "previous" on
 * its right-hand side with its arrow pointing right (the angle quotes are mirrored glyphs).
 */
export const VersionsRightToLeft: Story = {
  name: 'Versions, right to left (RTL)',
  args: { think: '', answer: RTL_ANSWER },
  render: (args) => html`<div dir="rtl" style="max-width: 720px">${versionedMessage(args)}</div>`,
  async play({ canvasElement }) {
    const message = await messageIn(canvasElement);
    const toolbar = part(message, 'actions');
    await expect(getComputedStyle(toolbar).direction).toBe('rtl');
    await expect(switcherText(message)).toBe('‹ 2 / 3 ›');
    const previous = part(message, 'version-previous').getBoundingClientRect();
    const next = part(message, 'version-next').getBoundingClientRect();
    const switcher = part(message, 'versions').getBoundingClientRect();
    await expect(previous.left, 'previous on the right of next').toBeGreaterThan(next.right - 1);
    // The switcher starts the toolbar: at its right edge.
    await expect(Math.abs(toolbar.getBoundingClientRect().right - switcher.right)).toBeLessThan(1);
    const asked = versionsAsked(message);
    part(message, 'version-previous').click();
    await expect(asked).toEqual([0]);
  },
};
