/**
 * The vendor streams of test/fixtures/protocols/ (where each comes from: the README there) and
 * what each must give: the think and answer texts, how the answer ends, the named events.
 */
import type { BlockOp, ProtocolName } from '../../src/types.js';

export type VendorProtocol = Extract<ProtocolName, 'ai-sdk' | 'anthropic' | 'openai-responses'>;

export interface VendorFixture {
  file: string;
  protocol: VendorProtocol;
  think: string;
  answer: string;
  /** The op that ends the answer (the first `finish` or `error`). */
  end: Extract<BlockOp, { op: 'finish' | 'error' }>;
  /** Types of the named events the page gets, in order. */
  named?: string[];
}

/** The response headers of an AI SDK UI message stream (`createUIMessageStreamResponse`). */
export const AI_SDK_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-vercel-ai-ui-message-stream': 'v1',
  'x-accel-buffering': 'no',
};

const thinkingUsage = {
  input_tokens: 69,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  output_tokens: 53,
};
const quota =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.';

export const VENDOR_FIXTURES: VendorFixture[] = [
  {
    file: 'ai-sdk-reasoning.sse',
    protocol: 'ai-sdk',
    think: '**Dividing 925 by 5**\n\n925 ÷ 5 = 185, since 5 × 185 = 925.\n\n**Checking the result**',
    answer: '925 ÷ 5 = **185**.\n\nBon appétit 🍰',
    end: { op: 'finish', meta: { model: 'gpt-5-mini', totalTokens: 57 } },
  },
  {
    file: 'ai-sdk-tools.sse',
    protocol: 'ai-sdk',
    think: '',
    answer: 'Let me check the weather.\n\nIt is sunny in San Francisco.',
    end: { op: 'finish' },
    named: [
      'tool-input-start',
      'tool-input-delta',
      'tool-input-available',
      'tool-output-available',
      'source-url',
      'data-weather',
      'file',
    ],
  },
  {
    file: 'ai-sdk-error.sse',
    protocol: 'ai-sdk',
    think: '',
    answer: 'The capital of France is',
    end: { op: 'error', reason: 'Overloaded: the model is busy, try again' },
  },
  {
    file: 'ai-sdk-abort.sse',
    protocol: 'ai-sdk',
    think: '',
    answer: 'Counting: one, two,',
    end: { op: 'finish', meta: { status: 'stopped' } },
  },
  {
    file: 'anthropic-thinking.sse',
    protocol: 'anthropic',
    think: 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185',
    answer: '925 ÷ 5 = 185',
    end: { op: 'finish', meta: { stop_reason: 'end_turn', usage: thinkingUsage } },
  },
  {
    file: 'anthropic-citations.sse',
    protocol: 'anthropic',
    think: '',
    // Consecutive text blocks (split around the citation) joined as they are; the text after
    // the search blocks set off by a blank line.
    answer:
      "I'll search for when Claude Shannon was born.\n\nBased on the search results, Claude Shannon was born on April 30, 1916, in Petoskey, Michigan.",
    end: {
      op: 'finish',
      meta: {
        stop_reason: 'end_turn',
        usage: {
          input_tokens: 15665,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 95,
          server_tool_use: { web_search_requests: 1 },
        },
      },
    },
  },
  {
    file: 'anthropic-redacted.sse',
    protocol: 'anthropic',
    think: 'The user asks for a haiku about the sea.\n\n_Some reasoning was redacted._',
    answer: 'Waves fold into foam,\nsalt wind carries gull voices —\nthe tide keeps its time.',
    end: { op: 'finish', meta: { stop_reason: 'end_turn', usage: { output_tokens: 112 } } },
  },
  {
    file: 'anthropic-error.sse',
    protocol: 'anthropic',
    think: '',
    answer: 'Once upon a',
    end: { op: 'error', reason: 'Overloaded' },
  },
  {
    file: 'openai-responses-reasoning.sse',
    protocol: 'openai-responses',
    think:
      '**Planning the answer**\n\nThe user wants the boiling point of water at altitude.\n\n**Recalling the figure**\n\nAt 3,000 m water boils near 90 °C.',
    answer: 'At sea level water boils at 100 °C; at 3 000 m it boils at about 90 °C — pasta takes longer. 🍝',
    end: {
      op: 'finish',
      meta: {
        usage: {
          input_tokens: 18,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 212,
          output_tokens_details: { reasoning_tokens: 128 },
          total_tokens: 230,
        },
      },
    },
  },
  {
    file: 'openai-responses-failed.sse',
    protocol: 'openai-responses',
    think: '',
    answer: '',
    end: { op: 'error', reason: quota },
  },
  {
    file: 'openai-responses-incomplete.sse',
    protocol: 'openai-responses',
    think: '',
    answer: 'Water boils at 100 °C at sea level. Higher up, the air pressure',
    end: { op: 'error', reason: 'the response is incomplete: max_output_tokens' },
  },
];

/** The bytes of a fixture file, exactly as stored. */
export async function fixtureBytes(file: string): Promise<Uint8Array> {
  const response = await fetch(`/test/fixtures/protocols/${file}`);
  if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
