/**
 * A harness for `<sse-chat>` tests (Material's habit): tests speak in reader actions —
 * type, press Enter, click stop — and read what the reader would see.
 */
import { fixture, html, oneEvent } from '@open-wc/testing';
import '../../components/define.js';
import type { SseChat } from '../../components/sse-chat.js';
import type { SseMessage } from '../../components/sse-message.js';
import { FAST, chatUrl, question, until } from './stream.js';

export { chatUrl, question, until };

/** Attributes that make fault tests fast (mirrors the controller's `FAST`). */
export const FAST_ATTRS = {
  'retry-delay': String(FAST.retryDelay),
  'retry-max-delay': String(FAST.retryMaxDelay),
  'heartbeat-timeout': String(FAST.heartbeatTimeout),
  'connect-timeout': String(FAST.connectTimeout),
};

export class ChatHarness {
  constructor(readonly chat: SseChat) {}

  get root(): ShadowRoot {
    return this.chat.shadowRoot!;
  }
  part<T extends HTMLElement = HTMLElement>(name: string): T {
    const element = this.root.querySelector<T>(`[part~="${name}"]`);
    if (!element) throw new Error(`no part="${name}"`);
    return element;
  }
  get input(): HTMLTextAreaElement {
    return this.part<HTMLTextAreaElement>('input');
  }
  get statusText(): string {
    return this.part('status').textContent?.trim() ?? '';
  }
  get messageElements(): SseMessage[] {
    return [...this.root.querySelectorAll<SseMessage>('sse-message')];
  }
  get lastMessage(): SseMessage {
    const last = this.messageElements.at(-1);
    if (!last) throw new Error('no message');
    return last;
  }
  /** Think + answer of the last message so far (read from the stream while it streams). */
  lastText(): string {
    const last = this.chat.messages.at(-1);
    return last ? last.think + last.answer : '';
  }
  /** The rendered answer DOM of a message (its `part="answer"`). */
  answerOf(message: SseMessage = this.lastMessage): HTMLElement {
    return message.shadowRoot!.querySelector<HTMLElement>('[part="answer"]')!;
  }
  thinkOf(message: SseMessage = this.lastMessage): HTMLDetailsElement {
    return message.shadowRoot!.querySelector<HTMLDetailsElement>('[part="think"]')!;
  }

  type(text: string): void {
    this.input.focus();
    this.input.value = text;
    this.input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  }

  /** A keydown on the text box (`isComposing` for IME). */
  key(key: string, init: KeyboardEventInit = {}): KeyboardEvent {
    const event = new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...init });
    this.input.dispatchEvent(event);
    return event;
  }

  /** Sends `text` the way a reader does and waits until the answer ends. */
  async ask(text = question()[0]!.content): Promise<CustomEvent> {
    const ended = Promise.race([oneEvent(this.chat, 'sse-done'), oneEvent(this.chat, 'sse-error')]);
    this.type(text);
    this.key('Enter');
    return ended;
  }
}

/** A `<sse-chat>` on the reference server, fast retries; extra attributes override. */
export async function chatFixture(attrs: Record<string, string> = {}): Promise<ChatHarness> {
  const all = { endpoint: chatUrl(), ...FAST_ATTRS, ...attrs };
  const chat = await fixture<SseChat>(html`<sse-chat style="height: 400px"></sse-chat>`);
  for (const [name, value] of Object.entries(all)) chat.setAttribute(name, value);
  await chat.updateComplete;
  return new ChatHarness(chat);
}

/** Waits for `predicate`, re-checking every few ms. */
export { until as waitFor };
