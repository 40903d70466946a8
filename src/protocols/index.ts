import type { ProtocolName } from '../types.js';
import type { AdapterOptions, ProtocolAdapter } from './adapter.js';
import { createAgentAdapter } from './agent.js';
import { createAiSdkAdapter } from './ai-sdk.js';
import { createAnthropicAdapter } from './anthropic.js';
import { createAutoAdapter } from './auto.js';
import { createCustomAdapter, type CustomProtocol } from './custom.js';
import { createOpenAiAdapter } from './openai.js';
import { createOpenAiResponsesAdapter } from './openai-responses.js';
import { createTextAdapter } from './text.js';

export type { AdapterOptions, ParsedEvent, ProtocolAdapter, Warn } from './adapter.js';
export type { AutoAdapter } from './auto.js';
export type { AdapterSpec, CustomProtocol } from './custom.js';
export { detectProtocol } from './detect.js';
export {
  createAgentAdapter,
  createAiSdkAdapter,
  createAnthropicAdapter,
  createAutoAdapter,
  createCustomAdapter,
  createOpenAiAdapter,
  createOpenAiResponsesAdapter,
  createTextAdapter,
};

/** What the `protocol` setting takes: a wire format's name, `auto` (decided per response), or a custom adapter. */
export type ProtocolSetting = ProtocolName | 'auto' | CustomProtocol;

/** What `createAdapter` takes: the adapters' options, and for `auto` the headers of the response it reads. */
export interface CreateAdapterOptions extends AdapterOptions {
  /** The headers of the response being read, for `auto` (read when its first event comes). */
  headers?: () => Headers | undefined;
}

/**
 * A fresh adapter (with fresh state) for one answer in the given wire format; the controller
 * makes one per answer and one per restart.
 */
export function createAdapter(protocol: ProtocolSetting, options: CreateAdapterOptions = {}): ProtocolAdapter {
  if (typeof protocol !== 'string') return createCustomAdapter(protocol);
  switch (protocol) {
    case 'auto':
      return createAutoAdapter((name) => createAdapter(name, options), options.headers);
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
 * that escape inside their JSON anyway set `on`. Under `protocol="auto"`, `protocol` is the one
 * decided (`undefined` before); a custom adapter's content is not decoded under `auto`.
 */
export function shouldDecodeEscapes(protocol: ProtocolSetting | undefined, setting: 'auto' | 'on' | 'off'): boolean {
  if (setting === 'auto') return protocol === 'text';
  return setting === 'on';
}
