/**
 * The `openai-responses` protocol: the OpenAI Responses API stream. Each event's JSON `type`
 * (its `event:` name too) says what it is: reasoning summary and reasoning text deltas go to
 * the think block, output text deltas to the answer; `response.completed` ends the answer with
 * its `usage` in `meta`; `response.failed`, `response.incomplete` and `error` fail it. Every
 * other type is ignored. Without an `id:` field, `sequence_number` is the event's sequence
 * number. Each output item (and reasoning summary part) is set off from the one before by a
 * blank line; the content parts of one message item are joined as they are.
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

export function createOpenAiResponsesAdapter(options: AdapterOptions = {}): ProtocolAdapter {
  const warn = options.warn ?? defaultWarn;
  return createPartsAdapter((message) => {
    const event = parseTyped(message.data, warn);
    if (!event) return undefined;
    const { response, item_id } = event;
    const seq = parseSeq(message.id) ?? parseSeq(String(event.sequence_number));
    switch (event.type) {
      case 'response.output_text.delta':
        return appendPart(seq, 'answer', event.delta, item_id);
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        return appendPart(seq, 'think', event.delta, `${item_id} ${event.summary_index ?? event.content_index}`);
      case 'response.completed':
        return { seq, meta: { usage: response?.usage }, ops: [{ op: 'finish' }] };
      case 'response.failed':
        return { seq, ops: [errorOp(response?.error?.message, response?.error?.code)] };
      case 'response.incomplete': {
        const reason = response?.incomplete_details?.reason;
        return { seq, ops: [errorOp(`the response is incomplete${typeof reason === 'string' ? `: ${reason}` : ''}`)] };
      }
      case 'error':
        return { seq, ops: [errorOp(event.message, event.error?.message, event.code)] };
      default:
        return { seq };
    }
  });
}
