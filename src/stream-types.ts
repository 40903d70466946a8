/**
 * The public shapes of the stream core: what a `StreamController` is configured with, what it
 * reports while an answer streams, and what it hands back when the answer ends. Types and the
 * one table of defaults only: no behaviour.
 */
import type { ChatRequestBuilder } from './chat-request.js';
import type { BlockChange } from './message-model.js';
import type { ProtocolSetting } from './protocols/index.js';
import type { NamedEvent, SseChatError, StreamStatus } from './types.js';

/** Settings read at the start of every attempt (the element keeps them in sync with its attributes). */
export interface StreamConfig {
  endpoint: string;
  method: 'POST' | 'GET';
  /** A wire format's name, `auto` (decided per response), or a custom adapter (docs/design.md#custom-protocols). */
  protocol: ProtocolSetting;
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
  /** With a vendor protocol, the request is that API's, with this model (docs/design.md#direct-endpoints). */
  model: string | undefined;
  /** Builds each request instead of the protocol's shape; such a request is never resumed. */
  request: ChatRequestBuilder | undefined;
}

/** The one place the defaults live: the controller and the element both start from it. */
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
  model: undefined,
  request: undefined,
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
   * `streaming` when its first content replaced the text.
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

/**
 * Where a later `resume()` continues an answer: the offset (the sequence number of the last
 * event) after which nothing was held back, and the texts at that point.
 */
export interface ResumePoint {
  offset: number;
  think: string;
  answer: string;
}

export interface StreamResult {
  status: StreamOutcome;
  messageId: string;
  think: string;
  answer: string;
  /** The `finish` event's `meta`. */
  meta?: Record<string, unknown>;
  error?: SseChatError;
  /**
   * Where a later `resume()` continues this answer: the last offset after which nothing was
   * held back (an escape or a `<think>` tag split across events). Pass it on as it is:
   * `resume({messageId, ...result.resumePoint})`.
   */
  resumePoint: ResumePoint;
}

export interface StreamRequest {
  /** The conversation so far, sent with a new answer (and again with each resume). */
  messages?: Array<{ role: string; content: string }>;
  /** Extra body fields for this answer, merged over `config.body`. */
  body?: Record<string, unknown>;
  /** The answer's id; generated when absent. */
  messageId?: string;
  /** A new answer to the same question, in place of the answer with this id (sent as `regenerate`). */
  regenerate?: string;
  /** A new answer to an edited question, in place of the answer with this id and its question (sent as `edit`). */
  edit?: string;
  /** Resume from this offset instead of asking a new answer. */
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
