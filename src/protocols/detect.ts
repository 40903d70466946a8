/**
 * `protocol="auto"`: which protocol a response speaks, from its headers and its first event
 * (docs/design.md#auto-detection). Pure: no state, no warnings.
 */
import type { ProtocolName, SseMessage } from '../types.js';
import { asObject, isDefaultEvent } from './adapter.js';

/** The response header of an AI SDK UI message stream (`x-vercel-ai-ui-message-stream: v1`). */
export const AI_SDK_HEADER = 'x-vercel-ai-ui-message-stream';

/**
 * The protocol of a response whose first event (comments and empty events aside) is `message`:
 *
 * 1. the `x-vercel-ai-ui-message-stream` header → `ai-sdk`;
 * 2. the JSON `type`, else the `event:` name: an Anthropic event (`message_start`,
 *    `content_block_delta`, …) → `anthropic`; `response.*` or `error` → `openai-responses`
 *    (whose reader also takes Anthropic's error shape);
 * 3. any other named event: `done` and `error` → `text`; the rest says nothing, `undefined`
 *    (passed on as a named event, the next event decides);
 * 4. JSON with a `mode` → `agent`; an AI SDK part that starts a stream (`start`,
 *    `start-step`, `text-*`, `reasoning-*`: its header may be hidden cross-origin) → `ai-sdk`; JSON
 *    with `choices` or `error`, or `[DONE]` → `openai`;
 * 5. anything else → `text`.
 */
export function detectProtocol(headers: Headers | undefined, message: SseMessage): ProtocolName | undefined {
  if (headers?.has(AI_SDK_HEADER)) return 'ai-sdk';
  let json: Record<string, unknown> | undefined;
  try {
    json = asObject(JSON.parse(message.data));
  } catch {
    // Not JSON: text, or `[DONE]`.
  }
  const type = json?.type;
  const name = typeof type === 'string' ? type : message.event;
  if (/^(message|content_block)_(start|delta|stop)$/.test(name)) return 'anthropic';
  if (name.startsWith('response.') || type === 'error') return 'openai-responses';
  if (!isDefaultEvent(message)) return /^(done|error)$/.test(message.event) ? 'text' : undefined;
  if (json?.mode !== undefined) return 'agent';
  if (/^(start|(text|reasoning)-)/.test(name)) return 'ai-sdk';
  return (json && ('choices' in json || 'error' in json)) || message.data.trim() === '[DONE]' ? 'openai' : 'text';
}
