/**
 * The state of one answer (`Run`) and of one request made for it (`Attempt`). Every timer and
 * wait of a run is registered here, so ending the run releases all of them at once.
 */
import type { ResumeParams } from './http.js';
import { createMessageModel, type MessageModel } from './message-model.js';
import { isDefaultEvent, parseSeq, type ParsedEvent } from './protocols/adapter.js';
import { createAdapter, shouldDecodeEscapes, type AutoAdapter, type ProtocolAdapter } from './protocols/index.js';
import { randomId } from './random-id.js';
import type { NextAttempt } from './retry-policy.js';
import type { ResumePoint, StreamConfig, StreamRequest, StreamResult, StreamStats, Transport } from './stream-types.js';
import type { SseChatError, SseMessage } from './types.js';

/** What a transport (`sse-transport.ts`, `poll-transport.ts`) uses of the controller running it. */
export interface TransportHost {
  /** The settings as they are now. */
  readonly config: StreamConfig;
  /** The configured `fetch`, or the browser's. */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** A response opened: the answer is streaming. */
  opened(run: Run): void;
  /** Drops a replay, or applies one message of `attempt`; ignores it once the attempt is over. Never throws. */
  receive(run: Run, attempt: Attempt, message: SseMessage): void;
}

/** Why an attempt was aborted by us: the end marker came, the protocol failed, a timeout, or it was let go. */
export type AbortReason = 'end-received' | 'protocol-error' | 'heartbeat' | 'connect-timeout' | 'ended';

/** One request (SSE or poll) of a run. */
export class Attempt {
  readonly controller = new AbortController();
  reason: AbortReason | undefined;
  bytes = 0;
  lastByteAt = 0;
  /** Events applied, and replays dropped, by this attempt. */
  applied = 0;
  dropped = 0;
  /** Whether this restart's first content replaced the text yet. */
  replaced = false;
  /** A restart's fresh adapter, used from its first event; it becomes the run's when the text is replaced. */
  freshAdapter: ProtocolAdapter | undefined;
  /** The response's headers, once they came (`protocol="auto"` reads them). */
  headers: Headers | undefined;

  constructor(
    /** It continues the answer from the offset (`offset`, `last-event-id`). */
    readonly resuming: boolean,
    /** It asks the answer again: its first content (or end) replaces the text shown. */
    readonly restart = false,
  ) {}

  abort(reason: AbortReason): void {
    if (this.controller.signal.aborted) return;
    this.reason = reason;
    this.controller.abort();
  }
}

export const EMPTY_STATS: Readonly<StreamStats> = Object.freeze({
  attempts: 0,
  reconnects: 0,
  events: 0,
  bytes: 0,
  duplicatesDropped: 0,
  restarts: 0,
  lastEventAt: undefined,
  connectedAt: undefined,
});

/** One answer: everything that lives from `start()`/`resume()` to its end. It is the retry policy's `RetryState`. */
export class Run {
  model: MessageModel;
  adapter: ProtocolAdapter;
  readonly stats: StreamStats = { ...EMPTY_STATS };
  /** Settles when the run is over; never rejects. */
  readonly result: Promise<StreamResult>;
  resolve!: (result: StreamResult) => void;
  messageId: string;
  /** Sequence number of the last event applied: where a reconnect continues. */
  offset: number;
  /** Whether the next request continues an answer the server already has. */
  resuming: boolean;
  /** Whether this run received a sequence number: its stream can be resumed from `offset`. */
  seqSeen = false;
  /** Whether any content of this run was applied to the text. */
  touched = false;
  /** `resume()` started it: the server has the answer, so every request continues it. */
  readonly startedAsResume: boolean;
  /** The next attempt asks the answer again and replaces the text shown. */
  restart = false;
  /**
   * Asked of a vendor's API (or through a `request` function): it is never resumed, its ids
   * are ignored, and a break asks again and replaces (docs/design.md#direct-endpoints).
   */
  readonly direct: boolean;
  /** Reconnect attempts since data last flowed. */
  retry = 0;
  /** SSE attempts in a row that failed without a byte. */
  silentFailures = 0;
  serverRetry: number | undefined;
  transport: Transport = 'sse';
  current: Attempt | undefined;
  /** The protocol's end marker arrived (or the server said nothing is left): the answer is complete. */
  endReceived = false;
  meta: Record<string, unknown> | undefined;
  protocolError: SseChatError | undefined;
  /** The run is over (done, error, stopped or detached): nothing of it may act any more. */
  ended = false;
  /** Where a new run may resume this answer (see `markResumePoint`). */
  resumePoint: ResumePoint;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #wake: (() => void) | undefined;

  constructor(
    readonly request: StreamRequest,
    readonly config: Readonly<Pick<StreamConfig, 'protocol' | 'decodeEscapes'>> & { direct?: boolean },
  ) {
    const direct = (this.direct = !!config.direct);
    this.messageId = request.messageId ?? randomId();
    this.offset = direct ? 0 : (request.offset ?? 0);
    this.resuming = request.offset !== undefined && !direct;
    this.startedAsResume = this.resuming;
    this.adapter = this.newAdapter();
    this.model = this.#newModel(request.think, request.answer);
    // Nothing of a direct answer can be continued: text it starts with is replaced by the response.
    this.restart = this.touched = direct && !!(this.model.think || this.model.answer);
    this.result = new Promise((resolve) => (this.resolve = resolve));
    this.resumePoint = { offset: this.offset, think: this.model.think, answer: this.model.answer };
  }

  /**
   * Whether a reconnect can continue where the stream broke. Only an id says where that
   * is: a stream that carried none (most OpenAI-compatible servers) is asked again.
   */
  get resumable(): boolean {
    return this.startedAsResume || this.seqSeen || this.offset > 0;
  }

  /**
   * Whether text is shown that no sequence number anchors: the server can only send the
   * answer from its start again, so the next response must replace that text, not add to it.
   */
  get unanchored(): boolean {
    return this.touched && !this.seqSeen && this.offset === 0;
  }

  /** Where the next attempt continues the answer, when it resumes. */
  resumeParams(conversationId: string): ResumeParams | undefined {
    return this.resuming ? { offset: this.offset, messageId: this.messageId, conversationId } : undefined;
  }

  /** A reconnect follows: it resumes, or asks the answer again, as the retry policy decided. */
  prepareReconnect(next: NextAttempt): void {
    this.stats.reconnects++;
    this.resuming = next.resume;
    this.restart = next.restart;
  }

  /** A model for the text; under `protocol="auto"`, escapes are decoded as the protocol decided says. */
  #newModel(think?: string, answer?: string): MessageModel {
    const { protocol, decodeEscapes } = this.config;
    const decided = (this.adapter as AutoAdapter).protocol ?? protocol;
    return createMessageModel({ decodeEscapes: shouldDecodeEscapes(decided, decodeEscapes), think, answer });
  }

  /** A fresh adapter of the run's protocol (`auto` reads the headers of the response it is fed). */
  newAdapter(): ProtocolAdapter {
    return createAdapter(this.config.protocol, { headers: () => this.current?.headers });
  }

  /** The adapter that reads `attempt`'s events: a restart reads its response with a fresh one until it replaced the text. */
  adapterFor(attempt: Attempt): ProtocolAdapter {
    return attempt.restart && !attempt.replaced ? (attempt.freshAdapter ??= this.newAdapter()) : this.adapter;
  }

  /** Forgets the text received so far: the answer starts again, read by `adapter`. */
  reset(adapter: ProtocolAdapter): void {
    this.adapter = adapter;
    this.model = this.#newModel();
    this.resumePoint = { offset: this.offset, think: '', answer: '' };
  }

  /**
   * After an event: when nothing is held back, a new run could resume from here. Only where
   * a sequence number says where "here" is: the texts must be exactly those of the events up
   * to the offset, or a resume would show what follows twice.
   */
  markResumePoint(): void {
    if (this.seqSeen && this.adapter.atResumePoint && this.model.atResumePoint) {
      this.resumePoint = { offset: this.offset, think: this.model.think, answer: this.model.answer };
    }
  }

  /**
   * Takes one message (SSE or poll) in: returns the event to apply, or `undefined` for an
   * id-only block (it only moves the offset), an event the protocol skips, or a replay
   * (`seq <= offset` in a run that can be resumed: counted and dropped).
   */
  accept(attempt: Attempt, message: SseMessage): ParsedEvent | undefined {
    if (message.data === '' && isDefaultEvent(message)) {
      // An id-only block, or an empty message: no content in any protocol, but the id
      // still moves the offset.
      const seq = this.direct ? undefined : parseSeq(message.id);
      if (seq !== undefined) this.seqSeen = true;
      if (seq !== undefined && seq > this.offset) this.offset = seq;
      this.markResumePoint();
      return undefined;
    }
    this.stats.events++;
    const adapter = this.adapterFor(attempt);
    const decided = (adapter as AutoAdapter).protocol;
    const event = adapter.parse(message);
    // `auto` decided with this event, before any text: escapes are decoded as that protocol says.
    if (adapter === this.adapter && decided !== (adapter as AutoAdapter).protocol) {
      this.model = this.#newModel(this.request.think, this.request.answer);
    }
    if (!event) return undefined;
    // A direct request's ids (a Responses `sequence_number`) count within one response only.
    if (this.direct) event.seq = undefined;
    if (event.seq !== undefined && event.seq <= this.offset && this.resumable) {
      this.stats.duplicatesDropped++;
      attempt.dropped++;
      return undefined;
    }
    return event;
  }

  /** `event` is being applied: it moves the offset, and data flowing again resets the retry count. */
  noteApplied(attempt: Attempt, event: ParsedEvent): void {
    if (event.messageId) this.messageId = event.messageId; // a server that assigns its own id
    if (event.seq !== undefined) {
      this.offset = event.seq;
      this.seqSeen = true;
    }
    this.stats.lastEventAt = Date.now();
    this.silentFailures = 0;
    attempt.applied++;
    // Not on a restart: what it brings was had before, and an answer that keeps breaking
    // before its end must not restart forever.
    if (!attempt.restart) this.retry = 0;
  }

  // --- timers and waits: all released by `release()` --------------------------------------

  timer(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  clearTimer(timer: ReturnType<typeof setTimeout> | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(timer);
  }

  sleep(ms: number): Promise<void> {
    if (this.ended) return Promise.resolve(); // released already: nothing may be left behind
    return new Promise((resolve) => {
      const wake = () => {
        this.#wake = undefined;
        resolve();
      };
      this.#wake = wake;
      this.timer(wake, ms);
    });
  }

  /** Resolves at the browser's next `online` event, after `maxMs`, or when the run is released. */
  untilOnline(maxMs: number): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        globalThis.removeEventListener('online', wake);
        this.clearTimer(timer);
        this.#wake = undefined;
        resolve();
      };
      this.#wake = wake;
      globalThis.addEventListener('online', wake);
      const timer = this.timer(wake, maxMs);
    });
  }

  /** The run is over: aborts its attempt, clears its timers and ends a wait under way. */
  release(): void {
    this.ended = true;
    this.current?.abort('ended');
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#wake?.();
  }
}

/** Whether the browser says it is offline (and can say when it is back). */
export function isOffline(): boolean {
  return globalThis.navigator?.onLine === false && typeof globalThis.addEventListener === 'function';
}
