/**
 * Shared types and constants of the stream core. No DOM, no timers.
 */

/** Every status a stream (and so `<sse-chat status>`) can be in. */
export const STREAM_STATUS = ['idle', 'connecting', 'streaming', 'reconnecting', 'done', 'error', 'stopped'] as const;
export type StreamStatus = (typeof STREAM_STATUS)[number];

/** The wire formats an adapter exists for. */
export const PROTOCOLS = ['agent', 'openai', 'text', 'ai-sdk', 'anthropic', 'openai-responses'] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];

/** The two blocks of an assistant message. */
export type BlockName = 'think' | 'answer';

/** One parsed Server-Sent Event, as the SSE parser hands it over. */
export interface SseMessage {
  /** The `id:` field of this event, `''` when it had none. */
  id: string;
  /** The `event:` field, `''` for the default `message` type. */
  event: string;
  data: string;
}

/**
 * What a protocol adapter asks the message model to do. Content is still *encoded*
 * (escaped newlines are decoded by the model, per block).
 */
export type BlockOp =
  | { op: 'append'; block: BlockName; text: string; itemId?: number }
  | { op: 'overwrite'; block: BlockName; text: string }
  | { op: 'update'; block: BlockName; itemId: number; text: string }
  | { op: 'finish'; meta?: Record<string, unknown> }
  | { op: 'error'; reason: string };

/** A named SSE event outside the chat protocol (`event: task_progress`). */
export interface NamedEvent {
  type: string;
  data: string;
  id: string;
}

/** The kinds of failure the stream core reports. */
export const ERROR_TYPES = [
  'http',
  'content-type',
  'network',
  'timeout',
  'retries-exhausted',
  'protocol',
  'resume',
  'aborted',
  'config',
] as const;
export type SseChatErrorType = (typeof ERROR_TYPES)[number];

/** The single error class of the project; `type` says what failed. */
export class SseChatError extends Error {
  override readonly name = 'SseChatError';
  readonly type: SseChatErrorType;
  /** HTTP status, for `http` errors. */
  readonly status?: number;
  /** Server-requested wait in ms (`Retry-After`), when it sent one. */
  readonly retryAfterMs?: number;
  /** Whether another attempt may succeed. */
  readonly retryable: boolean;

  constructor(
    type: SseChatErrorType,
    message: string,
    init: { status?: number; retryAfterMs?: number; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.type = type;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.retryable = init.retryable ?? false;
  }
}
