/**
 * sse-chat — the stream core: a resumable Server-Sent-Events answer stream and the pure
 * modules it is built from. The elements build on this.
 */
export { StreamController } from './stream-controller.js';
// Its configuration, status, stats, result and resume point: DEFAULT_CONFIG and types only.
export * from './stream-types.js';
export { normalizeHeaders } from './http.js';
export { chatRequest, type ChatRequestBuilder, type ChatRequestContext, type ChatRequestInit } from './chat-request.js';
export { createEscapeDecoder, decodeEscapes, type EscapeDecoder } from './escape-decoder.js';
export { createMessageModel, type BlockChange, type MessageModel } from './message-model.js';
export {
  createAdapter,
  createAgentAdapter,
  createOpenAiAdapter,
  createTextAdapter,
  detectProtocol,
  shouldDecodeEscapes,
  type AdapterSpec,
  type CustomProtocol,
  type ParsedEvent,
  type ProtocolAdapter,
  type ProtocolSetting,
} from './protocols/index.js';
// What a custom adapter may use (docs/design.md#custom-protocols).
export { errorOp, parseObject, parseSeq } from './protocols/adapter.js';
export { computeDelay, parseRetryAfter, type BackoffOptions } from './backoff.js';
export {
  STREAM_STATUS,
  PROTOCOLS,
  ERROR_TYPES,
  SseChatError,
  type BlockName,
  type BlockOp,
  type NamedEvent,
  type ProtocolName,
  type SseChatErrorType,
  type SseMessage,
  type StreamStatus,
} from './types.js';
export { parseHistory, type HistoryMessage } from './history.js';
export { createIncrementalMarkdown, type IncrementalMarkdown, type MarkdownUpdate } from './markdown/incremental.js';
export { completeTail } from './markdown/complete.js';
export { renderMarkdown, sanitizeToFragment } from './markdown/sanitize.js';
export { VERSION } from './version.js';
