/**
 * `<sse-chat>` in every state it can be in. Each story streams a scripted answer through the
 * `fetch` property (scripted-fetch.ts: no server), started by its `play` function, which then
 * waits — bounded — for the state the story is named for and checks it. The story test
 * (scripts/test-storybook.mjs) opens every story of the built Storybook and fails when a play
 * function fails or anything reaches the console as an error.
 */
import type { Decorator, Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { useMemo } from 'storybook/preview-api';
import { expect, waitFor } from 'storybook/test';
import type { SseErrorDetail, SseStatusDetail } from '../components/events.js';
import type { SseChat } from '../components/sse-chat.js';
import type { SseMessage } from '../components/sse-message.js';
import { controlsOnly } from './controls.js';
import {
  ANSWER,
  LONG_ANSWER,
  QUESTION,
  RTL_ANSWER,
  RTL_QUESTION,
  RTL_THINK,
  THINK,
  XSS_ANSWER_PARTS,
  XSS_THINK_PARTS,
  answerScript,
  longConversation,
} from './fixtures.js';
import {
  createScriptedServer,
  scriptText,
  type AnswerScript,
  type ScriptedServer,
  type ScriptedServerOptions,
} from './scripted-fetch.js';

/** The attributes the stories bind, as Storybook args (attribute names). */
interface ChatArgs {
  protocol: 'agent' | 'openai' | 'text';
  'max-retries': number;
  'retry-delay': number;
  'retry-max-delay': number;
  'heartbeat-timeout': number;
  'connect-timeout': number;
  'decode-escapes': 'auto' | 'on' | 'off';
  /** `auto`: no attribute, the page's `prefers-color-scheme` decides. */
  theme: 'auto' | 'light' | 'dark';
  placeholder: string;
  disabled: boolean;
  dir: 'ltr' | 'rtl';
}

const WIRED: ReadonlyArray<keyof ChatArgs> = [
  'protocol',
  'max-retries',
  'retry-delay',
  'retry-max-delay',
  'heartbeat-timeout',
  'connect-timeout',
  'decode-escapes',
  'theme',
  'placeholder',
  'disabled',
  'dir',
];

/** How long a play function waits for its state before it fails. */
const STATE_TIMEOUT = 15_000;

const meta: Meta<ChatArgs> = {
  title: 'Elements/sse-chat',
  component: 'sse-chat',
  args: {
    protocol: 'agent',
    'max-retries': 5,
    'retry-delay': 1000,
    'retry-max-delay': 30000,
    'heartbeat-timeout': 45000,
    'connect-timeout': 15000,
    'decode-escapes': 'auto',
    theme: 'auto',
    placeholder: '',
    disabled: false,
    dir: 'ltr',
  },
  argTypes: {
    ...controlsOnly('sse-chat', WIRED),
    protocol: { control: 'inline-radio', options: ['agent', 'openai', 'text'] },
    'max-retries': { control: { type: 'number', min: 0, max: 10, step: 1 } },
    'retry-delay': { control: { type: 'number', min: 0, step: 100 } },
    'retry-max-delay': { control: { type: 'number', min: 0, step: 1000 } },
    'heartbeat-timeout': { control: { type: 'number', min: 0, step: 500 } },
    'connect-timeout': { control: { type: 'number', min: 0, step: 500 } },
    'decode-escapes': { control: 'inline-radio', options: ['auto', 'on', 'off'] },
    theme: { control: 'inline-radio', options: ['auto', 'light', 'dark'] },
    placeholder: { control: 'text' },
    disabled: { control: 'boolean' },
    dir: {
      control: 'inline-radio',
      options: ['ltr', 'rtl'],
      description: 'The global `dir` attribute: the layout uses logical properties, so `rtl` mirrors it.',
      table: { category: 'attributes', type: { summary: "'ltr' | 'rtl'" } },
    },
  },
  parameters: { layout: 'padded' },
};
export default meta;

type Story = StoryObj<ChatArgs>;

// --- the story builder ---------------------------------------------------------------------

/** What a play function gets to check its state with. */
interface PlayTools {
  server: ScriptedServer;
  statuses: SseStatusDetail[];
  errors: SseErrorDetail[];
  done: () => number;
}

interface ChatStory {
  /** Display name, when the export name does not spell it right. */
  name?: string;
  args?: Partial<ChatArgs>;
  /** The scripted server behind `fetch`. */
  server: ScriptedServerOptions;
  /** Sent by the play function (none: the story shows what loads by itself). */
  question?: string;
  /** Load the conversation from the scripted history endpoint under this id. */
  conversationId?: string;
  /** Waits for the state the story is named for, and checks it. */
  expectState(chat: SseChat, tools: PlayTools): Promise<void>;
  decorators?: Decorator<ChatArgs>[];
}

/** The scripted server of a rendered `<sse-chat>`, found through its `fetch`. */
const servers = new WeakMap<typeof fetch, ScriptedServer>();

function chatStory(story: ChatStory): Story {
  return {
    ...(story.name ? { name: story.name } : {}),
    args: story.args,
    decorators: story.decorators,
    render: (args) => {
      // One server per mounted story: a control change re-renders with the same one, so an
      // answer in flight keeps its script (and its resumes find it).
      const server = useMemo(() => {
        const created = createScriptedServer(story.server);
        servers.set(created.fetch, created);
        return created;
      }, []);
      return html`<div style="height: 460px; max-width: 760px">
        <sse-chat
          endpoint="/api/chat"
          stop-endpoint="/api/stop"
          history-endpoint=${ifDefined(story.conversationId ? '/api/history' : undefined)}
          conversation-id=${ifDefined(story.conversationId)}
          protocol=${args.protocol}
          max-retries=${args['max-retries']}
          retry-delay=${args['retry-delay']}
          retry-max-delay=${args['retry-max-delay']}
          heartbeat-timeout=${args['heartbeat-timeout']}
          connect-timeout=${args['connect-timeout']}
          decode-escapes=${args['decode-escapes']}
          theme=${ifDefined(args.theme === 'auto' ? undefined : args.theme)}
          placeholder=${ifDefined(args.placeholder || undefined)}
          ?disabled=${args.disabled}
          dir=${args.dir}
          .fetch=${server.fetch}
        ></sse-chat>
      </div>`;
    },
    play: async ({ canvasElement }) => {
      const chat = canvasElement.querySelector('sse-chat');
      if (!chat?.fetch) throw new Error('the story rendered no <sse-chat> with a scripted fetch');
      const server = servers.get(chat.fetch);
      if (!server) throw new Error('the scripted server of the story is missing');
      await chat.updateComplete;
      let doneCount = 0;
      const tools: PlayTools = { server, statuses: [], errors: [], done: () => doneCount };
      chat.addEventListener('sse-status', (event) => tools.statuses.push(event.detail));
      chat.addEventListener('sse-error', (event) => tools.errors.push(event.detail));
      chat.addEventListener('sse-done', () => doneCount++);
      // Not awaited: some states (reconnecting, thinking) are where the answer stays.
      if (story.question) void chat.send(story.question);
      await story.expectState(chat, tools);
    },
  };
}

// --- reading the element -----------------------------------------------------------------

function messageElements(chat: SseChat): SseMessage[] {
  return [...(chat.shadowRoot?.querySelectorAll('sse-message') ?? [])];
}

function part(root: Element | undefined, name: string): HTMLElement | null {
  return root?.shadowRoot?.querySelector<HTMLElement>(`[part="${name}"]`) ?? null;
}

function statusLine(chat: SseChat): string {
  return part(chat, 'status')?.textContent?.trim() ?? '';
}

function lastAnswer(chat: SseChat) {
  return chat.messages.at(-1);
}

async function untilStatus(chat: SseChat, status: SseChat['status']): Promise<void> {
  await waitFor(() => expect(chat.getAttribute('status')).toBe(status), { timeout: STATE_TIMEOUT });
}

/** After an answer ended: its text is exactly the script's, in the model and on screen. */
async function expectExactAnswer(chat: SseChat, script: AnswerScript): Promise<void> {
  const { think, answer } = scriptText(script);
  const message = lastAnswer(chat);
  await expect(message?.answer).toBe(answer);
  await expect(message?.think).toBe(think);
}

// --- the stories -------------------------------------------------------------------------

/** Nothing sent yet. The attributes are live: try the controls. */
export const Idle: Story = chatStory({
  server: { answers: [answerScript(ANSWER, { think: THINK, paceMs: 20 })] },
  async expectState(chat) {
    await untilStatus(chat, 'idle');
    await expect(chat.messages).toHaveLength(0);
    // The reactive properties are accessors (class fields without define semantics, so no
    // own property hides them): attributes reach the properties and state reflects to attributes.
    await expect(Object.hasOwn(chat, 'maxRetries')).toBe(false);
    await expect(chat.maxRetries).toBe(Number(chat.getAttribute('max-retries')));
    await expect(chat.heartbeatTimeout).toBe(Number(chat.getAttribute('heartbeat-timeout')));
    await expect(part(chat, 'input')?.getAttribute('placeholder')).toBe(chat.placeholder ?? 'Ask anything…');
  },
});

/** A request sent, no response yet (the server holds it; `connect-timeout` is off). */
export const Connecting: Story = chatStory({
  args: { 'connect-timeout': 0 },
  server: { answers: [{ ...answerScript(ANSWER), faults: [{ kind: 'hold' }] }] },
  question: QUESTION,
  async expectState(chat) {
    await untilStatus(chat, 'connecting');
    await expect(statusLine(chat)).toBe('Connecting…');
    await expect(part(chat, 'stop')?.hidden).toBe(false);
  },
});

const thinkingScript = answerScript(ANSWER, { think: THINK, paceMs: 30 });
/** The think block streams, open, and the model keeps thinking (the stream stays open). */
export const Thinking: Story = chatStory({
  args: { 'heartbeat-timeout': 0 },
  server: { answers: [{ ...thinkingScript, faults: [{ kind: 'stall', after: thinkingScript.think?.length ?? 0 }] }] },
  question: QUESTION,
  async expectState(chat) {
    await untilStatus(chat, 'streaming');
    await waitFor(() => expect(lastAnswer(chat)?.think).toBe(THINK), { timeout: STATE_TIMEOUT });
    const answer = messageElements(chat).at(-1);
    await expect(answer?.hasAttribute('thinking')).toBe(true);
    await expect((part(answer, 'think') as HTMLDetailsElement | null)?.open).toBe(true);
    await expect(part(answer, 'think-summary')?.textContent?.trim()).toBe('Thinking…');
  },
});

/** A long markdown answer (~9 KB: headings, lists, code, a table) streaming at a model's pace. */
export const StreamingLongAnswer: Story = chatStory({
  server: { answers: [answerScript(LONG_ANSWER, { think: THINK, paceMs: 15 })] },
  question: 'Write me a long explanation of resumable streams.',
  async expectState(chat) {
    await untilStatus(chat, 'streaming');
    await waitFor(() => expect(part(messageElements(chat).at(-1), 'answer')?.querySelector('h1')).not.toBeNull(), {
      timeout: STATE_TIMEOUT,
    });
    await expect(chat.getAttribute('status')).toBe('streaming');
    await expect(statusLine(chat)).toBe('Answering…');
  },
});

const doneScript = answerScript(ANSWER, { think: THINK, paceMs: 8 });
/** The answer finished: the think block collapsed to "Thought for N s". */
export const Done: Story = chatStory({
  server: { answers: [doneScript] },
  question: QUESTION,
  async expectState(chat, { done }) {
    await untilStatus(chat, 'done');
    await expectExactAnswer(chat, doneScript);
    await waitFor(() => expect(done()).toBe(1));
    const answer = messageElements(chat).at(-1);
    await expect((part(answer, 'think') as HTMLDetailsElement | null)?.open).toBe(false);
    await expect(part(answer, 'think-summary')?.textContent).toMatch(/^Thought for \d+ s$/);
    await expect(statusLine(chat)).toBe('Answer complete.');
  },
});

const reconnectingScript = answerScript(ANSWER, { paceMs: 20 });
/**
 * The connection dropped after 12 events; the first resume was answered 503 with
 * `Retry-After: 600`, so the widget waits, showing attempt 2 of 5 — and the text so far.
 */
export const Reconnecting: Story = chatStory({
  args: { 'retry-delay': 300 },
  server: {
    answers: [
      {
        ...reconnectingScript,
        faults: [
          { kind: 'cut', after: 12 },
          { kind: 'status', status: 503, retryAfter: 600, message: 'overloaded, try again later' },
        ],
      },
    ],
  },
  question: QUESTION,
  async expectState(chat, { server }) {
    await waitFor(() => expect(chat.getAttribute('retry-attempt')).toBe('2'), { timeout: STATE_TIMEOUT });
    await expect(chat.getAttribute('status')).toBe('reconnecting');
    await expect(chat.getAttribute('retry-max')).toBe('5');
    await expect(statusLine(chat)).toMatch(/Reconnecting \(2\/5\) in 600 s/);
    await expect(lastAnswer(chat)?.answer).toBe(scriptText(reconnectingScript, 12).answer);
    const resume = server.requests.filter((request) => request.path === '/api/chat')[1];
    await expect(resume?.offset).toBe(12);
    await expect(resume?.lastEventId).toBe('12');
  },
});

const stallScript = answerScript(ANSWER, { think: THINK, paceMs: 8 });
/**
 * The stream went silent after 40 events with the connection open: after `heartbeat-timeout`
 * (1.5 s here) the widget treats it as dead, resumes from event 40 and finishes the answer.
 */
export const HeartbeatStall: Story = chatStory({
  args: { 'heartbeat-timeout': 1500, 'retry-delay': 300 },
  server: { answers: [{ ...stallScript, faults: [{ kind: 'stall', after: 40 }] }] },
  question: QUESTION,
  async expectState(chat, { server, statuses }) {
    await untilStatus(chat, 'done');
    await expectExactAnswer(chat, stallScript);
    const retry = statuses.find((status) => status.status === 'reconnecting');
    await expect(retry?.error?.type).toBe('timeout');
    await expect(chat.stats.reconnects).toBe(1);
    await expect(server.requests.filter((request) => request.path === '/api/chat')[1]?.offset).toBe(40);
  },
});

/** The endpoint answered 404: not retryable, so `error` at once, with the server's words. */
export const Error404: Story = chatStory({
  server: {
    answers: [
      { ...answerScript(ANSWER), faults: [{ kind: 'status', status: 404, message: 'no such model: gpt-imaginary' }] },
    ],
  },
  question: QUESTION,
  async expectState(chat, { server, errors }) {
    await untilStatus(chat, 'error');
    await waitFor(() => expect(errors).toHaveLength(1));
    await expect(errors[0]?.error.status).toBe(404);
    await expect(statusLine(chat)).toMatch(/not found.*no such model: gpt-imaginary/);
    await expect(server.requests.filter((request) => request.path === '/api/chat')).toHaveLength(1);
  },
});

const exhaustedScript = answerScript(ANSWER, { paceMs: 15 });
/** Cut after 10 events, then every resume fails: after `max-retries` (2) the answer ends in `error`; its text stays. */
export const RetriesExhausted: Story = chatStory({
  args: { 'max-retries': 2, 'retry-delay': 200 },
  server: {
    answers: [
      {
        ...exhaustedScript,
        faults: [
          { kind: 'cut', after: 10 },
          { kind: 'status', status: 503 },
          { kind: 'status', status: 503 },
        ],
      },
    ],
  },
  question: QUESTION,
  async expectState(chat, { errors }) {
    await untilStatus(chat, 'error');
    await waitFor(() => expect(errors).toHaveLength(1));
    await expect(errors[0]?.error.type).toBe('retries-exhausted');
    await expect(statusLine(chat)).toMatch(/gave up after 2 retries/);
    await expect(lastAnswer(chat)?.answer).toBe(scriptText(exhaustedScript, 10).answer);
    await expect(lastAnswer(chat)?.status).toBe('error');
  },
});

/** The reader pressed stop mid-answer: the stream is aborted, the server told, the text kept. */
export const Stopped: Story = chatStory({
  server: { answers: [answerScript(LONG_ANSWER, { paceMs: 15 })] },
  question: 'Write me a long explanation of resumable streams.',
  async expectState(chat, { server }) {
    await waitFor(() => expect(lastAnswer(chat)?.answer.length).toBeGreaterThan(150), { timeout: STATE_TIMEOUT });
    part(chat, 'stop')?.click();
    await untilStatus(chat, 'stopped');
    const message = lastAnswer(chat);
    await expect(message?.status).toBe('stopped');
    await expect(message?.answer.length).toBeGreaterThan(150);
    await waitFor(() =>
      expect(server.requests.some((request) => request.path === '/api/stop' && request.messageId === message?.id)).toBe(
        true,
      ),
    );
    await expect(part(chat, 'send')?.hidden).toBe(false);
  },
});

const replayScript = answerScript(ANSWER, { think: THINK, paceMs: 8 });
/** The resume after a cut replays the 6 events before the offset: all dropped, nothing shown twice. */
export const ReplayedEvents: Story = chatStory({
  args: { 'retry-delay': 200 },
  server: {
    answers: [
      {
        ...replayScript,
        faults: [
          { kind: 'cut', after: 30 },
          { kind: 'replay', count: 6 },
        ],
      },
    ],
  },
  question: QUESTION,
  async expectState(chat) {
    await untilStatus(chat, 'done');
    await expectExactAnswer(chat, replayScript);
    await expect(chat.stats.duplicatesDropped).toBe(6);
  },
});

const xssScript: AnswerScript = { think: XSS_THINK_PARTS, answer: XSS_ANSWER_PARTS, paceMs: 60 };
/**
 * Script, event handlers, `javascript:` links, forms and iframes, each split across events
 * (`<scr` + `ipt>`, `[x](java` + `script:…)`, `<img … one` + `rror=…>`), in the think block
 * too: all rendered inert.
 */
export const XssRenderedInert: Story = chatStory({
  name: 'XSS rendered inert',
  server: { answers: [xssScript] },
  question: 'Show me some HTML.',
  async expectState(chat) {
    await untilStatus(chat, 'done');
    await expectExactAnswer(chat, xssScript);
    for (const message of messageElements(chat)) {
      const root = message.shadowRoot!;
      // Only the element's own buttons (actions, code copy), none from the text.
      const rendered =
        '.markdown :is(script, iframe, object, embed, form, input, button:not(.code-copy), textarea, select, style)';
      await expect(root.querySelectorAll(rendered)).toHaveLength(0);
      await expect(root.querySelectorAll('[onerror], [onclick], [onload]')).toHaveLength(0);
      for (const link of root.querySelectorAll('a'))
        await expect(link.getAttribute('href') ?? '').not.toMatch(/^\s*javascript:/i);
      // The sanitizer drops a non-http(s) image source (the element may stay, pointing nowhere).
      for (const image of root.querySelectorAll('img[src]'))
        await expect(image.getAttribute('src')).toMatch(/^https?:/);
    }
    await expect((window as { __xss?: unknown }).__xss).toBeUndefined();
    await expect(part(messageElements(chat).at(-1), 'answer')?.querySelector('strong')?.textContent).toBe(
      'Only text survives.',
    );
  },
});

/** `theme="dark"` whatever the page prefers. */
export const DarkTheme: Story = chatStory({
  args: { theme: 'dark' },
  server: { answers: [answerScript(ANSWER, { think: THINK, paceMs: 8 })] },
  question: QUESTION,
  decorators: [(story) => html`<div style="background: #010409; padding: 12px">${story()}</div>`],
  async expectState(chat) {
    await untilStatus(chat, 'done');
    await expect(getComputedStyle(chat).backgroundColor).toBe('rgb(13, 17, 23)');
    const question = messageElements(chat)[0];
    await expect(getComputedStyle(part(question, 'bubble')!).backgroundColor).toBe('rgb(21, 48, 90)');
  },
});

const brand: Decorator<ChatArgs> = (story) =>
  html`<style>
      .brand sse-chat {
        --sse-chat-font: Georgia, 'Times New Roman', serif;
        --sse-chat-font-size: 16px;
        --sse-chat-radius: 2px;
        --sse-chat-gap: 16px;
        --sse-chat-bg: #fffaf3;
        --sse-chat-fg: #3b2f2f;
        --sse-chat-border: #e0c9a6;
        --sse-chat-accent: #8250df;
        --sse-chat-user-bg: #f3e8ff;
        --sse-chat-code-bg: #f6efe3;
      }
      .brand sse-chat::part(send) {
        text-transform: uppercase;
        letter-spacing: 0.08em;
      }
      .brand sse-chat::part(input) {
        border-style: dashed;
      }
      .brand sse-chat::part(status) {
        font-style: italic;
      }
    </style>
    <div class="brand">${story()}</div>`;

/** A brand theme from outside: `--sse-chat-*` custom properties and `::part()` rules. */
export const CustomTheme: Story = chatStory({
  server: { answers: [answerScript(ANSWER, { think: THINK, paceMs: 8 })] },
  question: QUESTION,
  decorators: [brand],
  async expectState(chat) {
    await untilStatus(chat, 'done');
    const send = getComputedStyle(part(chat, 'send')!);
    await expect(send.backgroundColor).toBe('rgb(130, 80, 223)');
    await expect(send.textTransform).toBe('uppercase');
    await expect(getComputedStyle(part(chat, 'input')!).borderStyle).toBe('dashed');
    await expect(getComputedStyle(part(messageElements(chat)[0], 'bubble')!).backgroundColor).toBe(
      'rgb(243, 232, 255)',
    );
  },
});

const rtlScript = answerScript(RTL_ANSWER, { think: RTL_THINK, paceMs: 10 });
/** `dir="rtl"` with Arabic text: the layout mirrors (the reader's messages on the left). */
export const RightToLeft: Story = chatStory({
  name: 'Right to left (RTL)',
  args: { dir: 'rtl' },
  server: { answers: [rtlScript] },
  question: RTL_QUESTION,
  async expectState(chat) {
    await untilStatus(chat, 'done');
    await expectExactAnswer(chat, rtlScript);
    const bubble = part(messageElements(chat)[0], 'bubble')!;
    await expect(getComputedStyle(bubble).direction).toBe('rtl');
    const log = part(chat, 'log')!.getBoundingClientRect();
    await expect(bubble.getBoundingClientRect().left - log.left).toBeLessThan(
      log.right - bubble.getBoundingClientRect().right,
    );
  },
});

const conversation = longConversation(20);
/**
 * Forty messages from the `history-endpoint`; the last answer was still being generated, so
 * the widget resumes it from the history's `offset` and streams the rest.
 */
export const LongConversation: Story = chatStory({
  server: { history: conversation.history, known: conversation.known },
  conversationId: 'c-long',
  async expectState(chat, { server }) {
    await untilStatus(chat, 'done');
    await expect(chat.messages).toHaveLength(40);
    const pending = conversation.history.at(-1)!;
    const script = conversation.known[pending.id]!;
    await expectExactAnswer(chat, script);
    const resume = server.requests.find((request) => request.path === '/api/chat');
    await expect(resume?.messageId).toBe(pending.id);
    await expect(resume?.offset).toBe(pending.offset);
  },
});

// --- regenerate, versions, edit ------------------------------------------------------------

const FIRST_VERSION = `A resumed stream continues **after** the last sequence number the client applied, so no text repeats.`;
const SECOND_VERSION = `In short: number every event, remember the highest one shown, and resume from it with \`Last-Event-ID\`.`;
const firstVersionScript = answerScript(FIRST_VERSION, { paceMs: 8 });
const secondVersionScript = answerScript(SECOND_VERSION, { paceMs: 8 });

/** A message's control by part, once the message rendered it. */
async function controlOf<T extends HTMLElement = HTMLButtonElement>(
  message: SseMessage | undefined,
  name: string,
): Promise<T> {
  await waitFor(() => expect(part(message, name)).not.toBeNull(), { timeout: STATE_TIMEOUT });
  return part(message, name) as T;
}

/** The switcher as the reader sees it: "‹ 2 / 2 ›". */
function switcherText(message: SseMessage | undefined): string | undefined {
  return part(message, 'versions')?.textContent?.replace(/\s+/g, ' ').trim();
}

/**
 * The reader asked for another answer (the regenerate button under the last answer): the new
 * one replaces it and the first is kept as a version — the "‹ 2 / 2 ›" switcher shows both. The
 * play function regenerates, checks version 2, then goes back to version 1.
 */
export const Regenerated: Story = chatStory({
  name: 'Regenerated answer (version switcher)',
  server: { answers: [firstVersionScript, secondVersionScript] },
  question: QUESTION,
  async expectState(chat, { server, done }) {
    await waitFor(() => expect(done()).toBe(1), { timeout: STATE_TIMEOUT });
    const answer = messageElements(chat).at(-1);
    await expect(part(answer, 'versions')).toBeNull();
    (await controlOf(answer, 'action-regenerate')).click();
    await waitFor(() => expect(done()).toBe(2), { timeout: STATE_TIMEOUT });
    await untilStatus(chat, 'done');
    await expectExactAnswer(chat, secondVersionScript);
    // Two answers asked, under two message ids; the question asked once.
    const asked = server.requests.filter((request) => request.path === '/api/chat');
    await expect(asked).toHaveLength(2);
    await expect(asked[0]?.messageId).not.toBe(asked[1]?.messageId);
    await expect(messageElements(chat)).toHaveLength(2);
    await expect(messageElements(chat).at(-1)).toBe(answer);
    await waitFor(() => expect(switcherText(answer)).toBe('‹ 2 / 2 ›'));
    await expect(lastAnswer(chat)?.versions?.map((version) => version.answer)).toEqual([FIRST_VERSION, SECOND_VERSION]);
    await expect(lastAnswer(chat)?.version).toBe(1);
    await expect(part(answer, 'version-next')!.getAttribute('aria-disabled')).toBe('true');
    await expect(part(answer, 'answer')?.textContent?.trim()).toBe(
      'In short: number every event, remember the highest one shown, and resume from it with Last-Event-ID.',
    );

    (part(answer, 'version-previous') as HTMLButtonElement).click();
    await waitFor(() => expect(switcherText(answer)).toBe('‹ 1 / 2 ›'));
    await expect(lastAnswer(chat)?.answer).toBe(FIRST_VERSION);
    await expect(lastAnswer(chat)?.version).toBe(0);
    await waitFor(() => expect(part(answer, 'answer')?.querySelector('strong')?.textContent).toBe('after'));
    await expect(part(answer, 'version-previous')!.getAttribute('aria-disabled')).toBe('true');
    await expect(part(answer, 'version-next')!.getAttribute('aria-disabled')).toBe('false');
    // Switching asks nothing.
    await expect(server.requests.filter((request) => request.path === '/api/chat')).toHaveLength(2);
  },
});

const editedScript = answerScript(ANSWER, { paceMs: 8 });
/**
 * The reader's last question put back into its inline editor (its edit button, or ArrowUp in
 * the empty composer): Enter sends the new text in place of the question and its answer,
 * Shift+Enter is a new line, Escape cancels. The play function opens it and checks the editor;
 * the keys are tested in test/elements/regenerate-edit.test.ts.
 */
export const EditingLastQuestion: Story = chatStory({
  name: 'Editing the last question',
  server: { answers: [editedScript] },
  question: QUESTION,
  async expectState(chat, { done }) {
    await waitFor(() => expect(done()).toBe(1), { timeout: STATE_TIMEOUT });
    const [question, answer] = messageElements(chat);
    await expect(question?.getAttribute('author')).toBe('user');
    (await controlOf(question, 'action-edit')).click();
    const input = (await controlOf(question, 'editor-input')) as unknown as HTMLTextAreaElement;
    await expect(input.value).toBe(QUESTION);
    await expect(input.getAttribute('aria-label')).toBe('Edit your question');
    await expect(question?.shadowRoot?.activeElement).toBe(input);
    await expect(part(question, 'answer')?.hidden).toBe(true);
    await expect(part(question, 'editor-send')?.textContent?.trim()).toBe('Send');
    await expect(part(question, 'editor-cancel')?.textContent?.trim()).toBe('Cancel');
    // The answer keeps its regenerate button; nothing was asked again.
    await expect(part(answer, 'action-regenerate')).not.toBeNull();
    await expect(chat.messages.map((message) => message.answer)).toEqual([QUESTION, scriptText(editedScript).answer]);
  },
});
