/**
 * Loads a conversation from the history endpoint, for `<sse-chat>`. Run the way `@lit/task`
 * runs a task: one load at a time, each with its own AbortController; a newer load or
 * `cancel()` aborts the one before, and an aborted load writes nothing (no state, no messages),
 * so a stale conversation is never shown.
 *
 *   GET history-endpoint?conversation_id=…  →  {messages: [...]}  (checked by src/history.ts)
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { parseHistory, type HistoryMessage } from '../src/history.js';
import { describeFailure, normalizeHeaders, resolveUrl, responseError } from '../src/http.js';

/** What the status line says about the history: nothing, "Loading…", or why it failed. */
export type HistoryState = { state: 'idle' } | { state: 'loading' } | { state: 'error'; reason: string };

export interface HistoryRequest {
  endpoint: string;
  conversationId: string;
  headers: HeadersInit | undefined;
  fetch: typeof fetch | undefined;
}

export class HistoryController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  /** Gets the loaded conversation, before the load's promise settles. */
  readonly #onLoad: (messages: HistoryMessage[]) => void;
  #state: HistoryState = { state: 'idle' };
  /** The load in flight: its AbortController, and the promise that settles when it ends. */
  #load: { abort: AbortController; done: Promise<void> } | undefined;

  constructor(host: ReactiveControllerHost, onLoad: (messages: HistoryMessage[]) => void) {
    this.#host = host;
    this.#onLoad = onLoad;
    host.addController(this);
  }

  get state(): HistoryState {
    return this.#state;
  }

  /** Settles when the load in flight ends (loaded, failed or cancelled); `undefined` when none is. */
  get complete(): Promise<void> | undefined {
    return this.#load?.done;
  }

  /** Loads `request.conversationId`; a load still in flight is cancelled. */
  load(request: HistoryRequest): Promise<void> {
    this.#load?.abort.abort();
    const abort = new AbortController();
    const done = this.#fetch(request, abort.signal).finally(() => {
      if (this.#load?.abort === abort) this.#load = undefined;
    });
    this.#load = { abort, done };
    return done;
  }

  /** A load goes on while the element is off the page (moved): the conversation is there when it comes back. */
  hostDisconnected(): void {}

  /** Cancels the load in flight, if any: what it would have loaded is never shown. */
  cancel(): void {
    this.#load?.abort.abort();
    this.#load = undefined;
    this.#set({ state: 'idle' });
  }

  async #fetch({ endpoint, conversationId, headers, fetch }: HistoryRequest, signal: AbortSignal): Promise<void> {
    this.#set({ state: 'loading' });
    try {
      const url = new URL(resolveUrl(endpoint));
      url.searchParams.set('conversation_id', conversationId);
      const response = await (fetch ?? globalThis.fetch).call(globalThis, url.href, {
        headers: { ...normalizeHeaders(headers), accept: 'application/json' },
        signal,
      });
      // A failed status in the words a failed stream gets, the server's own message included.
      if (!response.ok) throw await responseError(response, Date.now());
      const messages = parseHistory(await response.json());
      if (signal.aborted) return;
      this.#set({ state: 'idle' });
      this.#onLoad(messages);
    } catch (error) {
      if (signal.aborted) return;
      console.warn(`sse-chat: could not load the conversation from ${endpoint}:`, error);
      this.#set({ state: 'error', reason: describeFailure(error) });
    }
  }

  #set(state: HistoryState): void {
    this.#state = state;
    this.#host.requestUpdate();
  }
}
