// @ts-check
/**
 * The upstream APIs the relay speaks: for each, the request it sends and how it reads the
 * event stream back into think and answer text, an end, or an error. The widget's own adapters
 * (src/protocols/) read the same formats in the browser; these are their server-side
 * counterparts with the same rules for joining parts (docs/design.md#the-vendor-protocols):
 * a new part of the think or answer block after one that gave text is set off by a blank line.
 *
 *   openai            Chat Completions: POST {base}/chat/completions
 *   openai-responses  Responses:        POST {base}/responses
 *   anthropic         Messages:         POST {base}/messages
 */

/** Anthropic's API version the relay speaks (https://docs.anthropic.com/en/api/versioning). */
export const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires `max_tokens`; this is the relay's when the model's limit is not known. */
export const ANTHROPIC_MAX_TOKENS = 4096;
/** Shown in the think block where Anthropic redacted the reasoning (it sends no text for it). */
export const REDACTED_NOTE = '_Some reasoning was redacted._';

/** @typedef {'openai' | 'openai-responses' | 'anthropic'} UpstreamProtocol */
export const UPSTREAM_PROTOCOLS = /** @type {const} */ (['openai', 'openai-responses', 'anthropic']);

/**
 * What reading one upstream event did.
 * @typedef {object} Reading
 * @property {(type: 'think' | 'text', content: unknown, part?: unknown) => void} append  ignores anything but a non-empty string
 * @property {(meta?: Record<string, unknown>) => void} finish  the answer is complete
 * @property {(reason: string) => void} fail  the upstream reported an error
 * @property {Record<string, unknown>} meta  model, finish_reason, usage, … as the upstream said them
 * @property {Record<string, unknown>} state  the API's own state for this answer
 */

/**
 * @typedef {object} UpstreamApi
 * @property {string} path  appended to the base URL
 * @property {string} end  the event that ends an answer (for the error of a stream cut before it)
 * @property {(apiKey: string | undefined) => Record<string, string>} headers
 * @property {(model: string, messages: Array<{role: string, content: unknown}>) => Record<string, unknown>} body
 * @property {(event: string, data: Record<string, unknown>, reading: Reading) => void} read  one JSON event
 * @property {(meta: Record<string, unknown>) => boolean} completeAtClose  whether a body that
 *   ends without the end marker ended a complete answer
 */

/** @param {unknown} value @returns {Record<string, any>} */
const obj = (value) => (value && typeof value === 'object' && !Array.isArray(value) ? value : {});

/**
 * @param {string | undefined} apiKey
 * @returns {Record<string, string>}
 */
const bearer = (apiKey) => (apiKey ? { Authorization: `Bearer ${apiKey}` } : {});

/** @type {Record<UpstreamProtocol, UpstreamApi>} */
export const UPSTREAM_APIS = {
  openai: {
    path: '/chat/completions',
    end: '[DONE]',
    headers: bearer,
    body: (model, messages) => ({ model, messages, stream: true }),
    read(_event, chunk, { append, meta }) {
      if (typeof chunk.model === 'string') meta.model = chunk.model;
      if (chunk.usage && typeof chunk.usage === 'object') meta.usage = chunk.usage;
      const choice = obj(Array.isArray(chunk.choices) ? chunk.choices[0] : undefined);
      const delta = obj(choice.delta);
      // Reasoning models behind OpenAI-compatible servers: DeepSeek and vLLM send
      // `reasoning_content`, Ollama and OpenRouter `reasoning`.
      append('think', delta.reasoning_content ?? delta.reasoning);
      append('text', delta.content);
      if (typeof choice.finish_reason === 'string') meta.finish_reason = choice.finish_reason;
    },
    // A body that ends after a finish_reason (without [DONE]) ended a complete answer.
    completeAtClose: (meta) => meta.finish_reason !== undefined,
  },

  // https://platform.openai.com/docs/api-reference/responses-streaming
  'openai-responses': {
    path: '/responses',
    end: 'response.completed',
    headers: bearer,
    // `input` takes the same {role, content} messages as Chat Completions.
    body: (model, messages) => ({ model, input: messages, stream: true }),
    read(_event, event, { append, finish, fail, meta }) {
      const response = obj(event.response);
      switch (event.type) {
        case 'response.reasoning_summary_text.delta':
        case 'response.reasoning_text.delta':
          // Each summary (or reasoning text) part is a paragraph of its own.
          append('think', event.delta, `${event.item_id}:${event.summary_index ?? event.content_index ?? 0}`);
          return;
        case 'response.output_text.delta':
          append('text', event.delta, event.item_id);
          return;
        case 'response.completed':
          if (typeof response.model === 'string') meta.model = response.model;
          if (response.usage) meta.usage = response.usage;
          finish();
          return;
        case 'response.failed':
          fail(`upstream error: ${obj(response.error).message ?? 'the response failed'}`);
          return;
        case 'response.incomplete':
          fail(`the response is incomplete: ${obj(response.incomplete_details).reason ?? 'no reason given'}`);
          return;
        case 'error':
          fail(`upstream error: ${event.message ?? obj(event.error).message ?? 'unknown'}`);
          return;
        default:
        // Every other event (created, in_progress, output_item.added, …) carries no text.
      }
    },
    completeAtClose: () => false,
  },

  // https://docs.anthropic.com/en/docs/build-with-claude/streaming
  anthropic: {
    path: '/messages',
    end: 'message_stop',
    headers: (apiKey) => ({ 'anthropic-version': ANTHROPIC_VERSION, ...(apiKey ? { 'x-api-key': apiKey } : {}) }),
    body(model, messages) {
      // The Messages API takes system prompts apart, and only user and assistant turns.
      const system = messages
        .filter((m) => m.role === 'system')
        .map((m) => (typeof m.content === 'string' ? m.content : ''))
        .join('\n\n');
      const turns = messages.filter((m) => m.role === 'user' || m.role === 'assistant');
      return { model, max_tokens: ANTHROPIC_MAX_TOKENS, messages: turns, stream: true, ...(system ? { system } : {}) };
    },
    read(_event, event, { append, finish, fail, meta, state }) {
      switch (event.type) {
        case 'message_start': {
          const message = obj(event.message);
          if (typeof message.model === 'string') meta.model = message.model;
          return;
        }
        case 'content_block_start': {
          const block = obj(event.content_block);
          if (block.type === 'redacted_thinking') append('think', REDACTED_NOTE, `block:${event.index}`);
          // A tool or search block between two texts: the text after it is a new part.
          else if (block.type !== 'text' && block.type !== 'thinking') state.textPart = `after:${event.index}`;
          return;
        }
        case 'content_block_delta': {
          const delta = obj(event.delta);
          if (delta.type === 'thinking_delta') append('think', delta.thinking, `block:${event.index}`);
          // Consecutive text blocks (Claude splits text around citations) carry their own spacing.
          else if (delta.type === 'text_delta') append('text', delta.text, state.textPart ?? 'text');
          return;
        }
        case 'message_delta': {
          const delta = obj(event.delta);
          if (typeof delta.stop_reason === 'string') meta.finish_reason = delta.stop_reason;
          if (event.usage) meta.usage = event.usage;
          return;
        }
        case 'message_stop':
          finish();
          return;
        case 'error':
          fail(`upstream error: ${obj(event.error).message ?? 'unknown'}`);
          return;
        default:
        // ping, content_block_stop, signature and tool-input deltas carry no text.
      }
    },
    // The stop reason came (`message_delta`): the content is complete.
    completeAtClose: (meta) => meta.finish_reason !== undefined,
  },
};

/**
 * A reader of one upstream answer: turns its events into appends, set off by a blank line when
 * a block's part changes after text.
 * @param {UpstreamApi} api
 * @param {{append: (type: 'think' | 'text', content: string) => void, finish: (meta: Record<string, unknown>) => void,
 *   fail: (reason: string) => void}} sink
 */
export function createReader(api, sink) {
  /** @type {Record<string, unknown>} */
  const meta = {};
  /** @type {Record<'think' | 'text', unknown>} the part each block last took text from (undefined: none yet) */
  const parts = { think: undefined, text: undefined };
  /** @type {Reading} */
  const reading = {
    meta,
    state: {},
    append(type, content, part = type) {
      if (typeof content !== 'string' || content === '') return;
      const before = parts[type];
      parts[type] = part;
      sink.append(type, before !== undefined && before !== part ? `\n\n${content}` : content);
    },
    finish: () => sink.finish(meta),
    fail: sink.fail,
  };
  return {
    meta,
    /** Ends the answer as complete, with the meta read so far. */
    finish: reading.finish,
    /**
     * @param {string} event  the SSE event name
     * @param {Record<string, unknown>} data
     */
    read: (event, data) => api.read(event, data, reading),
  };
}
