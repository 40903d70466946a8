/**
 * The `openai` protocol: chat-completions chunks, `data: [DONE]` ends.
 * `delta.reasoning_content` / `delta.reasoning` go to the think block; `delta.content` is
 * routed by `<think>` tags, the way vLLM, Ollama and many gateways stream reasoning models.
 */
import type { BlockOp, SseMessage } from '../types.js';
import {
  defaultWarn,
  errorOp,
  isDefaultEvent,
  namedEvent,
  parseObject,
  parseSeq,
  type AdapterOptions,
  type ParsedEvent,
  type ProtocolAdapter,
} from './adapter.js';
import { appendOps, createThinkTagRouter } from './think-tags.js';

/** `error` as OpenAI sends it (`{message, type, code}`), or as a plain string. */
function errorOf(error: unknown): BlockOp {
  return errorOp(
    error,
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>).message : undefined,
  );
}

export function createOpenAiAdapter(options: AdapterOptions = {}): ProtocolAdapter {
  const warn = options.warn ?? defaultWarn;

  function parse(message: SseMessage): ParsedEvent | undefined {
    if (!isDefaultEvent(message)) return namedEvent(message);
    const seq = parseSeq(message.id);
    if (message.data.trim() === '[DONE]') return { seq, ops: [{ op: 'finish' }] };
    const chunk = parseObject(message.data, warn);
    if (!chunk) return undefined;
    if (chunk.error !== undefined) return { seq, ops: [errorOf(chunk.error)] };
    const event: ParsedEvent = { seq, ops: [] };
    const choices = chunk.choices;
    const choice: unknown = Array.isArray(choices) ? choices[0] : undefined;
    if (typeof choice === 'object' && choice !== null) {
      const { delta, finish_reason } = choice as Record<string, unknown>;
      if (typeof delta === 'object' && delta !== null) {
        const { content, reasoning_content, reasoning } = delta as Record<string, unknown>;
        const think = typeof reasoning_content === 'string' ? reasoning_content : reasoning;
        if (typeof think === 'string' && think) event.ops = [{ op: 'append', block: 'think', text: think }];
        if (typeof content === 'string' && content) event.text = content;
      }
      if (typeof finish_reason === 'string' && finish_reason) event.complete = true;
    }
    // A chunk without content (role announcement, usage, finish_reason) is valid and empty.
    return event;
  }

  const router = createThinkTagRouter();
  let complete = false;

  return {
    parse,
    apply(event) {
      if (event.complete) complete = true;
      const ops = event.ops ?? [];
      return event.text === undefined ? ops : [...ops, ...appendOps(router.push(event.text))];
    },
    end: () => appendOps(router.end()),
    get atResumePoint() {
      return router.atResumePoint;
    },
    get complete() {
      return complete;
    },
    endsAtClose: false, // a close without `[DONE]` and without a finish reason is a cut
  };
}
