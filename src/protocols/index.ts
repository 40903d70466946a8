import type { ProtocolName } from '../types.js';
import type { AdapterOptions, ProtocolAdapter } from './adapter.js';
import { createAgentAdapter } from './agent.js';
import { createAiSdkAdapter } from './ai-sdk.js';
import { createAnthropicAdapter } from './anthropic.js';
import { createOpenAiAdapter } from './openai.js';
import { createOpenAiResponsesAdapter } from './openai-responses.js';
import { createTextAdapter } from './text.js';

export type { AdapterOptions, ParsedEvent, ProtocolAdapter, Warn } from './adapter.js';
export {
  createAgentAdapter,
  createAiSdkAdapter,
  createAnthropicAdapter,
  createOpenAiAdapter,
  createOpenAiResponsesAdapter,
  createTextAdapter,
};

/** A fresh adapter (with fresh state) for one answer in the given wire format. */
export function createAdapter(protocol: ProtocolName, options: AdapterOptions = {}): ProtocolAdapter {
  switch (protocol) {
    case 'openai':
      return createOpenAiAdapter(options);
    case 'text':
      return createTextAdapter();
    case 'ai-sdk':
      return createAiSdkAdapter(options);
    case 'anthropic':
      return createAnthropicAdapter(options);
    case 'openai-responses':
      return createOpenAiResponsesAdapter(options);
    default:
      return createAgentAdapter(options);
  }
}

/**
 * Whether escaped newlines are decoded for a protocol under `decode-escapes`. `auto` decodes
 * only `text`: a `data:` line cannot carry a raw newline (short of multi-line data), so text
 * servers escape it. The other protocols' content is JSON, which carries newlines itself; there
 * a `\n` is literal text (`printf("a\n")` in code) and decoding it would corrupt it. Servers
 * that escape inside their JSON anyway set `on`.
 */
export function shouldDecodeEscapes(protocol: ProtocolName, setting: 'auto' | 'on' | 'off'): boolean {
  if (setting === 'auto') return protocol === 'text';
  return setting === 'on';
}
