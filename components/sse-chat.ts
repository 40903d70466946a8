import { LitElement, html, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { repeat } from 'lit/directives/repeat.js';
import {
  normalizeHeaders,
  StreamController,
  type ResumePoint,
  type StatusDetail,
  type StreamResult,
  type StreamStats,
} from '../src/stream-controller.js';
import { parseHistory } from '../src/history.js';
import { randomId } from '../src/random-id.js';
import { VERSION } from '../src/version.js';
import { SseChatError, type ProtocolName, type StreamStatus } from '../src/types.js';
import { emit, type ChatMessage, type MessageStatus } from './events.js';
import type { SseMessage } from './sse-message.js';
import { DEFAULT_STRINGS, type SseChatStrings } from './strings.js';
import { styles } from './sse-chat.styles.js';

/** One message as the element keeps it. While an answer streams its text lives in the controller. */
interface Entry {
  /** Stable render key. */
  key: string;
  /** The id the server knows the message by (it may assign its own). */
  messageId: string;
  author: 'user' | 'assistant';
  think: string;
  answer: string;
  status: MessageStatus;
  meta?: Record<string, unknown>;
  /** Sequence number `think`/`answer` correspond to: where a resume continues. */
  lastSeq: number;
  /** After an error or a stop: where a `resume()` continues (nothing held back there). */
  resume?: ResumePoint;
}

/** Scrolled this close to the end, the log follows new text. */
const FOLLOW_SLACK_PX = 24;

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
  /** The package version (a second copy on the page names it in its warning). */
  static readonly version: string = VERSION;

  readonly #controller: StreamController;

  /** URL of the chat stream endpoint (required to send). */
  @property() endpoint = '';
  /** `POST` sends a JSON body; `GET` puts the request in the query. */
  @property() method: 'POST' | 'GET' = 'POST';
  /** Wire format: `agent`, `openai` or `text`. */
  @property() protocol: ProtocolName = 'agent';
  /** Reconnect attempts per answer before `error`. */
  @property({ type: Number, attribute: 'max-retries' }) maxRetries = 5;
  /** First backoff delay in ms; doubles each attempt, with jitter. */
  @property({ type: Number, attribute: 'retry-delay' }) retryDelay = 1000;
  /** Cap of the backoff delay in ms. */
  @property({ type: Number, attribute: 'retry-max-delay' }) retryMaxDelay = 30000;
  /** ms without any byte before the stream is resumed; `0` disables. */
  @property({ type: Number, attribute: 'heartbeat-timeout' }) heartbeatTimeout = 45000;
  /** ms to wait for response headers before the attempt counts as failed; `0` disables. */
  @property({ type: Number, attribute: 'connect-timeout' }) connectTimeout = 15000;
  /** Escaped-newline decoding (`\n`, `\r\n`, `\t`, `\\`): `auto` (on for `text`; off for `agent` and `openai`, whose JSON already carries newlines), `on` (for servers that escape inside JSON) or `off`. */
  @property({ attribute: 'decode-escapes' }) decodeEscapes: 'auto' | 'on' | 'off' = 'auto';
  /** Sent with every request (a random id when not set); changing it switches conversation (the other one goes on on the server). */
  @property({ attribute: 'conversation-id' }) conversationId: string = randomId();
  /** GET URL returning the conversation so far (`?conversation_id=`). */
  @property({ attribute: 'history-endpoint' }) historyEndpoint?: string;
  /** POST URL told `{conversation_id, message_id}` when an answer is stopped (the stop button, `stop()`). */
  @property({ attribute: 'stop-endpoint' }) stopEndpoint?: string;
  /** Polling fallback (`GET ?message_id=&offset=`) when event streams cannot get through. */
  @property({ attribute: 'poll-endpoint' }) pollEndpoint?: string;
  /** Placeholder of the text box (default: `strings.placeholder`, "Ask anything…"). */
  @property() placeholder?: string;
  /** Disables the text box and the send button. */
  @property({ type: Boolean, reflect: true }) disabled = false;
  /** `light` or `dark` forces a theme; absent follows `prefers-color-scheme`. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  /** Headers sent with every request (an object or `Headers`). */
  @property({ attribute: false }) headers?: HeadersInit;
  /** Fields merged into every request body. */
  @property({ attribute: false }) body?: Record<string, unknown>;
  /** A `fetch`-compatible function used for every request (default: `window.fetch`). */
  @property({ attribute: false }) fetch?: typeof fetch;
  /** UI strings; pass only the ones to change. */
  @property({ attribute: false }) strings: Partial<SseChatStrings> = {};

  /** `idle`, `connecting`, `streaming`, `reconnecting`, `done`, `error` or `stopped`; reflected for CSS and the host page. Set by the element. */
  @property({ reflect: true }) status: StreamStatus = 'idle';
  /** `1..max` while reconnecting; absent otherwise. */
  @property({ type: Number, reflect: true, attribute: 'retry-attempt' }) retryAttempt?: number;
  /** The `max-retries` in force, while reconnecting. */
  @property({ type: Number, reflect: true, attribute: 'retry-max' }) retryMax?: number;

  @state() private entries: Entry[] = [];
  @state() private detail: StatusDetail = { status: 'idle', transport: 'sse' };
  @state() private history: { state: 'idle' | 'loading' } | { state: 'error'; reason: string } = { state: 'idle' };
  @state() private draft = '';
  @state() private jumpVisible = false;

  @query('[part="log"]') private log!: HTMLElement;
  @query('.messages') private list!: HTMLElement;
  @query('[part="input"]') private input!: HTMLTextAreaElement;

  /** The answer being streamed, if any. */
  #live: Entry | undefined;
  /** The answer about to stream (its <sse-message> is being rendered), if any. */
  #starting: Entry | undefined;
  /** A stream that could not start while the element was off the page. */
  #deferred: { entry: Entry; begin: () => Promise<StreamResult> } | undefined;
  /** Counts `send()` calls; `stop()` calls off every one up to `#stoppedCall`. */
  #sendCall = 0;
  #stoppedCall = 0;
  /** The history request in flight; `send()` waits for it rather than racing it. */
  #historyLoad: Promise<void> | undefined;
  #liveElement: SseMessage | undefined;
  /** Settles once the last ended answer is rendered and its events fired. */
  #settled: Promise<void> = Promise.resolve();
  /** Conversations left for another, kept to come back to (without a history endpoint). */
  readonly #conversations = new Map<string, Entry[]>();
  #historyCall = 0;
  #historyAbort: AbortController | undefined;
  #mergedStrings: SseChatStrings = DEFAULT_STRINGS;
  #follow = true;
  #resizeObserver: ResizeObserver | undefined;

  constructor() {
    super();
    this.#controller = new StreamController(undefined, {
      onStatus: (detail) => this.#applyStatus(detail),
      onChange: (change) => {
        const element = this.#liveMessageElement();
        if (change.kind === 'append') element?.appendText(change.block, change.text);
        else if (element) element[change.block] = change.text;
      },
      onEvent: (event) => emit(this, 'sse-event', event),
      onEnd: (result) => this.#onEnd(result),
    });
    // Registered without the host argument: the element re-renders on status changes only,
    // never per token (the text goes straight to the live <sse-message>).
    this.addController(this.#controller);
  }

  // --- read-only state ------------------------------------------------------------------

  /** The conversation: a snapshot, in order. */
  get messages(): ChatMessage[] {
    return this.entries.map((entry) => this.#snapshot(entry));
  }

  /** Counters of the current answer: attempts, reconnects, events, bytes, duplicates dropped… */
  get stats(): StreamStats {
    return this.#controller.stats;
  }

  // --- lifecycle ---------------------------------------------------------------------------

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasUpdated) return;
    this.#observeSize();
    // Moved in the page (the element was detached for a moment): follow the answer again.
    const deferred = this.#deferred;
    this.#deferred = undefined;
    const last = this.entries.at(-1);
    if (deferred && this.entries.includes(deferred.entry)) void this.#streamInto(deferred.entry, deferred.begin);
    else if (last?.status === 'pending') void this.#resumeEntry(last);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback(); // the controller detaches: the server keeps generating
    this.#resizeObserver?.disconnect();
  }

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
      this.#controller.detach(); // the history replaces what is shown, live answer included
      void this.#loadHistory();
    }
    this.#syncConfig();
  }

  protected override firstUpdated(): void {
    this.#observeSize();
  }

  protected override updated(): void {
    // The button that had focus may have just been hidden (send ↔ stop): keep focus in the composer.
    const focused = this.shadowRoot?.activeElement;
    if (focused instanceof HTMLButtonElement && focused.hidden) this.input.focus();
  }

  // --- stream callbacks ------------------------------------------------------------------

  /** The one place the element's status changes. */
  #applyStatus(detail: StatusDetail): void {
    this.detail = detail;
    this.status = detail.status;
    const retrying = detail.status === 'reconnecting';
    this.retryAttempt = retrying ? detail.attempt : undefined;
    this.retryMax = retrying ? detail.max : undefined;
    emit(this, 'sse-status', detail);
  }

  #onEnd(result: StreamResult): void {
    const entry = this.#live;
    if (!entry) return;
    this.#live = undefined;
    this.#liveElement = undefined;
    entry.messageId = result.messageId;
    entry.meta = result.meta;
    entry.status = result.status === 'detached' ? 'pending' : result.status;
    if (result.status === 'detached') {
      // Left while streaming: keep exactly what a resume continues (no half escape or tag).
      ({ think: entry.think, answer: entry.answer, seq: entry.lastSeq } = result.resumeFrom);
    } else {
      entry.think = result.think;
      entry.answer = result.answer;
      entry.lastSeq = result.resumeFrom.seq;
      entry.resume = result.resumeFrom;
    }
    this.requestUpdate();
    if (result.status !== 'detached') this.#settled = this.#announceEnd(entry, result);
  }

  /** Fires `sse-done` / `sse-error` once the final text is on screen. */
  async #announceEnd(entry: Entry, result: StreamResult): Promise<void> {
    await this.updateComplete;
    const element = this.#messageElement(entry);
    await element?.updateComplete;
    const message = this.#snapshot(entry);
    if (result.status === 'done') emit(this, 'sse-done', { message, meta: result.meta });
    else if (result.status === 'error' && result.error) emit(this, 'sse-error', { error: result.error, message });
  }

  // --- conversations --------------------------------------------------------------------

  /** Leaves a conversation: its answer goes on on the server and can be come back to. */
  #leave(conversationId: string): void {
    this.#controller.detach();
    this.#abandonStarting();
    if (!this.historyEndpoint) this.#conversations.set(conversationId, this.entries);
  }

  /** Shows the conversation `conversationId` names, from the history endpoint or from memory. */
  #enter(): void {
    this.#cancelHistory();
    if (this.status !== 'idle') this.#applyStatus({ status: 'idle', transport: 'sse' });
    if (this.historyEndpoint) {
      this.entries = [];
      void this.#loadHistory();
      return;
    }
    this.entries = this.#conversations.get(this.conversationId) ?? [];
    const last = this.entries.at(-1);
    if (last?.status === 'pending') void this.#resumeEntry(last);
  }

  #loadHistory(): Promise<void> {
    const load = this.#fetchHistory().finally(() => {
      if (this.#historyLoad === load) this.#historyLoad = undefined;
    });
    this.#historyLoad = load;
    return load;
  }

  /** Cancels the history request in flight, if any: a stale answer is never shown. */
  #cancelHistory(): void {
    this.#historyAbort?.abort();
    this.#historyCall++;
    this.#historyLoad = undefined;
    this.history = { state: 'idle' };
  }

  async #fetchHistory(): Promise<void> {
    const endpoint = this.historyEndpoint;
    if (!endpoint) return;
    this.#historyAbort?.abort();
    const abort = new AbortController();
    this.#historyAbort = abort;
    const call = ++this.#historyCall;
    const conversationId = this.conversationId;
    this.history = { state: 'loading' };
    try {
      const url = new URL(endpoint, document.baseURI);
      url.searchParams.set('conversation_id', conversationId);
      const response = await (this.fetch ?? globalThis.fetch).call(globalThis, url.href, {
        headers: { ...normalizeHeaders(this.headers), accept: 'application/json' },
        signal: abort.signal,
      });
      if (!response.ok) throw new SseChatError('http', `HTTP ${response.status}`, { status: response.status });
      const entries = parseHistory(await response.json()).map((message) => ({
        ...message,
        key: randomId(),
        messageId: message.id,
      }));
      if (call !== this.#historyCall) return;
      this.history = { state: 'idle' };
      this.entries = entries;
      const last = entries.at(-1);
      if (last?.author === 'assistant' && last.status === 'pending') void this.#resumeEntry(last);
    } catch (error) {
      if (call !== this.#historyCall) return;
      const reason = error instanceof Error ? error.message : String(error);
      console.warn(`sse-chat: could not load the conversation from ${endpoint}:`, error);
      this.history = { state: 'error', reason };
    }
  }

  // --- streaming -------------------------------------------------------------------------

  /**
   * Streams into `entry` once its `<sse-message>` is on the page. Until then the entry is
   * `#starting`: `stop()`, a newer `send()` or a conversation switch can still call it off.
   */
  async #streamInto(entry: Entry, begin: () => Promise<StreamResult>): Promise<void> {
    this.#starting = entry;
    this.requestUpdate();
    await this.updateComplete;
    if (this.#starting !== entry) return; // called off meanwhile
    this.#starting = undefined;
    if (!this.entries.includes(entry)) return; // the log was replaced (history) meanwhile
    if (!this.isConnected) {
      // Off the page (removed, or moved and not back yet): start when it comes back.
      entry.status = 'pending';
      this.#deferred = { entry, begin };
      this.requestUpdate();
      return;
    }
    this.#controller.detach(); // a previous answer ends before this one owns the callbacks
    this.#live = entry;
    this.#liveElement = undefined;
    this.#syncConfig();
    await begin();
    await this.#settled;
  }

  /** Calls off an answer that was about to stream: nothing was asked of the server yet. */
  #abandonStarting(): void {
    const entry = this.#starting;
    if (!entry) return;
    this.#starting = undefined;
    // A new answer was never asked for: it is stopped. A resume stays resumable.
    entry.status = entry.lastSeq > 0 || entry.think || entry.answer ? 'pending' : 'stopped';
    this.requestUpdate();
  }

  #resumeEntry(entry: Entry): Promise<void> {
    // Show the text the resume continues: after an error the shown text was flushed (a held
    // back `\` became literal), and the events after the resume point come again.
    if (entry.resume) ({ think: entry.think, answer: entry.answer, seq: entry.lastSeq } = entry.resume);
    entry.resume = undefined;
    entry.status = 'streaming';
    const messages = this.#requestMessages(entry);
    return this.#streamInto(entry, () =>
      this.#controller.resume({ messageId: entry.messageId, offset: entry.lastSeq, think: entry.think, answer: entry.answer, messages }),
    );
  }

  #syncConfig(): void {
    Object.assign(this.#controller.config, {
      endpoint: this.endpoint ?? '',
      method: String(this.method).toUpperCase() === 'GET' ? 'GET' : 'POST',
      protocol: this.protocol,
      maxRetries: this.maxRetries,
      retryDelay: this.retryDelay,
      retryMaxDelay: this.retryMaxDelay,
      heartbeatTimeout: this.heartbeatTimeout,
      connectTimeout: this.connectTimeout,
      decodeEscapes: this.decodeEscapes,
      conversationId: this.conversationId,
      headers: this.headers,
      body: this.body,
      stopEndpoint: this.stopEndpoint || undefined,
      pollEndpoint: this.pollEndpoint || undefined,
      fetch: this.fetch,
    });
  }

  /** The conversation before `entry`, as chat messages for the request. */
  #requestMessages(before?: Entry): Array<{ role: string; content: string }> {
    const end = before ? this.entries.indexOf(before) : this.entries.length;
    return this.entries
      .slice(0, end < 0 ? this.entries.length : end)
      .filter((entry) => entry.answer !== '')
      .map((entry) => ({ role: entry.author, content: entry.answer }));
  }

  #snapshot(entry: Entry): ChatMessage {
    const live = entry === this.#live;
    const message: ChatMessage = {
      id: live ? (this.#controller.messageId ?? entry.messageId) : entry.messageId,
      author: entry.author,
      think: live ? this.#controller.think : entry.think,
      answer: live ? this.#controller.answer : entry.answer,
      status: entry.status,
    };
    if (entry.meta) message.meta = entry.meta;
    return message;
  }

  #liveMessageElement(): SseMessage | undefined {
    if (!this.#live) return undefined;
    this.#liveElement ??= this.#messageElement(this.#live);
    return this.#liveElement;
  }

  #messageElement(entry: Entry): SseMessage | undefined {
    return this.renderRoot.querySelector<SseMessage>(`sse-message[data-key="${entry.key}"]`) ?? undefined;
  }

  // --- scrolling -------------------------------------------------------------------------

  #observeSize(): void {
    this.#resizeObserver ??= new ResizeObserver(() => {
      if (this.#follow) this.#scrollToEnd();
    });
    this.#resizeObserver.observe(this.list);
  }

  #scrollToEnd(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }

  #onScroll(): void {
    const { scrollHeight, scrollTop, clientHeight } = this.log;
    this.#follow = scrollHeight - scrollTop - clientHeight <= FOLLOW_SLACK_PX;
    this.jumpVisible = !this.#follow;
  }

  #onJumpLatest(): void {
    this.#follow = true;
    this.jumpVisible = false;
    this.#scrollToEnd();
  }

  // --- composer --------------------------------------------------------------------------

  #onInput(): void {
    this.draft = this.input.value;
  }

  #onKeyDown(event: KeyboardEvent): void {
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
    if (this.disabled || this.#live || this.#starting || !text.trim()) return;
    this.input.value = '';
    this.draft = '';
    void this.send(text);
  }

  // --- public methods --------------------------------------------------------------------

  /**
   * Sends a question and streams its answer. Resolves when the answer ends (done, error or
   * stopped; never rejects). An answer still streaming is stopped first.
   */
  async send(text: string): Promise<void> {
    const content = String(text ?? '').trim();
    if (!content) return;
    const call = ++this.#sendCall;
    // A conversation switch or history load under way first: the question belongs after them.
    if (this.isUpdatePending) await this.updateComplete;
    if (this.#historyLoad) await this.#historyLoad;
    // stop() or a newer send() meanwhile calls this one off: shown, never asked.
    const calledOff = call <= this.#stoppedCall || call !== this.#sendCall;
    if (!calledOff && (this.#live || this.#starting)) this.stop();
    const messages = [...this.#requestMessages(), { role: 'user', content }];
    const question: Entry = { key: randomId(), messageId: randomId(), author: 'user', think: '', answer: content, status: 'done', lastSeq: 0 };
    const answer: Entry = {
      key: randomId(),
      messageId: randomId(),
      author: 'assistant',
      think: '',
      answer: '',
      status: calledOff ? 'stopped' : 'streaming',
      lastSeq: 0,
    };
    this.entries = [...this.entries, question, answer];
    this.#follow = true;
    this.jumpVisible = false;
    emit(this, 'sse-message', { message: this.#snapshot(question) });
    if (calledOff) {
      if (call <= this.#stoppedCall) this.#applyStatus({ status: 'stopped', transport: 'sse' });
      return;
    }
    emit(this, 'sse-message', { message: this.#snapshot(answer) });
    await this.#streamInto(answer, () => this.#controller.start({ messages, messageId: answer.messageId }));
  }

  /** Stops the answer and, with `stop-endpoint`, tells the server. What was shown stays. */
  stop(): void {
    this.#stoppedCall = this.#sendCall;
    if (this.#starting && !this.#live) {
      const entry = this.#starting;
      this.#abandonStarting();
      if (entry.status === 'stopped') this.#applyStatus({ status: 'stopped', transport: 'sse' });
      return;
    }
    this.#controller.stop();
  }

  /** Re-attaches to the last unfinished answer (after an error, a stop, or leaving it). */
  async resume(): Promise<void> {
    if (this.isUpdatePending) await this.updateComplete;
    if (this.#live || this.#starting) return;
    const last = [...this.entries].reverse().find((entry) => entry.author === 'assistant');
    if (!last || last.status === 'done' || last.status === 'streaming') return;
    await this.#resumeEntry(last);
  }

  /** Empties the conversation (an answer still streaming is stopped). */
  clear(): void {
    if (this.#live || this.#starting) this.stop();
    this.#cancelHistory();
    this.#deferred = undefined;
    this.entries = [];
    this.#conversations.delete(this.conversationId);
    this.#applyStatus({ status: 'idle', transport: 'sse' });
  }

  // --- rendering -------------------------------------------------------------------------


  #statusText(strings: SseChatStrings): string {
    if (this.history.state === 'loading') return strings.loadingHistory;
    if (this.history.state === 'error') return strings.historyError(this.history.reason);
    const { status, attempt = 1, max = this.maxRetries, delayMs = 0, error, transport, restart, offline } = this.detail;
    switch (status) {
      case 'idle':
        return '';
      case 'connecting':
        return strings.connecting;
      case 'streaming':
        if (restart) return strings.restarted;
        return transport === 'poll' ? strings.polling : strings.streaming;
      case 'reconnecting': {
        if (offline) return strings.offline;
        const reason = error ? strings.describeError(error) : strings.describeError(new SseChatError('network', ''));
        return strings.reconnecting(attempt, max, Math.ceil(delayMs / 1000), reason);
      }
      case 'done':
        return strings.done;
      case 'stopped':
        return strings.stopped;
      case 'error':
        return strings.error(error ? strings.describeError(error) : '');
    }
  }

  protected override render() {
    const strings = this.#mergedStrings;
    const streaming = this.#live !== undefined || this.#starting !== undefined;
    return html`${this.renderLog(strings, streaming)}
      <button part="jump-latest" type="button" ?hidden=${!this.jumpVisible} @click=${this.#onJumpLatest}>
        ${strings.jumpLatest}
      </button>
      <div part="status" role="status">${this.#statusText(strings)}</div>
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
      @scroll=${this.#onScroll}
    >
      <div class="messages">
        ${repeat(
          this.entries,
          (entry) => entry.key,
          (entry) =>
            html`<sse-message
              data-key=${entry.key}
              author=${entry.author}
              status=${entry.status}
              theme=${ifDefined(this.theme)}
              .strings=${strings}
              .think=${entry.think}
              .answer=${entry.answer}
            ></sse-message>`,
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
