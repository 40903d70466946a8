/**
 * The `openai` protocol (DESIGN §5.2): chat-completions chunks, `data: [DONE]` ends.
 */
import type { BlockOp, SseMessage } from '../types.js';
import {
  defaultWarn,
  isDefaultEvent,
  namedEvent,
  parseObject,
  parseSeq,
  type ParsedEvent,
  type ProtocolAdapter,
  type Warn,
} from './adapter.js';

function errorMessage(error: unknown): string {
  if (typeof error === 'string' && error) return error;
  if (typeof error === 'object' && error !== null) {
    const { message } = error as Record<string, unknown>;
    if (typeof message === 'string' && message) return message;
  }
  return 'the server reported an error';
}

export function createOpenAiAdapter(options: { warn?: Warn } = {}): ProtocolAdapter {
  const warn = options.warn ?? defaultWarn;

  function parse(message: SseMessage): ParsedEvent | undefined {
    if (!isDefaultEvent(message)) return namedEvent(message);
    const seq = parseSeq(message.id);
    if (message.data.trim() === '[DONE]') return { seq, ops: [{ op: 'finish' }] };
    const chunk = parseObject(message.data, warn);
    if (!chunk) return undefined;
    if (chunk.error !== undefined) return { seq, ops: [{ op: 'error', reason: errorMessage(chunk.error) }] };
    const ops: BlockOp[] = [];
    const choices = chunk.choices;
    const choice: unknown = Array.isArray(choices) ? choices[0] : undefined;
    if (typeof choice === 'object' && choice !== null) {
      const delta = (choice as Record<string, unknown>).delta;
      if (typeof delta === 'object' && delta !== null) {
        const { content, reasoning_content, reasoning } = delta as Record<string, unknown>;
        const think = typeof reasoning_content === 'string' ? reasoning_content : reasoning;
        if (typeof think === 'string' && think) ops.push({ op: 'append', block: 'think', text: think });
        if (typeof content === 'string' && content) ops.push({ op: 'append', block: 'answer', text: content });
      }
    }
    // A chunk without content (role announcement, usage, finish_reason) is valid and empty.
    return { seq, ops };
  }

  return {
    parse,
    apply: (event) => event.ops ?? [],
    end: () => [],
    settled: true, // stateless: every event stands alone
  };
}
