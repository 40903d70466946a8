/**
 * StreamController — one resumable answer stream.
 *
 * An answer is a `Run`, and each request made for it an `Attempt` (`stream-run.ts`). The
 * controller makes attempts until the answer ends: event streams (`sse-transport.ts`), or
 * polls (`poll-transport.ts`) once event streams look blocked. When an attempt fails,
 * `decideRetry()` (`retry-policy.ts`) says what follows — give up, wait for the network, or
 * reconnect after a backoff — and the controller carries it out, so every retry is visible
 * in the status. A reconnect continues from the offset of the last event applied, so the
 * server never generates the answer twice, and replays (`seq <= offset`) are dropped. A
 * stream that carried no id cannot be continued: the answer is asked again, and its first
 * event replaces the text shown.
 *
 * Callbacks of a run or an attempt that was superseded are ignored (the `@lit/task` call-id
 * habit), and a host callback that throws never breaks the stream.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isDirect } from './chat-request.js';
import { normalizeHeaders, resolveUrl, toError } from './http.js';
import type { BlockChange } from './message-model.js';
import { poll } from './poll-transport.js';
import type { ParsedEvent, ProtocolAdapter } from './protocols/adapter.js';
import { randomId } from './random-id.js';
import { decideRetry } from './retry-policy.js';
import { connectSse } from './sse-transport.js';
import { EMPTY_STATS, isOffline, Run, type Attempt, type TransportHost } from './stream-run.js';
import {
  DEFAULT_CONFIG,
  type StatusDetail,
  type StreamCallbacks,
  type StreamConfig,
  type StreamControllerOptions,
  type StreamOutcome,
  type StreamRequest,
  type StreamResult,
  type StreamStats,
  type Transport,
} from './stream-types.js';
import { SseChatError, type SseMessage, type StreamStatus } from './types.js';

// The controller's public shapes live in stream-types.ts; importers of this module find them here too.
export { normalizeHeaders } from './http.js';
export { DEFAULT_CONFIG };
export type * from './stream-types.js';

/**
 * A Lit `ReactiveController` that works without Lit too: pass any object with the host
 * members, or none. One answer at a time; `start()` and `resume()` resolve when it ends.
 *
 * @example
 * const stream = new StreamController(undefined, { endpoint: '/api/chat', onChange: render });
 * const result = await stream.start({ messages: [{ role: 'user', content: 'Hello' }] });
 * // Later, maybe after a reload: continue a detached answer where it was let go.
 * if (result.status === 'detached') await stream.resume({ messageId: result.messageId, ...result.resumePoint });
 */
export class StreamController implements ReactiveController {
  /** Settings; change them any time, they apply from the next attempt on. */
  config: StreamConfig;
  callbacks: StreamCallbacks;

  #host: ReactiveControllerHost | undefined;
  #random: () => number;
  #run: Run | undefined;
  #status: StreamStatus = 'idle';
  #detail: StatusDetail = { status: 'idle', transport: 'sse' };
  /** What the transports use of this controller. */
  readonly #transportHost: TransportHost;

  constructor(host: ReactiveControllerHost | undefined, options: StreamControllerOptions = {}) {
    const { onStatus, onChange, onEvent, onEnd, random, ...config } = options;
    this.config = { ...DEFAULT_CONFIG, conversationId: randomId(), ...stripUndefined(config) };
    this.callbacks = { onStatus, onChange, onEvent, onEnd };
    this.#random = random ?? Math.random;
    this.#host = host;
    const currentConfig = () => this.config;
    this.#transportHost = {
      get config() {
        return currentConfig();
      },
      fetch: (input, init) => (this.config.fetch ?? globalThis.fetch).call(globalThis, input, init),
      opened: (run) => this.#streaming(run),
      receive: (run, attempt, message) => this.#receive(run, attempt, message),
    };
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

  /** Sequence number of the last event applied: where a reconnect or a `resume()` continues. */
  get offset(): number {
    return this.#run?.offset ?? 0;
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
    return this.#run?.result ?? Promise.resolve(undefined);
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
    this.#transportHost
      .fetch(resolveUrl(stopEndpoint), {
        method: 'POST',
        headers: { ...normalizeHeaders(this.config.headers), 'content-type': 'application/json' },
        body: JSON.stringify({ conversation_id: conversationId, message_id: run.messageId }),
      })
      .catch((error: unknown) => console.warn('sse-chat: could not tell the server to stop:', error));
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
    const run = new Run(request, { protocol, decodeEscapes, direct: isDirect(this.config) });
    this.#run = run;
    if (!this.config.endpoint && !this.config.request) {
      this.#end(run, 'error', new SseChatError('config', 'no endpoint is set: give <sse-chat> an endpoint attribute'));
      return run.result;
    }
    this.#setStatus(run, 'connecting');
    void this.#loop(run);
    return run.result;
  }

  /** Attempts until the answer ends: the one loop of a run. */
  async #loop(run: Run): Promise<void> {
    for (;;) {
      try {
        await (run.transport === 'poll' ? poll(run, this.#transportHost) : connectSse(run, this.#transportHost));
        this.#end(run, 'done');
        return;
      } catch (error) {
        if (run.ended || !(await this.#afterFailure(run, toError(error)))) return;
      }
    }
  }

  /** Carries out what the retry policy decided; resolves whether to make another attempt. */
  async #afterFailure(run: Run, failure: SseChatError): Promise<boolean> {
    // A direct request never polls: the poll endpoint continues answers of a server of ours.
    const config = run.direct ? { ...this.config, pollEndpoint: undefined } : this.config;
    const decision = decideRetry(failure, run, config, { offline: isOffline(), random: this.#random });
    if (decision.action === 'give-up') {
      this.#end(run, 'error', decision.error);
      return false;
    }
    run.transport = decision.transport; // not on a give-up: the run never used that transport
    run.silentFailures = decision.silentFailures;
    if (decision.action === 'wait-online') {
      // The break was the network's absence, not a failure worth a retry.
      await this.#waitForOnline(run, decision.error);
      if (run.ended) return false;
      run.prepareReconnect(decision);
      return true;
    }
    const { attempt, delayMs, error, restart } = decision;
    run.retry = attempt;
    run.prepareReconnect(decision);
    this.#setStatus(run, 'reconnecting', {
      attempt,
      max: this.config.maxRetries,
      delayMs,
      error,
      restart: restart || undefined,
    });
    await run.sleep(delayMs);
    if (run.ended) return false;
    if (isOffline()) await this.#waitForOnline(run, error);
    return !run.ended;
  }

  /**
   * While the browser says it is offline, a broken stream waits for the `online` event
   * instead of spending its retries on requests that cannot succeed. The browser can be wrong
   * (some VPNs and virtual networks): after `retryMaxDelay` (1 s at least) without the event,
   * one attempt is made anyway, still without spending a retry.
   */
  async #waitForOnline(run: Run, failure: SseChatError): Promise<void> {
    this.#setStatus(run, 'reconnecting', { error: failure, offline: true });
    await run.untilOnline(Math.max(1000, this.config.retryMaxDelay));
  }

  /**
   * Applies one message (SSE or poll), unless the run drops it or is past taking any: after
   * its end, or its protocol error (the rest of the chunk, such as the `[DONE]` after an
   * ai-sdk `error`, must not turn the error into a finish).
   */
  #receive(run: Run, attempt: Attempt, message: SseMessage): void {
    if (run.current !== attempt || run.ended || run.endReceived || run.protocolError) return;
    try {
      const event = run.accept(attempt, message);
      if (event) this.#apply(run, attempt, event);
    } catch (error) {
      // Never throw into a transport: the attempt would fail, and a bug become a reconnect loop.
      console.error('sse-chat: an event could not be applied', error);
    }
  }

  #apply(run: Run, attempt: Attempt, event: ParsedEvent): void {
    run.noteApplied(attempt, event);
    this.#streaming(run);
    if (event.named) {
      const named = event.named;
      this.#call(() => this.callbacks.onEvent?.(named));
      run.markResumePoint();
      return;
    }
    // A restart reads its response with a fresh adapter, and replaces the text shown only
    // with content (or an end) of its own: an error or an empty chunk first leaves it shown.
    const restarting = attempt.restart && !attempt.replaced;
    const adapter = run.adapterFor(attempt);
    const ops = adapter.apply(event);
    if (restarting && ops.some((op) => op.op !== 'error')) this.#restart(run, attempt, adapter);
    for (const op of ops) {
      if (run.ended) return; // a host callback stopped it
      if (op.op === 'finish') {
        run.meta = op.meta;
        run.endReceived = true;
        attempt.abort('end-received');
        return;
      }
      if (op.op === 'error') {
        run.protocolError = new SseChatError('protocol', op.reason);
        attempt.abort('protocol-error');
        return;
      }
      run.touched = true;
      this.#change(run, run.model.apply(op));
    }
    run.markResumePoint();
  }

  /** The first content of an attempt that asked the answer again: it replaces what was shown. */
  #restart(run: Run, attempt: Attempt, adapter: ProtocolAdapter): void {
    attempt.replaced = true;
    run.restart = false; // done: later attempts of the same reconnect (polls) add to the new text
    run.reset(adapter);
    run.stats.restarts++;
    this.#change(run, { block: 'think', kind: 'replace', text: '' });
    this.#change(run, { block: 'answer', kind: 'replace', text: '' });
    this.#setStatus(run, 'streaming', { restart: true });
  }

  /** Ends a run: the one place an answer ends. */
  #end(run: Run, outcome: StreamOutcome, error?: SseChatError): void {
    if (run.ended) return;
    run.release();
    if (outcome !== 'detached') {
      // A detached answer goes on on the server and may be resumed: keep pending escapes.
      for (const op of run.adapter.end()) this.#change(run, run.model.apply(op));
      for (const change of run.model.end()) this.#change(run, change);
    }
    const result: StreamResult = {
      status: outcome,
      messageId: run.messageId,
      think: run.model.think,
      answer: run.model.answer,
      meta: run.meta,
      error,
      resumePoint: run.resumePoint,
    };
    if (run === this.#run) this.#setStatus(run, outcome === 'detached' ? 'idle' : outcome, { error });
    this.#call(() => this.callbacks.onEnd?.(result));
    run.resolve(result);
  }

  // --- reporting -----------------------------------------------------------------------

  /** Status `streaming`, unless it is already. */
  #streaming(run: Run): void {
    if (this.#status !== 'streaming') this.#setStatus(run, 'streaming');
  }

  /** The one place a status changes. */
  #setStatus(run: Run, status: StreamStatus, extra: Partial<StatusDetail> = {}): void {
    if (run !== this.#run) return;
    this.#status = status;
    this.#detail = { status, transport: run.transport, ...stripUndefined(extra) };
    const detail = this.#detail;
    this.#call(() => this.callbacks.onStatus?.(detail));
    this.#host?.requestUpdate();
  }

  /** Text changed; a run that is no longer the current one reports nothing. */
  #change(run: Run, change: BlockChange | undefined): void {
    if (!change || run !== this.#run) return;
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
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
