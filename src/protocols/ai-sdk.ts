/**
 * The `ai-sdk` protocol: the AI SDK's UI message stream v1 (`x-vercel-ai-ui-message-stream: v1`),
 * one JSON part per `data:` line, `data: [DONE]` at the end. Reasoning deltas go to the think
 * block, text deltas to the answer, a part set off from the one before it by a blank line.
 * `finish` ends the answer (the `messageMetadata` of `start`, `message-metadata` and `finish`
 * merged into `meta`), `abort` ends it stopped, `error` fails it with its `errorText`. Tool,
 * source, file, `data-*` and any other parts reach the page as named events of the part's type.
 */
import {
  appendPart,
  asObject,
  createPartsAdapter,
  defaultWarn,
  errorOp,
  isDefaultEvent,
  namedEvent,
  parseSeq,
  parseTyped,
  type AdapterOptions,
  type ProtocolAdapter,
} from './adapter.js';

export function createAiSdkAdapter(options: AdapterOptions = {}): ProtocolAdapter {
  const warn = options.warn ?? defaultWarn;
  return createPartsAdapter((message) => {
    if (!isDefaultEvent(message)) return namedEvent(message);
    const seq = parseSeq(message.id);
    if (message.data.trim() === '[DONE]') return { seq, ops: [{ op: 'finish' }] };
    const part = parseTyped(message.data, warn);
    if (!part) return undefined;
    const { type } = part;
    const meta = asObject(part.messageMetadata);
    switch (type) {
      case 'text-delta':
        return appendPart(seq, 'answer', part.delta, part.id);
      case 'reasoning-delta':
        return appendPart(seq, 'think', part.delta, part.id);
      case 'finish':
        return { seq, meta, ops: [{ op: 'finish' }] };
      case 'abort':
        // As the reference server's stop: done, with `meta.status` saying it was stopped.
        return { seq, meta: { status: 'stopped' }, ops: [{ op: 'finish' }] };
      case 'error':
        return { seq, ops: [errorOp(part.errorText)] };
      case 'start':
      case 'message-metadata':
        return { seq, meta };
      default:
        // Step and text / reasoning boundaries say nothing to show; every other part goes to the page.
        return /^(start|finish)-step$|^(text|reasoning)-(start|end)$/.test(type)
          ? { seq }
          : { seq, named: { type, data: message.data, id: message.id } };
    }
  });
}
