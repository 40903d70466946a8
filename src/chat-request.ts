/**
 * The request body of an answer: ours, or the one the protocol's own API takes. With a `model`,
 * `openai`, `openai-responses`, `anthropic` and `ai-sdk` are asked in their vendor's shape, so
 * the widget can talk to an OpenAI-compatible server (Ollama, vLLM, LM Studio), the Responses
 * API, the Messages API or an AI SDK route directly. Pure: no fetch, no DOM
 * (docs/design.md#direct-endpoints).
 */
import type { StreamConfig } from './stream-types.js';

/** Anthropic's API version, sent as `anthropic-version` (https://docs.anthropic.com/en/api/versioning). */
export const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires `max_tokens`; this one when `body` gives none (every Claude model allows it). */
export const ANTHROPIC_MAX_TOKENS = 4096;

/** What a `request` function is given: the answer asked and the settings in force. */
export interface ChatRequestContext {
  /** The conversation so far, the question last: `[{role: 'user' | 'assistant', content}]`. */
  messages: Array<{ role: string; content: string }>;
  conversationId: string;
  /** The answer's id, the same for every request of it. */
  messageId: string;
  /** Set when the answer regenerates an earlier one: that answer's id. */
  regenerate?: string;
  /** Set when the question was edited: the id of the answer it replaces, with its question. */
  edit?: string;
  model: string | undefined;
  protocol: StreamConfig['protocol'];
  endpoint: string;
  /** The `body` property, with the answer's own fields (`StreamRequest.body`) over it. */
  body: Record<string, unknown>;
}

/** What a `request` function returns: the request instead of the protocol's shape. */
export interface ChatRequestInit {
  /** Default: `endpoint`. */
  url?: string;
  /** Over the `headers` property. */
  headers?: HeadersInit;
  /** Sent as JSON (with `method="GET"`, its fields in the query). */
  body: Record<string, unknown>;
}

/** Builds the whole request of an answer from the conversation; called again for each attempt. */
export type ChatRequestBuilder = (context: ChatRequestContext) => ChatRequestInit | Promise<ChatRequestInit>;

/**
 * Whether an answer is asked of a vendor's API, or through a `request` function: such a request
 * cannot be continued (the API would start a new generation), so it is never resumed.
 */
export const isDirect = ({ model, protocol, request }: Pick<StreamConfig, 'model' | 'protocol' | 'request'>) =>
  !!request || (!!model && ['openai', 'openai-responses', 'anthropic', 'ai-sdk'].includes(protocol as string));

/**
 * The body (and the headers, under the `headers` property) of an answer's request. With a
 * `model`: Chat Completions `{model, messages, stream}`, Responses `{model, input, stream}`,
 * Anthropic `{model, max_tokens, messages, stream}` with `anthropic-version`, the AI SDK's
 * `{id, messages, trigger, model}` with UI messages (`parts`); `agent`, `text` and the rest
 * keep ours, `{conversation_id, message_id, messages, model}` (with `regenerate` or `edit`: the
 * id of the answer replaced). A regenerate is the AI SDK's `trigger: 'regenerate-message'`; the
 * other APIs are simply asked again. `body` is merged over either.
 *
 * @example
 * chatRequest({ ...context, protocol: 'openai', model: 'llama3.2' }).body
 * // {model: 'llama3.2', messages: [{role: 'user', content: 'Hi'}], stream: true}
 */
export function chatRequest(context: ChatRequestContext): {
  headers?: Record<string, string>;
  body: Record<string, unknown>;
} {
  const { messages, model, conversationId: id, body, regenerate, edit } = context;
  let headers: Record<string, string> | undefined;
  let shape: Record<string, unknown> = {
    conversation_id: id,
    message_id: context.messageId,
    messages,
    model,
    regenerate,
    edit,
  };
  if (isDirect({ ...context, request: undefined })) {
    shape = { model, messages, stream: true };
    if (context.protocol === 'openai-responses') shape = { model, input: messages, stream: true };
    if (context.protocol === 'anthropic') {
      shape = { model, max_tokens: ANTHROPIC_MAX_TOKENS, messages, stream: true };
      headers = { 'anthropic-version': ANTHROPIC_VERSION };
    }
    if (context.protocol === 'ai-sdk') {
      // useChat's request: the chat's id, and UI messages whose text is in `parts`.
      const ui = messages.map(({ role, content }, i) => ({
        id: `${id}-${i}`,
        role,
        parts: [{ type: 'text', text: content }],
      }));
      shape = regenerate
        ? { id, messages: ui, trigger: 'regenerate-message', messageId: regenerate, model }
        : { id, messages: ui, trigger: 'submit-message', model };
    }
  }
  return { headers, body: { ...shape, ...body } };
}
