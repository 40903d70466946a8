/**
 * The `anthropic` protocol: the Messages API stream. Each event's JSON `type` (its `event:`
 * name too) says what it is: `text` and `thinking` content go to the answer and the think
 * block, a `redacted_thinking` block shows a note in the think block; `message_delta` says the
 * content is over and brings `stop_reason` and `usage` to `meta`; `message_stop` ends; `error`
 * fails the answer with `error.message`. `ping`, `signature_delta`, `input_json_delta` and
 * unknown types are ignored.
 *
 * Claude splits its text into several blocks around citations, each carrying its own spaces
 * and line breaks, so consecutive text blocks are joined as they are; text after a block of
 * another kind (a tool call or result) and each thinking block are set off by a blank line.
 */
import {
  appendPart,
  createPartsAdapter,
  defaultWarn,
  errorOp,
  parseSeq,
  parseTyped,
  type AdapterOptions,
  type ProtocolAdapter,
} from './adapter.js';

/** What a `redacted_thinking` block (encrypted reasoning) shows. */
export const REDACTED_THINKING = '_Some reasoning was redacted._';

export function createAnthropicAdapter(options: AdapterOptions = {}): ProtocolAdapter {
  const warn = options.warn ?? defaultWarn;
  return createPartsAdapter((message) => {
    const seq = parseSeq(message.id);
    const event = parseTyped(message.data, warn);
    if (!event) return undefined;
    const { index } = event;
    switch (event.type) {
      case 'content_block_start':
      case 'content_block_delta': {
        const block = event.content_block ?? event.delta;
        switch (block?.type) {
          case 'text':
          case 'text_delta':
            return appendPart(seq, 'answer', block.text, '');
          case 'thinking':
          case 'thinking_delta':
            return appendPart(seq, 'think', block.thinking, index);
          case 'redacted_thinking':
            return appendPart(seq, 'think', REDACTED_THINKING, index);
        }
        // Another kind of block (tool use, a tool's result) ends the answer's current part.
        return event.content_block ? { seq, part: index } : { seq };
      }
      case 'message_delta':
        return { seq, complete: true, meta: { stop_reason: event.delta?.stop_reason, usage: event.usage } };
      case 'message_stop':
        return { seq, ops: [{ op: 'finish' }] };
      case 'error':
        return { seq, ops: [errorOp(event.error?.message, event.error?.type)] };
      default:
        return { seq };
    }
  });
}
