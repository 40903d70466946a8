/**
 * sse-chat — the elements and everything they are built on. Importing this registers
 * nothing: import `sse-chat/define.js` (or load the bundle) to register the tags.
 */
export * from '../src/index.js';
export { SseChat } from './sse-chat.js';
export { SseMessage } from './sse-message.js';
export { defineElement } from './define-element.js';
export type { Highlighter } from './markdown-view.js';
export { DEFAULT_STRINGS, describeError, type SseChatStrings } from './strings.js';
export type {
  ChatMessage,
  MessageStatus,
  SseChatEventMap,
  SseDoneDetail,
  SseDoneEvent,
  SseErrorDetail,
  SseErrorEvent,
  SseEventDetail,
  SseEventEvent,
  SseFeedbackDetail,
  SseFeedbackEvent,
  SseMessageDetail,
  SseMessageEvent,
  SseStatusDetail,
  SseStatusEvent,
} from './events.js';
