import { LitElement, html, type PropertyValues } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { keyed } from 'lit/directives/keyed.js';
import type { ChatRequestBuilder } from '../src/chat-request.js';
import { DEFAULT_CONFIG, type StatusDetail, type StreamStats } from '../src/stream-types.js';
import type { HistoryMessage } from '../src/history.js';
import { normalizeHeaders, resolveUrl } from '../src/http.js';
import { randomId } from '../src/random-id.js';
import type { Highlighter } from './markdown-view.js';
import { VERSION } from '../src/version.js';
import type { CustomProtocol } from '../src/protocols/index.js';
import type { ProtocolName, StreamStatus } from '../src/types.js';
import { AnswerController } from './answer-controller.js';
import {
  historyEntries,
  newEntry,
  newestId,
  regenerateEntry,
  requestMessages,
  showVersion,
  snapshot,
  type Entry,
} from './conversation.js';
import { emit, type ChatMessage, type SseEditEvent, type SseFeedbackEvent, type SseVersionEvent } from './events.js';
import { HistoryController } from './history-controller.js';
import { ScrollFollowController } from './scroll-follow-controller.js';
import type { SseMessage } from './sse-message.js';
import { statusText } from './status-line.js';
import { DEFAULT_STRINGS, type SseChatStrings } from './strings.js';
import { styles } from './sse-chat.styles.js';

/** Why a `send()` waiting its turn was called off: its AbortSignal's reason. */
const STOPPED = 'stopped';
const SUPERSEDED = 'superseded';

/** The stream settings (all but the conversation id): each is the element property of the same name. */
type Settings = typeof DEFAULT_CONFIG;
const SETTINGS = Object.keys(DEFAULT_CONFIG) as Array<keyof Settings>;

/**
 * A chat over Server-Sent Events: a message log, a composer and a status line, around one
 * resumable `StreamController`. Answers are never duplicated, cut or mixed by reconnects:
 * every retry resumes from the last sequence number, and is visible (`status`,
 * `retry-attempt`, `retry-max`, the status line).
 *
 * @summary Streaming LLM chat widget with loss-free reconnects.
 * @tag sse-chat
 *
 * @fires {SseStatusEvent} sse-status - The stream status changed: `{status, attempt?, max?, delayMs?, error?, transport}`.
 * @fires {SseMessageEvent} sse-message - A message joined the conversation (the question when sent, the answer when it starts).
 * @fires {SseDoneEvent} sse-done - An answer finished: `{message, meta}`.
 * @fires {SseErrorEvent} sse-error - An answer ended in error (once per answer): `{error, message}`.
 * @fires {SseEventEvent} sse-event - A named SSE event outside the chat protocol (`task_progress`, …): `{type, data, id}`.
 * @fires {SseFeedbackEvent} sse-feedback - The reader judged an answer with its good / bad buttons: `{message, value: 'up' | 'down'}`.
 *
 * @csspart log - The scrolling message log (`role="log"`).
 * @csspart jump-latest - The "Jump to latest" button, shown when the reader scrolled up.
 * @csspart status - The status line (`role="status"`).
 * @csspart composer - The form around the text box and buttons.
 * @csspart input - The text box.
 * @csspart send - The send button.
 * @csspart stop - The stop button, shown while an answer streams.
 *
 * @cssprop [--sse-chat-font=system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif] - Font family.
 * @cssprop [--sse-chat-font-size=15px] - Base font size.
 * @cssprop [--sse-chat-radius=12px] - Corner radius of the widget, bubbles and controls.
 * @cssprop [--sse-chat-gap=12px] - Base spacing.
 * @cssprop [--sse-chat-bg=#ffffff] - Background (dark theme: `#0d1117`).
 * @cssprop [--sse-chat-fg=#1f2328] - Text colour (dark: `#e6edf3`).
 * @cssprop [--sse-chat-muted=#59636e] - Secondary text: think block, status line (dark: `#9198a1`).
 * @cssprop [--sse-chat-border=#d1d9e0] - Borders (dark: `#3d444d`).
 * @cssprop [--sse-chat-accent=#0969da] - Send button, links, focus ring (dark: `#4493f8`).
 * @cssprop [--sse-chat-accent-fg=#ffffff] - Text on the accent colour (dark: `#0d1117`).
 * @cssprop [--sse-chat-user-bg=#ddf4ff] - Background of the reader's messages (dark: `#15305a`).
 * @cssprop [--sse-chat-assistant-bg=transparent] - Background of answers.
 * @cssprop [--sse-chat-code-bg=#f6f8fa] - Background of code in answers (dark: `#151b23`).
 * @cssprop [--sse-chat-error=#d1242f] - Status line after an error (dark: `#ff7b72`).
 * @cssprop [--sse-chat-warning=#9a6700] - Status line while reconnecting (dark: `#d29922`).
 */
export class SseChat extends LitElement {
  static override styles = styles;
  /**
   * The reactive properties, each documented at its field below. Declared here rather than with
   * Lit's decorators, which cost the classic script 0.5 KB gzipped (bench/README.md#bundle-size).
   */
  static override properties = {
    endpoint: {},
    method: {},
    protocol: {},
    maxRetries: { type: Number, attribute: 'max-retries' },
    retryDelay: { type: Number, attribute: 'retry-delay' },
    retryMaxDelay: { type: Number, attribute: 'retry-max-delay' },
    heartbeatTimeout: { type: Number, attribute: 'heartbeat-timeout' },
    connectTimeout: { type: Number, attribute: 'connect-timeout' },
    decodeEscapes: { attribute: 'decode-escapes' },
    conversationId: { attribute: 'conversation-id' },
    historyEndpoint: { attribute: 'history-endpoint' },
    stopEndpoint: { attribute: 'stop-endpoint' },
    pollEndpoint: { attribute: 'poll-endpoint' },
    model: {},
    placeholder: {},
    disabled: { type: Boolean, reflect: true },
    theme: { reflect: true },
    headers: { attribute: false },
    body: { attribute: false },
    fetch: { attribute: false },
    request: { attribute: false },
    strings: { attribute: false },
    highlight: { attribute: false },
    highlightStyles: { attribute: false },
    actions: {},
    feedbackEndpoint: { attribute: 'feedback-endpoint' },
    status: { reflect: true },
    retryAttempt: { type: Number, reflect: true, attribute: 'retry-attempt' },
    retryMax: { type: Number, reflect: true, attribute: 'retry-max' },
    entries: { state: true, attribute: false },
    detail: { state: true, attribute: false },
    draft: { state: true, attribute: false },
  };
  /** The package version (a second copy on the page names it in its warning). */
  static readonly version: string = VERSION;

  /** Starts, streams and ends the answers, one at a time (the one `StreamController`). */
  readonly #answers = new AnswerController(this, {
    entries: () => this.entries,
    configure: () => this.#syncConfig(),
    onStatus: (detail) => this.#applyStatus(detail),
  });
  /** Loads the conversation from `history-endpoint`. */
  readonly #history = new HistoryController(this, (messages) => this.#showHistory(messages));
  /** Keeps the log at its end while the reader has not scrolled up. */
  readonly #scroll = new ScrollFollowController(this, {
    log: () => this.renderRoot.querySelector<HTMLElement>('[part="log"]'),
    content: () => this.renderRoot.querySelector<HTMLElement>('.messages'),
  });

  /** URL of the chat stream endpoint (required to send). */
  endpoint: string = DEFAULT_CONFIG.endpoint;
  /** `POST` sends a JSON body; `GET` puts the request in the query. */
  method: 'POST' | 'GET' = DEFAULT_CONFIG.method;
  /** Wire format: `agent`, `openai`, `text`, `ai-sdk`, `anthropic`, `openai-responses`, or `auto` (decided per response from its headers and first event); the property also takes a custom adapter (`{parse(message)}`, or a function returning one). */
  protocol: ProtocolName | 'auto' | CustomProtocol = DEFAULT_CONFIG.protocol;
  /** Reconnect attempts per answer before `error`. */
  maxRetries: number = DEFAULT_CONFIG.maxRetries;
  /** First backoff delay in ms; doubles each attempt, with jitter. */
  retryDelay: number = DEFAULT_CONFIG.retryDelay;
  /** Cap of the backoff delay in ms. */
  retryMaxDelay: number = DEFAULT_CONFIG.retryMaxDelay;
  /** ms without any byte before the stream is resumed; `0` disables. */
  heartbeatTimeout: number = DEFAULT_CONFIG.heartbeatTimeout;
  /** ms to wait for response headers before the attempt counts as failed; `0` disables. */
  connectTimeout: number = DEFAULT_CONFIG.connectTimeout;
  /** Escaped-newline decoding (`\n`, `\r\n`, `\t`, `\\`): `auto` (on for `text`, also when `protocol="auto"` decided it; off for the JSON protocols and custom adapters, whose JSON already carries newlines), `on` (for servers that escape inside JSON) or `off`. */
  decodeEscapes: 'auto' | 'on' | 'off' = DEFAULT_CONFIG.decodeEscapes;
  /** Sent with every request (a random id when not set); changing it switches conversation (the other one goes on on the server). */
  conversationId: string = randomId();
  /** GET URL returning the conversation so far (`?conversation_id=`). */
  historyEndpoint?: string;
  /** POST URL told `{conversation_id, message_id}` when an answer is stopped (the stop button, `stop()`). */
  stopEndpoint?: string;
  /** Polling fallback (`GET ?message_id=&offset=`) when event streams cannot get through. */
  pollEndpoint?: string;
  /** With `openai`, `openai-responses`, `anthropic` or `ai-sdk`: the request is that API's, for this model, so `endpoint` can be the API itself (never resumed); with the others, sent as `model`. */
  model?: string;
  /** Placeholder of the text box (default: `strings.placeholder`, "Ask anything…"). */
  placeholder?: string;
  /** Disables the text box and the send button. */
  disabled = false;
  /** `light` or `dark` forces a theme; absent follows `prefers-color-scheme`. */
  theme?: 'light' | 'dark';

  /** Headers sent with every request (an object or `Headers`). */
  headers?: HeadersInit;
  /** Fields merged into every request body. */
  body?: Record<string, unknown>;
  /** A `fetch`-compatible function used for every request (default: `window.fetch`). */
  fetch?: typeof fetch;
  /**
   * Builds each request from the conversation (`{messages, conversationId, messageId, regenerate?,
   * edit?, model, protocol, endpoint, body}`) as `{url?, headers?, body}`, instead of the protocol's shape. Such
   * a request is never resumed: a break asks again and the new answer replaces the partial one.
   */
  request?: ChatRequestBuilder;
  /** UI strings; pass only the ones to change. */
  strings: Partial<SseChatStrings> = {};
  /**
   * Highlights code in answers: `(code, language) => html` (or a promise of it), called once per
   * finished code block; its HTML is sanitized like everything else (README: highlight.js, Shiki).
   */
  highlight?: Highlighter;
  /** CSS for the highlighter's output (its theme), added to every message (see `<sse-message>`). */
  highlightStyles?: string;
  /** The message actions, space-separated: under each finished answer `copy` and `feedback`, under the last one `regenerate`, under the last question `edit`; empty shows none. */
  actions = 'copy regenerate feedback edit';
  /** POST URL told `{conversation_id, message_id, value}` when the reader judges an answer good (`up`) or bad (`down`). */
  feedbackEndpoint?: string;

  /** `idle`, `connecting`, `streaming`, `reconnecting`, `done`, `error` or `stopped`; reflected for CSS and the host page. Set by the element. */
  status: StreamStatus = 'idle';
  /** `1..max` while reconnecting; absent otherwise. */
  retryAttempt?: number;
  /** The `max-retries` in force, while reconnecting. */
  retryMax?: number;

  private entries: Entry[] = [];
  private detail: StatusDetail = { status: 'idle', transport: 'sse' };
  private draft = '';

  /** The text box (what Lit's `@query` would give). */
  private get input(): HTMLTextAreaElement {
    return (this.renderRoot?.querySelector<HTMLTextAreaElement>('[part="input"]') ?? null) as HTMLTextAreaElement;
  }

  /** The latest `send()` still waiting its turn: `stop()` and a newer `send()` abort it. */
  #waitingSend = new AbortController();
  /** Conversations left for another, kept to come back to (without a history endpoint). */
  readonly #conversations = new Map<string, Entry[]>();
  #mergedStrings: SseChatStrings = DEFAULT_STRINGS;

  // --- read-only state ------------------------------------------------------------------

  /** The conversation: a snapshot, in order. */
  get messages(): ChatMessage[] {
    return this.entries.map((entry) => this.#answers.snapshot(entry));
  }

  /** Counters of the current answer: attempts, reconnects, events, bytes, duplicates dropped… */
  get stats(): StreamStats {
    return this.#answers.stream.stats;
  }

  // --- lifecycle ---------------------------------------------------------------------------

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('strings')) this.#mergedStrings = { ...DEFAULT_STRINGS, ...this.strings };
    if (changed.has('conversationId')) {
      const previous = changed.get('conversationId');
      if (this.hasUpdated && previous !== undefined) {
        this.#leave(previous);
        this.#enter();
      } else if (this.historyEndpoint && this.entries.length === 0) {
        // First render. (A send() before it already started the conversation: keep that.)
        void this.#loadHistory();
      }
    } else if (changed.has('historyEndpoint') && this.historyEndpoint) {
      this.#answers.stream.detach(); // the history replaces what is shown, live answer included
      void this.#loadHistory();
    }
    this.#syncConfig();
  }

  protected override updated(): void {
    // The button that had focus may have just been hidden (send ↔ stop): keep focus in the composer.
    const focused = this.shadowRoot?.activeElement;
    if (focused instanceof HTMLButtonElement && focused.hidden) this.input.focus();
  }

  // --- the stream -------------------------------------------------------------------------

  /** The properties into the stream's settings; one left unset (a removed attribute) is the default. */
  #syncConfig(): void {
    const config = this.#answers.stream.config;
    for (const name of SETTINGS) setting(config, name, this[name]);
    config.method = String(config.method).toUpperCase() === 'GET' ? 'GET' : 'POST';
    config.stopEndpoint ||= undefined;
    config.model ||= undefined;
    config.pollEndpoint ||= undefined;
    config.conversationId = this.conversationId;
  }

  /** The one place the element's status changes. */
  #applyStatus(detail: StatusDetail): void {
    this.detail = detail;
    this.status = detail.status;
    const retrying = detail.status === 'reconnecting';
    this.retryAttempt = retrying ? detail.attempt : undefined;
    this.retryMax = retrying ? detail.max : undefined;
    emit(this, 'sse-status', detail);
  }

  // --- conversations --------------------------------------------------------------------

  /** Leaves a conversation: its answer goes on on the server and can be come back to. */
  #leave(conversationId: string): void {
    this.#answers.stream.detach();
    this.#answers.callOff();
    if (!this.historyEndpoint) this.#conversations.set(conversationId, this.entries);
  }

  /** Shows the conversation `conversationId` names, from the history endpoint or from memory. */
  #enter(): void {
    this.#history.cancel();
    if (this.status !== 'idle') this.#applyStatus({ status: 'idle', transport: 'sse' });
    if (this.historyEndpoint) {
      this.entries = [];
      void this.#loadHistory();
      return;
    }
    this.entries = this.#conversations.get(this.conversationId) ?? [];
    this.#answers.resumePending();
  }

  #loadHistory(): Promise<void> {
    const { historyEndpoint: endpoint = '', conversationId, headers, fetch } = this;
    return this.#history.load({ endpoint, conversationId, headers, fetch });
  }

  /** The conversation from the history endpoint replaces the log. */
  #showHistory(messages: HistoryMessage[]): void {
    this.entries = historyEntries(messages);
    this.#answers.resumePending();
  }

  /** The entry of the `<sse-message>` an event came from; the event stops here. */
  #entryOf(event: Event): Entry | undefined {
    const entry = this.entries.find((e) => e.key === (event.target as HTMLElement).dataset.key);
    if (entry) event.stopPropagation();
    return entry;
  }

  /**
   * Asks from a message's button (regenerate, the editor's send), which is gone while the answer
   * streams: focus goes to the text box rather than to the page.
   */
  #askFrom(event: Event, ask: () => Promise<void>): void {
    if (!this.#entryOf(event)) return;
    void ask();
    void this.updateComplete.then(() => this.input.focus());
  }

  /** A message's version switcher: that version shows in its place. */
  #onVersion(event: SseVersionEvent): void {
    const entry = this.#entryOf(event);
    if (entry && entry.status !== 'streaming') {
      showVersion(entry, event.detail.version);
      this.requestUpdate();
    }
  }

  /** A message's good / bad button: told to the page with the message, and to the server. */
  #onFeedback(event: SseFeedbackEvent): void {
    const entry = this.#entryOf(event);
    if (!entry) return;
    const { value } = event.detail;
    entry.feedback = value;
    this.requestUpdate(); // the binding holds the choice, so another version's (none) replaces it
    emit(this, 'sse-feedback', { message: snapshot(entry), value });
    if (!this.feedbackEndpoint) return;
    const body = { conversation_id: this.conversationId, message_id: entry.messageId, value };
    (this.fetch ?? fetch)(resolveUrl(this.feedbackEndpoint), {
      method: 'POST',
      headers: { ...normalizeHeaders(this.headers), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch((error: unknown) => console.warn('sse-chat: could not send the feedback:', error));
  }

  // --- composer --------------------------------------------------------------------------

  #onInput(): void {
    this.draft = this.input.value;
  }

  #onKeyDown(event: KeyboardEvent): void {
    // Escape stops the answer streaming now (as the stop button does); otherwise it is the page's.
    if (event.key === 'Escape' && this.#answers.busy && !event.isComposing) {
      event.preventDefault();
      this.stop();
      return;
    }
    // ArrowUp in an empty text box edits the last question (when it has its edit button).
    if (event.key === 'ArrowUp' && !this.input.value) {
      const question = this.renderRoot.querySelector<SseMessage>('sse-message[author="user"][last]');
      if (question?.shadowRoot?.querySelector('[part=action-edit]')) {
        event.preventDefault();
        void question.startEdit();
        return;
      }
    }
    if (event.key !== 'Enter' || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
    // Enter that confirms an IME composition (Japanese, Chinese, Korean…) is not a send.
    if (event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    this.#submit();
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.#submit();
  }

  #submit(): void {
    const text = this.input.value;
    if (this.disabled || this.#answers.busy || !text.trim()) return;
    this.input.value = '';
    this.draft = '';
    void this.send(text);
  }

  // --- public methods --------------------------------------------------------------------

  /**
   * Sends a question and streams its answer. Resolves when the answer ends (done, error or
   * stopped; never rejects). An answer still streaming is stopped first.
   */
  send(text: string): Promise<void> {
    return this.#send(text);
  }

  /**
   * Asks the last question again: its answer is replaced by a new one, and kept as an earlier
   * version (a "2 / 2" switcher shows them; `messages` lists them). The server is told which
   * answer is regenerated (`regenerate` in the request). Resolves when the new answer ends.
   */
  async regenerate(): Promise<void> {
    await this.#settled();
    const entry = this.entries.at(-1);
    if (this.#answers.busy || entry?.author !== 'assistant') return;
    const regenerate = regenerateEntry(entry);
    this.requestUpdate();
    this.#scroll.follow();
    emit(this, 'sse-message', { message: this.#answers.snapshot(entry) });
    await this.#answers.ask(entry, requestMessages(this.entries, entry), { regenerate });
  }

  /**
   * Replaces the last question with `text` and asks it: the question and its answer make way
   * for the new pair (an answer still streaming is stopped first, and the server told with
   * `stop-endpoint`). The server is told which answer is replaced (`edit` in the request).
   */
  async edit(text: string): Promise<void> {
    await this.#settled();
    let index = this.entries.length;
    while (index-- > 0 && this.entries[index]!.author !== 'user');
    if (!String(text ?? '').trim() || index < 0) return this.#send(text);
    // Stopped first: a stream ending gives its entry the id the server knows it by.
    if (this.#answers.busy) this.stop();
    const answer = this.entries[index + 1];
    const edit = answer && newestId(answer);
    this.entries = this.entries.slice(0, index);
    return this.#send(text, edit);
  }

  async #send(text: string, edit?: string): Promise<void> {
    const content = String(text ?? '').trim();
    if (!content) return;
    this.#waitingSend.abort(SUPERSEDED);
    const call = (this.#waitingSend = new AbortController()).signal;
    await this.#settled();
    // stop() or a newer send() meanwhile calls this one off: shown, never asked.
    const calledOff = call.aborted;
    if (!calledOff && this.#answers.busy) this.stop();
    const messages = [...requestMessages(this.entries), { role: 'user', content }];
    const question = newEntry('user', content, 'done');
    const answer = newEntry('assistant', '', calledOff ? 'stopped' : 'streaming');
    this.entries = [...this.entries, question, answer];
    this.#scroll.follow();
    emit(this, 'sse-message', { message: this.#answers.snapshot(question) });
    if (calledOff) {
      if (call.reason === STOPPED) this.#applyStatus({ status: 'stopped', transport: 'sse' });
      return;
    }
    emit(this, 'sse-message', { message: this.#answers.snapshot(answer) });
    await this.#answers.ask(answer, messages, { edit });
  }

  /**
   * A conversation switch or history load under way, and any that starts meanwhile (a switch
   * while waiting): a question, a regenerate or an edit belongs after the history it is asked in.
   */
  async #settled(): Promise<void> {
    for (let pending = this.#pending(); pending; pending = this.#pending()) await pending;
  }

  /** What a question must wait for: an update under way (a switch), then a history load. */
  #pending(): Promise<unknown> | undefined {
    return this.isUpdatePending ? this.updateComplete : this.#history.complete;
  }

  /** Stops the answer and, with `stop-endpoint`, tells the server. What was shown stays. */
  stop(): void {
    this.#waitingSend.abort(STOPPED);
    this.#answers.stop();
  }

  /** Re-attaches to the last unfinished answer (after an error, a stop, or leaving it). */
  async resume(): Promise<void> {
    if (this.isUpdatePending) await this.updateComplete;
    if (this.#answers.busy) return;
    const last = [...this.entries].reverse().find((entry) => entry.author === 'assistant');
    if (!last || last.status === 'done' || last.status === 'streaming') return;
    await this.#answers.resume(last);
  }

  /** Empties the conversation (an answer still streaming is stopped). */
  clear(): void {
    if (this.#answers.busy) this.stop();
    this.#history.cancel();
    this.#answers.forget();
    this.entries = [];
    this.#conversations.delete(this.conversationId);
    this.#applyStatus({ status: 'idle', transport: 'sse' });
  }

  // --- rendering -------------------------------------------------------------------------

  protected override render() {
    const strings = this.#mergedStrings;
    const streaming = this.#answers.busy;
    return html`${this.renderLog(strings, streaming)}
      <button part="jump-latest" type="button" ?hidden=${!this.#scroll.jumpVisible} @click=${this.#scroll.jumpToLatest}>
        ${strings.jumpLatest}
      </button>
      <div part="status" role="status">${statusText(strings, this.#history.state, this.detail, this.maxRetries)}</div>
      ${this.renderComposer(strings, streaming)}`;
  }

  protected renderLog(strings: SseChatStrings, streaming: boolean) {
    return html`<div
      part="log"
      role="log"
      aria-live="polite"
      aria-label=${strings.log}
      aria-busy=${streaming ? 'true' : 'false'}
      tabindex="0"
      @scroll=${this.#scroll.onScroll}
    >
      <div
        class="messages"
        @sse-feedback=${this.#onFeedback}
        @sse-regenerate=${(event: Event) => this.#askFrom(event, () => this.regenerate())}
        @sse-version=${this.#onVersion}
        @sse-edit=${(event: SseEditEvent) => this.#askFrom(event, () => this.edit(event.detail.text))}
      >
        ${this.entries.map((entry, i, { length }) =>
          // One element per entry, for its life. The log only grows at its end or is replaced
          // whole (new keys), so keyed() at each index does what repeat() would, for 0.7 KB gzipped
          // less; an insertion or removal before the end would make every later message anew.
          keyed(
            entry.key,
            html`<sse-message
              data-key=${entry.key}
              author=${entry.author}
              status=${entry.status}
              theme=${ifDefined(this.theme)}
              .strings=${strings}
              .highlight=${this.highlight}
              .highlightStyles=${this.highlightStyles}
              actions=${this.actions}
              ?last=${i === length - 1 || (i === length - 2 && entry.author === 'user')}
              .version=${(entry.version ?? 0) + 1}
              .versions=${entry.versions?.length}
              .feedback=${entry.feedback}
              .think=${entry.think}
              .answer=${entry.answer}
            ></sse-message>`,
          ),
        )}
      </div>
    </div>`;
  }

  protected renderComposer(strings: SseChatStrings, streaming: boolean) {
    return html`<form part="composer" @submit=${this.#onSubmit}>
      <textarea
        part="input"
        rows="1"
        aria-label=${strings.input}
        placeholder=${this.placeholder ?? strings.placeholder}
        ?disabled=${this.disabled}
        @input=${this.#onInput}
        @keydown=${this.#onKeyDown}
      ></textarea>
      <button part="send" type="submit" ?hidden=${streaming} ?disabled=${this.disabled || !this.draft.trim()}>
        ${strings.send}
      </button>
      <button part="stop" type="button" ?hidden=${!streaming} @click=${this.stop}>${strings.stop}</button>
    </form>`;
  }
}

/** Sets one stream setting: `value`, or the default when it is unset (`null`: a removed attribute). */
function setting<K extends keyof Settings>(config: Settings, name: K, value: Settings[K] | null | undefined): void {
  config[name] = value ?? DEFAULT_CONFIG[name];
}
