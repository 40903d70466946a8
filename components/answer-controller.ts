/**
 * Streams the answers of `<sse-chat>`'s log, one at a time, over one `StreamController`.
 *
 * An answer starts once its `<sse-message>` is rendered and the element is on the page. Until
 * then it is the next answer, and `stop()`, a newer answer or a conversation switch can still
 * call it off, the way `@lit/task` runs calls: the newest wins, and a call that finds itself
 * superseded after its await does nothing (the `#next` object is its call id). Removed before
 * it could start, it starts when the element is back. While it streams, its text goes straight
 * to its `<sse-message>`, never through a re-render; when it ends, `sse-done` / `sse-error`
 * fire once the final text is on screen.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { StreamController } from '../src/stream-controller.js';
import type { StatusDetail, StreamRequest, StreamResult } from '../src/stream-types.js';
import { callOffEntry, endEntry, prepareResume, requestMessages, snapshot, type Entry } from './conversation.js';
import { emit, type ChatMessage } from './events.js';
import type { SseMessage } from './sse-message.js';

/** The element the answers stream in. */
export type AnswerHost = ReactiveControllerHost &
  HTMLElement & { readonly renderRoot: ParentNode; readonly hasUpdated: boolean };

export interface AnswerOptions {
  /** The log's messages, in order: an answer whose entry left them does not start. */
  entries: () => readonly Entry[];
  /** Brings the stream's settings up to date; called right before an answer starts. */
  configure: () => void;
  /** The status changed: the stream's, or `stopped` for a new answer called off. */
  onStatus: (detail: StatusDetail) => void;
}

/** An answer about to stream: its `<sse-message>` is rendering, or the element is off the page. */
interface NextAnswer {
  entry: Entry;
  begin: () => Promise<StreamResult>;
  /** Removed before it could start: it starts when the element is back on the page. */
  offPage: boolean;
}

export class AnswerController implements ReactiveController {
  readonly stream: StreamController;
  readonly #host: AnswerHost;
  readonly #options: AnswerOptions;
  /** The answer streaming, and its `<sse-message>` once looked up. */
  #live: { entry: Entry; element?: SseMessage } | undefined;
  /** The answer about to stream. A newer one replaces it: the object is the call's id. */
  #next: NextAnswer | undefined;

  constructor(host: AnswerHost, options: AnswerOptions) {
    this.#host = host;
    this.#options = options;
    // Not given the host: the element re-renders on status changes only, never per token.
    this.stream = new StreamController(undefined, {
      onStatus: options.onStatus,
      onChange: (change) => {
        const element = this.#liveElement();
        if (change.kind === 'append') element?.appendText(change.block, change.text);
        else if (element) element[change.block] = change.text;
      },
      onEvent: (event) => emit(host, 'sse-event', event),
      onEnd: (result) => this.#onEnd(result),
    });
    host.addController(this);
  }

  /** Whether an answer streams or is about to (one waiting for the page does not count). */
  get busy(): boolean {
    return this.#live !== undefined || this.#next?.offPage === false;
  }

  /** A message as `messages` and the events report it; an answer streaming: its text so far. */
  snapshot(entry: Entry): ChatMessage {
    return snapshot(entry, entry === this.#live?.entry ? this.stream : undefined);
  }

  /**
   * Asks a new answer into `entry` (`replaces`: the answer it regenerates, or whose question was
   * edited). Settles once it ended and its events fired.
   */
  ask(
    entry: Entry,
    messages: Array<{ role: string; content: string }>,
    replaces?: Pick<StreamRequest, 'regenerate' | 'edit'>,
  ): Promise<void> {
    return this.#streamInto(entry, () => this.stream.start({ messages, messageId: entry.messageId, ...replaces }));
  }

  /** Continues `entry` from its resume point. Settles once it ended and its events fired. */
  resume(entry: Entry): Promise<void> {
    prepareResume(entry);
    const messages = requestMessages(this.#options.entries(), entry);
    return this.#streamInto(entry, () =>
      this.stream.resume({
        messageId: entry.messageId,
        offset: entry.offset,
        think: entry.think,
        answer: entry.answer,
        messages,
      }),
    );
  }

  /** Continues the last answer when it is still being generated on the server. */
  resumePending(): void {
    const last = this.#options.entries().at(-1);
    if (last?.author === 'assistant' && last.status === 'pending') void this.resume(last);
  }

  /** Calls off the answer about to stream (not one waiting for the page); returns its entry. */
  callOff(): Entry | undefined {
    const entry = this.#next?.offPage === false ? this.#next.entry : undefined;
    if (!entry) return undefined;
    this.#next = undefined;
    callOffEntry(entry);
    this.#host.requestUpdate();
    return entry;
  }

  /** Stops the answer; one about to stream is called off before any request. */
  stop(): void {
    const calledOff = this.#live ? undefined : this.callOff();
    if (!calledOff) this.stream.stop();
    else if (calledOff.status === 'stopped') this.#options.onStatus({ status: 'stopped', transport: 'sse' });
  }

  /** Forgets an answer waiting for the page: the log it was in is gone. */
  forget(): void {
    if (this.#next?.offPage) this.#next = undefined;
  }

  /** Back on the page (moved in it): the answer that waited starts, or the pending one resumes. */
  hostConnected(): void {
    if (!this.#host.hasUpdated) return;
    const next = this.#next;
    if (next?.offPage) this.#next = undefined;
    if (next?.offPage && this.#options.entries().includes(next.entry)) void this.#streamInto(next.entry, next.begin);
    else this.resumePending();
  }

  /** Off the page, the stream lets go: the server keeps generating, and coming back resumes it. */
  hostDisconnected(): void {
    this.stream.detach();
  }

  /** Starts `begin` into `entry` once its `<sse-message>` is rendered, unless called off meanwhile. */
  async #streamInto(entry: Entry, begin: () => Promise<StreamResult>): Promise<void> {
    const next: NextAnswer = { entry, begin, offPage: false };
    this.#next = next;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    if (this.#next !== next) return; // called off meanwhile
    this.#next = undefined;
    if (!this.#options.entries().includes(entry)) return; // the log was replaced (history) meanwhile
    if (!this.#host.isConnected) {
      // Off the page (removed, or moved and not back yet): start when it comes back.
      entry.status = 'pending';
      this.#next = { ...next, offPage: true };
      this.#host.requestUpdate();
      return;
    }
    this.stream.detach(); // a previous answer ends before this one owns the callbacks
    this.#live = { entry };
    this.#options.configure();
    const result = await begin();
    if (result.status !== 'detached') await this.#announceEnd(entry, result);
  }

  #onEnd(result: StreamResult): void {
    const entry = this.#live?.entry;
    if (!entry) return;
    this.#live = undefined;
    endEntry(entry, result);
    this.#host.requestUpdate();
  }

  /** Fires `sse-done` / `sse-error` once the final text is on screen. */
  async #announceEnd(entry: Entry, result: StreamResult): Promise<void> {
    await this.#host.updateComplete;
    await this.#messageElement(entry)?.updateComplete;
    const message = this.snapshot(entry);
    if (result.status === 'done') emit(this.#host, 'sse-done', { message, meta: result.meta });
    else if (result.status === 'error' && result.error) emit(this.#host, 'sse-error', { error: result.error, message });
  }

  #liveElement(): SseMessage | undefined {
    const live = this.#live;
    if (live) live.element ??= this.#messageElement(live.entry);
    return live?.element;
  }

  #messageElement(entry: Entry): SseMessage | undefined {
    return this.#host.renderRoot.querySelector<SseMessage>(`sse-message[data-key="${entry.key}"]`) ?? undefined;
  }
}
