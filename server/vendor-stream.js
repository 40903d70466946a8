// @ts-check
/**
 * The scripted answer in other people's wire formats, for the demo's protocol picker and the
 * Storybook: `POST|GET {base}/vendor?protocol=…` streams the script of the question
 * (answer-script.js) as OpenAI Chat Completions chunks, a Responses stream, an Anthropic
 * Messages stream, an AI SDK UI message stream or plain text — the way those servers send them,
 * so without sequence ids: a cut cannot be resumed, the widget asks again and replaces the text.
 * Not a store: nothing is kept, each request generates anew (the same text, the script being
 * deterministic).
 */
import { chunkText, hashString, scriptFor, MAX_SIZE } from './answer-script.js';
import { HttpError, intParam, queryObject, readJson } from './lib/http.js';
import { formatEvent, SSE_HEADERS } from './lib/sse.js';

/** The formats, and the extra response headers each is sent with. */
export const VENDOR_PROTOCOLS = {
  openai: {},
  'openai-responses': {},
  anthropic: {},
  'ai-sdk': { 'x-vercel-ai-ui-message-stream': 'v1' },
  text: {},
};

/**
 * The SSE events of a think-then-answer text in a vendor's format.
 * @param {keyof typeof VENDOR_PROTOCOLS} protocol
 * @param {{think: string, answer: string, seed: number}} script
 * @returns {string[]} each a complete SSE event
 */
export function vendorEvents(protocol, { think, answer, seed }) {
  const thinks = think ? chunkText(think, seed) : [];
  const texts = chunkText(answer, (seed ^ 0x9e3779b9) >>> 0);
  /** @param {object} data @param {string} [event] */
  const json = (data, event) => formatEvent({ event, data: JSON.stringify(data) });
  const id = `scripted-${seed.toString(16)}`;
  switch (protocol) {
    case 'openai': {
      /** @param {object} delta @param {string | null} [finish] */
      const chunk = (delta, finish = null) =>
        json({
          id: `chatcmpl-${id}`,
          object: 'chat.completion.chunk',
          created: 1_764_633_600,
          model: 'scripted',
          choices: [{ index: 0, delta, finish_reason: finish }],
        });
      return [
        chunk({ role: 'assistant', content: '' }),
        ...thinks.map((t) => chunk({ reasoning_content: t })),
        ...texts.map((t) => chunk({ content: t })),
        chunk({}, 'stop'),
        formatEvent({ data: '[DONE]' }),
      ];
    }
    case 'openai-responses': {
      let sequence_number = 0;
      /** @param {Record<string, unknown>} data */
      const event = (data) => json({ ...data, sequence_number: sequence_number++ }, String(data.type));
      const response = { id: `resp_${id}`, object: 'response', model: 'scripted', status: 'in_progress' };
      return [
        event({ type: 'response.created', response }),
        ...(thinks.length
          ? [
              event({
                type: 'response.output_item.added',
                output_index: 0,
                item: { id: `rs_${id}`, type: 'reasoning' },
              }),
              ...thinks.map((delta) =>
                event({
                  type: 'response.reasoning_summary_text.delta',
                  item_id: `rs_${id}`,
                  output_index: 0,
                  summary_index: 0,
                  delta,
                }),
              ),
            ]
          : []),
        event({ type: 'response.output_item.added', output_index: 1, item: { id: `msg_${id}`, type: 'message' } }),
        ...texts.map((delta) =>
          event({
            type: 'response.output_text.delta',
            item_id: `msg_${id}`,
            output_index: 1,
            content_index: 0,
            delta,
          }),
        ),
        event({
          type: 'response.completed',
          response: { ...response, status: 'completed', usage: { total_tokens: 0 } },
        }),
      ];
    }
    case 'anthropic': {
      /** @param {Record<string, unknown>} data */
      const event = (data) => json(data, String(data.type));
      const textIndex = thinks.length ? 1 : 0;
      return [
        event({
          type: 'message_start',
          message: { id: `msg_${id}`, type: 'message', role: 'assistant', model: 'scripted', content: [] },
        }),
        ...(thinks.length
          ? [
              event({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }),
              ...thinks.map((thinking) =>
                event({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking } }),
              ),
              event({ type: 'content_block_stop', index: 0 }),
            ]
          : []),
        event({ type: 'content_block_start', index: textIndex, content_block: { type: 'text', text: '' } }),
        event({ type: 'ping' }),
        ...texts.map((text) =>
          event({ type: 'content_block_delta', index: textIndex, delta: { type: 'text_delta', text } }),
        ),
        event({ type: 'content_block_stop', index: textIndex }),
        event({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: texts.length } }),
        event({ type: 'message_stop' }),
      ];
    }
    case 'ai-sdk':
      return [
        json({ type: 'start', messageId: id }),
        json({ type: 'start-step' }),
        ...(thinks.length
          ? [
              json({ type: 'reasoning-start', id: 'r0' }),
              ...thinks.map((delta) => json({ type: 'reasoning-delta', id: 'r0', delta })),
              json({ type: 'reasoning-end', id: 'r0' }),
            ]
          : []),
        json({ type: 'text-start', id: 't0' }),
        ...texts.map((delta) => json({ type: 'text-delta', id: 't0', delta })),
        json({ type: 'text-end', id: 't0' }),
        json({ type: 'finish-step' }),
        json({ type: 'finish' }),
        formatEvent({ data: '[DONE]' }),
      ];
    default: {
      // Plain text: the think block in <think> tags first, newlines escaped (a `data:` line
      // cannot hold one), and the end of the response ends the answer.
      /** @param {string} text */
      const escaped = (text) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
      const pieces = thinks.length ? ['<think>', ...thinks, '</think>', ...texts] : texts;
      return pieces.map((piece) => formatEvent({ data: escaped(piece) }));
    }
  }
}

/**
 * The prompt of a vendor-shaped or widget-shaped request body: the last user message's text
 * (`messages` of Chat Completions, Anthropic, the AI SDK and the widget; `input` of Responses).
 * @param {Record<string, unknown>} body
 */
function promptOf(body) {
  const list = Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : [];
  for (let i = list.length - 1; i >= 0; i--) {
    const message = list[i];
    if (!message || message.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    const parts = Array.isArray(message.content) ? message.content : Array.isArray(message.parts) ? message.parts : [];
    return parts.map((/** @type {any} */ part) => (typeof part?.text === 'string' ? part.text : '')).join('');
  }
  return '';
}

/**
 * The vendor route: streams the script of the request's question in `?protocol=`, one event
 * every `chunk_ms` (default: the server's pacing), the answer grown to `size`. Open streams are
 * registered by the request's `message_id` so that the demo's chaos panel can cut or stall them.
 * @param {{track: (res: import('node:http').ServerResponse) => void, chunkMs: number}} options
 */
export function createVendorRoute({ track, chunkMs: defaultChunkMs }) {
  /** @type {Map<string, Set<{cut: () => void, stall: () => void}>>} */
  const open = new Map();

  /** @type {import('./lib/handler.js').Handler} */
  async function vendor(req, res, url) {
    const query = queryObject(url);
    const protocol = /** @type {keyof typeof VENDOR_PROTOCOLS} */ (query.protocol ?? '');
    if (!Object.hasOwn(VENDOR_PROTOCOLS, protocol)) {
      throw new HttpError(400, `protocol must be one of ${Object.keys(VENDOR_PROTOCOLS).join(', ')}`);
    }
    const body = req.method === 'POST' ? await readJson(req) : {};
    const chunkMs = intParam(query.chunk_ms, 'chunk_ms', { min: 0, max: 1000, clamp: true }) ?? defaultChunkMs;
    const size = intParam(query.size, 'size', { min: 0, max: MAX_SIZE, clamp: true });
    const prompt = promptOf(body);
    const messageId = typeof body.message_id === 'string' ? body.message_id : '';
    const events = vendorEvents(protocol, { ...scriptFor(prompt, { size }), seed: hashString(prompt) });

    res.writeHead(200, { ...SSE_HEADERS, ...VENDOR_PROTOCOLS[protocol] });
    res.flushHeaders();
    track(res);
    let stalled = false;
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const handle = {
      cut: () => res.destroy(),
      stall: () => {
        stalled = true;
        clearTimeout(timer);
      },
    };
    const streams = open.get(messageId) ?? new Set();
    open.set(messageId, streams.add(handle));
    res.on('close', () => {
      clearTimeout(timer);
      streams.delete(handle);
      if (streams.size === 0) open.delete(messageId);
    });
    let next = 0;
    const step = () => {
      if (stalled || res.destroyed) return;
      // Without pacing, everything at once; else one event per tick.
      do res.write(events[next++]);
      while (chunkMs === 0 && next < events.length);
      if (next < events.length) timer = setTimeout(step, chunkMs);
      else res.end();
    };
    step();
  }

  return {
    vendor,
    /**
     * The open vendor streams of a message id (for the chaos panel).
     * @param {string} messageId
     */
    streams: (messageId) => [...(open.get(messageId) ?? [])],
  };
}
