/**
 * The events of `<sse-chat>`, typed, and the one helper that fires them.
 * All bubble and are composed, so a host page hears them on any ancestor.
 */
import type { StatusDetail } from '../src/stream-controller.js';
import type { NamedEvent, SseChatError } from '../src/types.js';

/** Where a message is in its life. `pending`: a history answer still being generated elsewhere. */
export type MessageStatus = 'streaming' | 'done' | 'error' | 'stopped' | 'pending';

/** One message of the conversation, as `messages` and the events report it (a snapshot). */
export interface ChatMessage {
  /** The message id (for answers: the `message_id` the server knows it by). */
  id: string;
  author: 'user' | 'assistant';
  /** Decoded markdown source of the think block (empty for user messages). */
  think: string;
  /** Decoded markdown source of the answer (the text, for user messages). */
  answer: string;
  status: MessageStatus;
  /** The `finish` event's `meta`, once the answer is done. */
  meta?: Record<string, unknown>;
  /** A regenerated answer: every version, oldest first (this one among them), each a message. */
  versions?: ChatMessage[];
  /** Which of `versions` this is (0-based): the one the log shows. */
  version?: number;
}

export type SseStatusDetail = StatusDetail;
export interface SseMessageDetail {
  message: ChatMessage;
}
export interface SseDoneDetail {
  message: ChatMessage;
  meta?: Record<string, unknown>;
}
export interface SseErrorDetail {
  error: SseChatError;
  message: ChatMessage;
}
export type SseEventDetail = NamedEvent;
export interface SseFeedbackDetail {
  /** The answer judged (`<sse-chat>` adds it; a lone `<sse-message>` sends the value alone). */
  message?: ChatMessage;
  value: 'up' | 'down';
}

/** From `<sse-message>` (its version switcher, its editor), acted on by `<sse-chat>`. */
export interface SseVersionDetail {
  /** The version to show, 0-based. */
  version: number;
}
export interface SseEditDetail {
  /** The edited question. */
  text: string;
}

export type SseStatusEvent = CustomEvent<SseStatusDetail>;
export type SseMessageEvent = CustomEvent<SseMessageDetail>;
export type SseDoneEvent = CustomEvent<SseDoneDetail>;
export type SseErrorEvent = CustomEvent<SseErrorDetail>;
export type SseEventEvent = CustomEvent<SseEventDetail>;
export type SseFeedbackEvent = CustomEvent<SseFeedbackDetail>;
export type SseRegenerateEvent = CustomEvent<Record<string, never>>;
export type SseVersionEvent = CustomEvent<SseVersionDetail>;
export type SseEditEvent = CustomEvent<SseEditDetail>;

export interface SseChatEventMap {
  'sse-status': SseStatusEvent;
  'sse-message': SseMessageEvent;
  'sse-done': SseDoneEvent;
  'sse-error': SseErrorEvent;
  'sse-event': SseEventEvent;
  'sse-feedback': SseFeedbackEvent;
  'sse-regenerate': SseRegenerateEvent;
  'sse-version': SseVersionEvent;
  'sse-edit': SseEditEvent;
}

declare global {
  // Declaration merging: an empty body is the point, it adds our events to the DOM's map.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface GlobalEventHandlersEventMap extends SseChatEventMap {}
}

/** Fires a typed `sse-*` event from `target` (bubbling, composed). */
export function emit<K extends keyof SseChatEventMap>(
  target: EventTarget,
  name: K,
  detail: SseChatEventMap[K]['detail'],
): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}
