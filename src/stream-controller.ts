/**
 * StreamController — one resumable answer stream (DESIGN §4).
 *
 * A Lit `ReactiveController` that is usable without Lit: pass any object with the four
 * host members, or none. It wraps `@microsoft/fetch-event-source` as a *single-attempt*
 * connection and parser and owns everything around it (FETCH_EVENT_SOURCE.md):
 *
 * - every attempt is ours: a new `fetchEventSource` call with a fresh URL (`offset`,
 *   `message_id`, `conversation_id`) and exactly one lowercase `last-event-id` header;
 *   `onerror` always rethrows, so the library never retries on its own (pitfalls 1, 2, 10);
 * - `onopen` classifies status and content type; `204` on a resume means complete (4);
 * - a close without the protocol's finish is a cut and is resumed (3);
 * - a custom `fetch` watches every byte for the heartbeat, enforces `connect-timeout`,
 *   owns a per-attempt `AbortController` and refuses to run once the answer ended (2, 8, 9);
 * - `onmessage` never throws; empty data is ignored; replays (`seq <= lastSeq`) dropped (6, 7);
 * - `openWhenHidden: true`: hiding the tab never re-POSTs (5); server `retry:` is a floor (13);
 * - callbacks of a superseded run or attempt are ignored (the `@lit/task` call-id habit).
 */
import { fetchEventSource } from '@microsoft/fetch-event-source';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { computeDelay } from './backoff.js';
import { isEventStream, responseError } from './http.js';
import { createMessageModel, type BlockChange, type MessageModel } from './message-model.js';
import { readEventStream } from './event-stream-body.js';
import { createAdapter, shouldDecodeEscapes, type ParsedEvent, type ProtocolAdapter } from './protocols/index.js';
import { isDefaultEvent, parseSeq } from './protocols/adapter.js';
import { randomId } from './random-id.js';
import { SseChatError, type NamedEvent, type ProtocolName, type SseMessage, type StreamStatus } from './types.js';

/** Settings read at the start of every attempt (the element keeps them in sync with its attributes). */
export interface StreamConfig {
  endpoint: string;
  method: 'POST' | 'GET';
  protocol: ProtocolName;
  maxRetries: number;
  retryDelay: number;
  retryMaxDelay: number;
  heartbeatTimeout: number;
  connectTimeout: number;
  decodeEscapes: 'auto' | 'on' | 'off';
  conversationId: string;
  headers: HeadersInit | undefined;
  body: Record<string, unknown> | undefined;
  stopEndpoint: string | undefined;
  pollEndpoint: string | undefined;
  fetch: typeof fetch | undefined;
}

export const DEFAULT_CONFIG: Omit<StreamConfig, 'conversationId'> = {
  endpoint: '',
  method: 'POST',
  protocol: 'agent',
  maxRetries: 5,
  retryDelay: 1000,
  retryMaxDelay: 30000,
  heartbeatTimeout: 45000,
  connectTimeout: 15000,
  decodeEscapes: 'auto',
  headers: undefined,
  body: undefined,
  stopEndpoint: undefined,
  pollEndpoint: undefined,
  fetch: undefined,
};

export type Transport = 'sse' | 'poll';

/** What `onStatus` (and so the `sse-status` event) reports. */
export interface StatusDetail {
  status: StreamStatus;
  /** Reconnect attempt, `1..max`, while reconnecting. */
  attempt?: number;
  max?: number;
  /** Wait before the attempt, ms. */
  delayMs?: number;
  /** Why the previous attempt failed (reconnecting), or why the answer ended (error). */
  error?: SseChatError;
  transport: Transport;
  /**
   * The stream carried no id to resume from, so the answer is asked again and the new
   * response replaces what was shown: on `reconnecting` before that attempt, and on
   * `streaming` when its first event replaced the text.
   */
  restart?: true;
  /** The browser is offline: waiting for the network, spending no retry. */
  offline?: true;
}

export interface StreamStats {
  /** Requests made for this answer (first one included). */
  attempts: number;
  /** Reconnects (attempts after a failure). */
  reconnects: number;
  /** Events received (comments and empty events excluded). */
  events: number;
  /** Body bytes received, comments included. */
  bytes: number;
  duplicatesDropped: number;
  /** Times the answer was asked again and replaced, because its stream could not be resumed. */
  restarts: number;
  /** `Date.now()` of the last applied event. */
  lastEventAt: number | undefined;
  /** `Date.now()` when the current connection opened. */
  connectedAt: number | undefined;
}

export type StreamOutcome = 'done' | 'error' | 'stopped' | 'detached';

export interface StreamResult {
  status: StreamOutcome;
  messageId: string;
  think: string;
  answer: string;
  /** The `finish` event's `meta`. */
  meta?: Record<string, unknown>;
  error?: SseChatError;
  /**
   * Where a later `resume()` continues this answer: the last sequence number after which
   * nothing was held back (an escape or a `<think>` tag split across events), and the texts
   * at that point. Pass it as `{offset: seq, think, answer}`.
   */
  resumeFrom: ResumePoint;
}

export interface ResumePoint {
  seq: number;
  think: string;
  answer: string;
}

export interface StreamRequest {
  /** The conversation so far, sent with a new answer (and again with each resume). */
  messages?: Array<{ role: string; content: string }>;
  /** Extra body fields for this answer, merged over `config.body`. */
  body?: Record<string, unknown>;
  /** The answer's id; generated when absent. */
  messageId?: string;
  /** Resume from this sequence number instead of asking a new answer. */
  offset?: number;
  /** Text already shown (e.g. from history), continued by the resume. */
  think?: string;
  answer?: string;
}

export interface StreamCallbacks {
  onStatus?(detail: StatusDetail): void;
  /** The think or answer text changed. */
  onChange?(change: BlockChange): void;
  /** A named SSE event outside the chat protocol. */
  onEvent?(event: NamedEvent): void;
  /** The answer ended (done, error, stopped or detached). */
  onEnd?(result: StreamResult): void;
}

export interface StreamControllerOptions extends Partial<StreamConfig>, StreamCallbacks {
  /** Uniform random source for the backoff jitter (tests make it deterministic). */
  random?: () => number;
}

/** After this many attempts in a row without a byte, SSE is assumed blocked (DESIGN §4.9). */
const SILENT_FAILURES_BEFORE_POLL = 2;
const POLL_MIN_INTERVAL = 250;
const POLL_MAX_INTERVAL = 4000;

type AbortReason = 'finished' | 'protocol-error' | 'heartbeat' | 'connect-timeout' | 'ended';

/** One request (SSE or poll) of a run. */
class Attempt {
  readonly controller = new AbortController();
  reason: AbortReason | undefined;
  bytes = 0;
  lastByteAt = 0;
  /** Events applied, and replays dropped, by this attempt. */
  applied = 0;
  dropped = 0;

  constructor(
    /** It continues the answer from the resume point (`offset`, `last-event-id`). */
    readonly resuming: boolean,
    /** It asks the answer again: its first event replaces the text shown. */
    readonly restart = false,
  ) {}

  /** Whether this restart's first event replaced the text yet. */
  replaced = false;

  abort(reason: AbortReason) {
    if (this.controller.signal.aborted) return;
    this.reason = reason;
    this.controller.abort();
  }
}

const EMPTY_STATS: Readonly<StreamStats> = Object.freeze({
  attempts: 0,
  reconnects: 0,
  events: 0,
  bytes: 0,
  duplicatesDropped: 0,
  restarts: 0,
  lastEventAt: undefined,
  connectedAt: undefined,
});

/** One answer: everything that lives from `start()`/`resume()` to its end. */
class Run {
  model: MessageModel;
  adapter: ProtocolAdapter;
  readonly stats: StreamStats = { ...EMPTY_STATS };
  readonly timers = new Set<ReturnType<typeof setTimeout>>();
  readonly done: Promise<StreamResult>;
  resolve!: (result: StreamResult) => void;
  messageId: string;
  /** Highest sequence number applied (the resume point). */
  lastSeq: number;
  /** Whether the next request continues an answer the server already has. */
  resuming: boolean;
  /** Whether this run received a sequence number: its stream can be resumed from `lastSeq`. */
  seqSeen = false;
  /** Whether any event of this run was applied (a restart then has text to replace). */
  touched = false;
  /** The next attempt asks the answer again and replaces the text shown. */
  restart = false;
  /** Reconnect attempts since data last flowed. */
  retry = 0;
  silentFailures = 0;
  serverRetry: number | undefined;
  transport: Transport = 'sse';
  current: Attempt | undefined;
  finished = false;
  meta: Record<string, unknown> | undefined;
  protocolError: SseChatError | undefined;
  ended = false;
  wake: (() => void) | undefined;
  resumeFrom: ResumePoint;

  constructor(
    readonly request: StreamRequest,
    readonly config: Readonly<Pick<StreamConfig, 'protocol' | 'decodeEscapes'>>,
  ) {
    this.messageId = request.messageId ?? randomId();
    this.lastSeq = request.offset ?? 0;
    this.resuming = request.offset !== undefined;
    this.adapter = createAdapter(config.protocol);
    this.model = this.#newModel(request.think, request.answer);
    this.done = new Promise((resolve) => (this.resolve = resolve));
    this.resumeFrom = { seq: this.lastSeq, think: this.model.think, answer: this.model.answer };
  }

  /**
   * Whether a reconnect can continue where the stream broke. Only an id says where that
   * is: a stream that carried none (most OpenAI-compatible servers) is asked again.
   */
  get resumable(): boolean {
    return this.seqSeen || this.lastSeq > 0;
  }

  #newModel(think?: string, answer?: string): MessageModel {
    const { protocol, decodeEscapes } = this.config;
    return createMessageModel({ decodeEscapes: shouldDecodeEscapes(protocol, decodeEscapes), think, answer });
  }

  /** Forgets the text received so far: the answer starts again. */
  reset(): void {
    this.adapter = createAdapter(this.config.protocol);
    this.model = this.#newModel();
    this.resumeFrom = { seq: this.lastSeq, think: '', answer: '' };
  }

  /** After an event: when nothing is held back, a new run could resume from here. */
  settle(): void {
    if (this.adapter.settled && this.model.settled) {
      this.resumeFrom = { seq: this.lastSeq, think: this.model.think, answer: this.model.answer };
    }
  }
}

export class StreamController implements ReactiveController {
  /** Settings; change them any time, they apply from the next attempt on. */
  config: StreamConfig;
  callbacks: StreamCallbacks;

  #host: ReactiveControllerHost | undefined;
  #random: () => number;
  #run: Run | undefined;
  #status: StreamStatus = 'idle';
  #detail: StatusDetail = { status: 'idle', transport: 'sse' };

  constructor(host: ReactiveControllerHost | undefined, options: StreamControllerOptions = {}) {
    const { onStatus, onChange, onEvent, onEnd, random, ...config } = options;
    this.config = { ...DEFAULT_CONFIG, conversationId: randomId(), ...stripUndefined(config) };
    this.callbacks = { onStatus, onChange, onEvent, onEnd };
    this.#random = random ?? Math.random;
    this.#host = host;
    host?.addController(this);
  }

  // --- state -------------------------------------------------------------------------

  get status(): StreamStatus {
    return this.#status;
  }

  /** The full detail of the last status change. */
  get statusDetail(): StatusDetail {
    return this.#detail;
  }

  /** `1..max` while reconnecting, `undefined` otherwise. */
  get retryAttempt(): number | undefined {
    return this.#status === 'reconnecting' ? this.#detail.attempt : undefined;
  }

  get lastSeq(): number {
    return this.#run?.lastSeq ?? 0;
  }

  get messageId(): string | undefined {
    return this.#run?.messageId;
  }

  get think(): string {
    return this.#run?.model.think ?? '';
  }

  get answer(): string {
    return this.#run?.model.answer ?? '';
  }

  get transport(): Transport {
    return this.#run?.transport ?? 'sse';
  }

  get stats(): StreamStats {
    return { ...(this.#run?.stats ?? EMPTY_STATS) };
  }

  /** Settles when the current answer ends; resolves at once when there is none. */
  get complete(): Promise<StreamResult | undefined> {
    return this.#run?.done ?? Promise.resolve(undefined);
  }

  /** Whether an answer is in flight. */
  get active(): boolean {
    return this.#run !== undefined && !this.#run.ended;
  }

  // --- ReactiveController --------------------------------------------------------------

  hostConnected(): void {}

  /** Removing the host lets go of the stream (no request, no timer) but never stops the answer on the server. */
  hostDisconnected(): void {
    this.detach();
  }

  // --- public methods ------------------------------------------------------------------

  /** Asks a new answer. The promise settles when it ends (it never rejects). */
  start(request: StreamRequest = {}): Promise<StreamResult> {
    return this.#begin({ ...request, offset: undefined });
  }

  /** Re-attaches to an answer the server has (pending, or cut), from `offset` (default 0). */
  resume(request: StreamRequest & { messageId: string }): Promise<StreamResult> {
    return this.#begin({ ...request, offset: request.offset ?? 0 });
  }

  /** Aborts the answer and, when `stopEndpoint` is set, tells the server to stop it. */
  stop(): void {
    const run = this.#run;
    if (!run || run.ended) return;
    this.#end(run, 'stopped');
    const { stopEndpoint, conversationId } = this.config;
    if (!stopEndpoint) return;
    this.#fetch(resolveUrl(stopEndpoint), {
      method: 'POST',
      headers: { ...normalizeHeaders(this.config.headers), 'content-type': 'application/json' },
      body: JSON.stringify({ conversation_id: conversationId, message_id: run.messageId }),
    }).catch((error: unknown) => console.warn('sse-chat: could not tell the server to stop:', error));
  }

  /** Lets go of the answer locally; the server keeps generating it (switching conversation). */
  detach(): void {
    const run = this.#run;
    if (run && !run.ended) this.#end(run, 'detached');
  }

  // --- the run -------------------------------------------------------------------------

  #begin(request: StreamRequest): Promise<StreamResult> {
    this.detach();
    const { protocol, decodeEscapes } = this.config;
    const run = new Run(request, { protocol, decodeEscapes });
    this.#run = run;
    if (!this.config.endpoint) {
      this.#end(run, 'error', new SseChatError('config', 'no endpoint is set: give <sse-chat> an endpoint attribute'));
      return run.done;
    }
    this.#setStatus(run, 'connecting');
    void this.#loop(run);
    return run.done;
  }

  async #loop(run: Run): Promise<void> {
    for (;;) {
      let failure: SseChatError;
      try {
        if (run.transport === 'poll') await this.#poll(run);
        else await this.#connect(run);
        this.#end(run, 'done');
        return;
      } catch (error) {
        if (run.ended) return;
        failure = toError(error);
      }
      const attempt = run.current;
      if (run.transport === 'sse' && this.config.pollEndpoint && attempt && attempt.bytes === 0) {
        run.silentFailures++;
        const blocked =
          failure.type === 'content-type' ||
          (failure.type === 'timeout' && attempt.reason === 'heartbeat') ||
          (failure.retryable && run.silentFailures >= SILENT_FAILURES_BEFORE_POLL);
        if (blocked) {
          run.transport = 'poll';
          failure = new SseChatError(failure.type, `${failure.message}; switching to polling`, {
            retryable: true,
            cause: failure,
          });
        }
      }
      if (!failure.retryable) {
        this.#end(run, 'error', failure);
        return;
      }
      if (await this.#waitWhileOffline(run, failure)) {
        if (run.ended) return;
        this.#prepareReconnect(run);
        continue; // the break was the network's absence, not a failure worth a retry
      }
      run.retry++;
      const { maxRetries } = this.config;
      if (run.retry > maxRetries) {
        const error = new SseChatError(
          'retries-exhausted',
          `gave up after ${maxRetries} ${maxRetries === 1 ? 'retry' : 'retries'}: ${failure.message}`,
          { cause: failure },
        );
        this.#end(run, 'error', error);
        return;
      }
      const delayMs = computeDelay(
        run.retry,
        {
          baseDelay: this.config.retryDelay,
          maxDelay: this.config.retryMaxDelay,
          serverRetry: run.serverRetry,
          retryAfter: failure.retryAfterMs,
        },
        this.#random,
      );
      const restart = this.#prepareReconnect(run);
      this.#setStatus(run, 'reconnecting', {
        attempt: run.retry,
        max: maxRetries,
        delayMs,
        error: failure,
        restart: restart || undefined,
      });
      await this.#sleep(run, delayMs);
      if (run.ended) return;
      await this.#waitWhileOffline(run, failure);
      if (run.ended) return;
    }
  }

  /** Resume from the last seq when the stream gave one, else ask again; returns whether that replaces text. */
  #prepareReconnect(run: Run): boolean {
    run.stats.reconnects++;
    run.resuming = run.transport === 'poll' || run.resumable;
    run.restart = !run.resuming && run.touched;
    return run.restart;
  }

  /**
   * While the browser says it is offline, a broken stream waits for the `online` event
   * instead of spending its retries on requests that cannot succeed. Returns whether it waited.
   */
  async #waitWhileOffline(run: Run, failure: SseChatError): Promise<boolean> {
    if (globalThis.navigator?.onLine !== false || typeof globalThis.addEventListener !== 'function') return false;
    this.#setStatus(run, 'reconnecting', { error: failure, offline: true });
    await new Promise<void>((resolve) => {
      const wake = () => {
        globalThis.removeEventListener('online', wake);
        run.wake = undefined;
        resolve();
      };
      run.wake = wake;
      globalThis.addEventListener('online', wake);
    });
    return true;
  }

  /** One SSE attempt; resolves when the answer finished, rejects with why it did not. */
  async #connect(run: Run): Promise<void> {
    const attempt = new Attempt(run.resuming, run.restart);
    run.current = attempt;
    const { method, body } = this.#requestFor(run);
    const headers = normalizeHeaders(this.config.headers);
    // One lowercase key each, so fetch never merges two spellings (pitfall 10).
    headers['accept'] = 'text/event-stream';
    if (method === 'POST') headers['content-type'] = 'application/json';
    if (run.resuming) headers['last-event-id'] = String(run.lastSeq);
    else delete headers['last-event-id'];
    try {
      await fetchEventSource(this.#urlFor(run, this.config.endpoint, method === 'GET' ? body : undefined), {
        method,
        headers,
        body: method === 'POST' ? JSON.stringify(body) : undefined,
        openWhenHidden: true,
        // The body is parsed by the custom fetch (see readEventStream): the library's own
        // parser sees no bytes, so it never calls onmessage.
        fetch: (input, init) => this.#watchedFetch(run, attempt, input, init),
        onopen: (response) => this.#onOpen(run, attempt, response),
        onclose: () => {
          if (run.finished) return;
          // A stream that never said where it was cannot be resumed; for a protocol without
          // a reliable end marker (plain text), its clean end is the end of the answer.
          if (!run.resumable && run.adapter.endsAtClose) return void (run.finished = true);
          throw new SseChatError('network', 'the stream closed before the answer finished', { retryable: true });
        },
        onerror: (error: unknown) => {
          throw error; // fetch-event-source retries on its own after 1 s unless onerror throws
        },
      });
    } catch (error) {
      if (run.finished) return;
      if (attempt.reason === 'protocol-error') throw run.protocolError;
      // The stream said its content was over (OpenAI's finish_reason) before its end marker.
      if (run.adapter.complete) return void (run.finished = true);
      if (attempt.resuming && attempt.dropped > 0 && attempt.applied === 0) {
        // Asked to continue, the server sent only what the client had: it started over.
        throw new SseChatError('resume', 'the server restarted the answer instead of resuming', { retryable: true });
      }
      switch (attempt.reason) {
        case 'heartbeat':
          throw new SseChatError('timeout', `no data for ${this.config.heartbeatTimeout} ms`, { retryable: true });
        case 'connect-timeout':
          throw new SseChatError('timeout', `no response within ${this.config.connectTimeout} ms`, {
            retryable: true,
          });
        default:
          throw error;
      }
    } finally {
      attempt.abort('ended');
    }
  }

  /** The `fetch` handed to fetch-event-source: the per-attempt network seam. */
  async #watchedFetch(run: Run, attempt: Attempt, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    // A stray retry of the library can never reach the network (pitfall 2).
    if (run.ended || run.current !== attempt || attempt.controller.signal.aborted) {
      throw new SseChatError('aborted', 'the attempt was superseded');
    }
    init?.signal?.addEventListener('abort', () => attempt.abort('ended'), { once: true });
    run.stats.attempts++;
    const { connectTimeout, heartbeatTimeout } = this.config;
    const connectTimer = connectTimeout > 0 ? this.#timer(run, () => attempt.abort('connect-timeout'), connectTimeout) : undefined;
    const { signal } = attempt.controller;
    let response: Response;
    try {
      response = await abortable(this.#fetch(input, { ...init, signal }), signal);
    } finally {
      this.#clearTimer(run, connectTimer);
    }
    // Anything but a 200 event stream goes to onopen as it came, to be read as an error.
    if (response.status !== 200 || !isEventStream(response) || !response.body || run.current !== attempt) return response;
    attempt.lastByteAt = Date.now();
    if (heartbeatTimeout > 0) {
      // Compare the clock with the last byte rather than trusting a timer's firing:
      // background tabs delay timers, and a late check must not see a stall that was not.
      const check = () => {
        if (attempt.controller.signal.aborted) return;
        const idle = Date.now() - attempt.lastByteAt;
        if (idle >= heartbeatTimeout) attempt.abort('heartbeat');
        else this.#timer(run, check, heartbeatTimeout - idle);
      };
      this.#timer(run, check, heartbeatTimeout);
    }
    const body = readEventStream(
      response.body,
      {
        onBytes: (bytes) => {
          attempt.lastByteAt = Date.now();
          attempt.bytes += bytes;
          run.stats.bytes += bytes;
        },
        onEvent: (message) => this.#onMessage(run, attempt, message),
        onIdOnly: (id) => this.#onMessage(run, attempt, { id, event: '', data: '' }),
        onRetry: (ms) => {
          if (run.current === attempt) run.serverRetry = ms;
        },
      },
      signal,
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  async #onOpen(run: Run, attempt: Attempt, response: Response): Promise<void> {
    if (run.current !== attempt || run.ended) throw new SseChatError('aborted', 'the attempt was superseded');
    if (response.status === 204) {
      if (!attempt.resuming) throw new SseChatError('http', 'HTTP 204 No Content: the server sent no answer', { status: 204 });
      // Nothing left to send after the resume point: the answer is complete as it stands.
      run.finished = true;
      throw new SseChatError('aborted', 'no content');
    }
    const error = await responseError(response, Date.now());
    if (error) throw error;
    run.stats.connectedAt = Date.now();
    if (this.#status !== 'streaming') this.#setStatus(run, 'streaming');
  }

  #onMessage(run: Run, attempt: Attempt, message: SseMessage): void {
    if (run.current !== attempt || run.ended || run.finished) return;
    try {
      this.#receive(run, attempt, message);
    } catch (error) {
      // Never throw into fetch-event-source: it would turn a bug into a reconnect loop (pitfall 6).
      console.error('sse-chat: an event could not be applied', error);
    }
  }

  /** Dedup and apply one message (SSE or poll). */
  #receive(run: Run, attempt: Attempt, message: SseMessage): void {
    if (message.data === '' && isDefaultEvent(message)) {
      // An id-only block, or an empty message: no content in any protocol, but the id
      // still moves the resume point.
      const seq = parseSeq(message.id);
      if (seq !== undefined) run.seqSeen = true;
      if (seq !== undefined && seq > run.lastSeq) run.lastSeq = seq;
      run.settle();
      return;
    }
    run.stats.events++;
    const event = run.adapter.parse(message);
    if (!event) return;
    if (event.seq !== undefined && event.seq <= run.lastSeq && run.resumable) {
      run.stats.duplicatesDropped++;
      attempt.dropped++;
      return;
    }
    this.#apply(run, attempt, event);
  }

  #apply(run: Run, attempt: Attempt, event: ParsedEvent): void {
    if (event.messageId) run.messageId = event.messageId; // a server that assigns its own id
    if (event.seq !== undefined) {
      run.lastSeq = event.seq;
      run.seqSeen = true;
    }
    run.stats.lastEventAt = Date.now();
    run.silentFailures = 0;
    attempt.applied++;
    // Data flows again. Not on a restart: what it brings was had before, and an answer
    // that keeps breaking before its end must not restart forever.
    if (!attempt.restart) run.retry = 0;
    if (this.#status !== 'streaming') this.#setStatus(run, 'streaming');
    if (event.named) {
      this.#call(() => this.callbacks.onEvent?.(event.named!));
      run.settle();
      return;
    }
    if (attempt.restart && !attempt.replaced) this.#restart(run, attempt);
    run.touched = true;
    for (const op of run.adapter.apply(event)) {
      if (op.op === 'finish') {
        run.meta = op.meta;
        run.finished = true;
        attempt.abort('finished');
        return;
      }
      if (op.op === 'error') {
        run.protocolError = new SseChatError('protocol', op.reason);
        attempt.abort('protocol-error');
        return;
      }
      this.#change(run.model.apply(op));
    }
    run.settle();
  }

  /** The first content of an attempt that asked the answer again: it replaces what was shown. */
  #restart(run: Run, attempt: Attempt): void {
    attempt.replaced = true;
    run.reset();
    run.stats.restarts++;
    this.#change({ block: 'think', kind: 'replace', text: '' });
    this.#change({ block: 'answer', kind: 'replace', text: '' });
    this.#setStatus(run, 'streaming', { restart: true });
  }

  /** Polling fallback (DESIGN §4.9): same dedup, same text; rejects like an SSE attempt. */
  async #poll(run: Run): Promise<void> {
    const endpoint = this.config.pollEndpoint!;
    let interval = POLL_MIN_INTERVAL;
    for (;;) {
      const attempt = new Attempt(true);
      run.current = attempt;
      run.resuming = true;
      run.stats.attempts++;
      const url = this.#urlFor(run, endpoint);
      let json: unknown;
      try {
        const { signal } = attempt.controller;
        const response = await abortable(
          this.#fetch(url, { headers: { ...normalizeHeaders(this.config.headers), accept: 'application/json' }, signal }),
          signal,
        );
        if (run.ended) return;
        if (response.status === 204) {
          run.finished = true;
          return;
        }
        if (!response.ok) throw (await responseError(response, Date.now()))!;
        const text = await response.text();
        attempt.bytes += text.length;
        run.stats.bytes += new TextEncoder().encode(text).byteLength;
        json = JSON.parse(text);
      } catch (error) {
        if (run.ended) return;
        throw error instanceof SseChatError
          ? error
          : new SseChatError('network', `polling failed: ${describe(error)}`, { retryable: true, cause: error });
      } finally {
        attempt.abort('ended');
      }
      run.stats.connectedAt ??= Date.now();
      if (this.#status !== 'streaming') this.#setStatus(run, 'streaming');
      const { events, done } = (json ?? {}) as { events?: unknown; done?: unknown };
      const before = run.lastSeq;
      const applied = run.stats.events;
      for (const item of Array.isArray(events) ? events : []) {
        this.#receive(run, attempt, pollMessage(item));
        if (run.finished) return;
        if (run.protocolError) throw run.protocolError;
      }
      if (done === true) return;
      interval = run.lastSeq > before || run.stats.events > applied ? POLL_MIN_INTERVAL : Math.min(interval * 2, POLL_MAX_INTERVAL);
      await this.#sleep(run, interval);
      if (run.ended) return;
    }
  }

  /** Ends a run: the one place an answer ends. */
  #end(run: Run, outcome: StreamOutcome, error?: SseChatError): void {
    if (run.ended) return;
    run.ended = true;
    run.current?.abort('ended');
    for (const timer of run.timers) clearTimeout(timer);
    run.timers.clear();
    run.wake?.();
    if (outcome !== 'detached') {
      // A detached answer goes on on the server and may be resumed: keep pending escapes.
      for (const op of run.adapter.end()) this.#change(run.model.apply(op));
      for (const change of run.model.end()) this.#change(change);
    }
    const result: StreamResult = {
      status: outcome,
      messageId: run.messageId,
      think: run.model.think,
      answer: run.model.answer,
      meta: run.meta,
      error,
      resumeFrom: run.resumeFrom,
    };
    if (run === this.#run) this.#setStatus(run, outcome === 'detached' ? 'idle' : outcome, { error });
    this.#call(() => this.callbacks.onEnd?.(result));
    run.resolve(result);
  }

  // --- helpers -------------------------------------------------------------------------

  /** The one place a status changes. */
  #setStatus(run: Run, status: StreamStatus, extra: Partial<StatusDetail> = {}): void {
    if (run !== this.#run) return;
    this.#status = status;
    this.#detail = { status, transport: run.transport, ...stripUndefined(extra) };
    const detail = this.#detail;
    this.#call(() => this.callbacks.onStatus?.(detail));
    this.#host?.requestUpdate();
  }

  #change(change: BlockChange | undefined): void {
    if (!change) return;
    this.#call(() => this.callbacks.onChange?.(change));
    this.#host?.requestUpdate();
  }

  /** Host callbacks must not break the stream. */
  #call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      console.error('sse-chat: a stream callback threw', error);
    }
  }

  #fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const impl = this.config.fetch ?? globalThis.fetch;
    return impl.call(globalThis, input, init);
  }

  #timer(run: Run, fn: () => void, ms: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      run.timers.delete(timer);
      fn();
    }, ms);
    run.timers.add(timer);
    return timer;
  }

  #clearTimer(run: Run, timer: ReturnType<typeof setTimeout> | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    run.timers.delete(timer);
  }

  #sleep(run: Run, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        run.wake = undefined;
        resolve();
      };
      run.wake = wake;
      this.#timer(run, wake, ms);
    });
  }

  /** Body fields of the request (the same for every attempt of the answer). */
  #requestFor(run: Run): { method: 'POST' | 'GET'; body: Record<string, unknown> } {
    const { method, conversationId } = this.config;
    return {
      method,
      body: {
        conversation_id: conversationId,
        message_id: run.messageId,
        messages: run.request.messages ?? [],
        ...this.config.body,
        ...run.request.body,
      },
    };
  }

  /** The URL of an attempt: resume parameters (§9) and, for GET, the request itself. */
  #urlFor(run: Run, endpoint: string, query?: Record<string, unknown>): string {
    const url = new URL(resolveUrl(endpoint));
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, typeof value === 'string' ? value : JSON.stringify(value));
    }
    if (run.resuming) {
      url.searchParams.set('offset', String(run.lastSeq));
      url.searchParams.set('message_id', run.messageId);
      url.searchParams.set('conversation_id', this.config.conversationId);
    }
    return url.href;
  }
}

// --- module helpers (no state) -----------------------------------------------------------

/** Settles with `promise`, or rejects as soon as `signal` aborts (a custom `fetch` may ignore it). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DOMException('The request was aborted.', 'AbortError'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A plain record with lowercase keys, whatever form `headers` came in (pitfall 11). */
export function normalizeHeaders(headers: HeadersInit | undefined): Record<string, string> {
  return headers ? Object.fromEntries(new Headers(headers)) : {};
}

function resolveUrl(url: string): string {
  const base = globalThis.document?.baseURI ?? globalThis.location?.href;
  return new URL(url, base).href;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toError(error: unknown): SseChatError {
  if (error instanceof SseChatError) return error;
  // fetch's network failures are TypeErrors ("Failed to fetch", "network error", HTTP/2 resets).
  return new SseChatError('network', `network error: ${describe(error)}`, { retryable: true, cause: error });
}

/**
 * A poll item as the SSE event it stands for: `{id, event?, data: "<raw data>"}` for any
 * protocol, or `{id, ...agent JSON}`. Its id obeys the event-stream rule (one containing
 * NUL is ignored), so polling and streaming resume alike.
 */
function pollMessage(item: unknown): SseMessage {
  if (typeof item !== 'object' || item === null) return { id: '', event: '', data: JSON.stringify(item) };
  const { id, event, data, ...rest } = item as Record<string, unknown>;
  const idText = id === undefined || id === null || String(id).includes('\0') ? '' : String(id);
  if (typeof data === 'string') {
    // `{id, event?, data: "<raw SSE data>"}`: any protocol, named events included.
    return { id: idText, event: typeof event === 'string' ? event : '', data };
  }
  // `{id, ...agent JSON}`: the SSE data object with its sequence number added.
  return { id: idText, event: '', data: JSON.stringify(data === undefined ? rest : { ...rest, data }) };
}
