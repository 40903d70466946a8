/**
 * Event-stream bodies in the `agent`, `openai` and `text` protocols, as their servers send them,
 * and what each must give: for `protocol="auto"` to read as the named protocol does
 * (test/unit/auto-protocol.test.ts, test/elements/auto-protocol.test.ts). The vendor streams
 * are the files of test/fixtures/protocols/ (test/helpers/vendor-fixtures.ts).
 */
import type { BlockOp, ProtocolName } from '../../src/types.js';

export interface ClassicStream {
  name: string;
  protocol: Extract<ProtocolName, 'agent' | 'openai' | 'text'>;
  body: string;
  think: string;
  answer: string;
  /** How the answer ends: the `finish` or `error` op; `undefined` for a text stream that just closes. */
  end: Extract<BlockOp, { op: 'finish' | 'error' }> | undefined;
  /** Types of the named events the page gets, in order. */
  named?: string[];
}

const event = (data: unknown, fields: { id?: number; event?: string } = {}) =>
  `${fields.id === undefined ? '' : `id: ${fields.id}\n`}${fields.event ? `event: ${fields.event}\n` : ''}data: ${
    typeof data === 'string' ? data : JSON.stringify(data)
  }\n\n`;

const agent = (id: number, mode: string, rest: Record<string, unknown>) =>
  event({ mode, message_id: 'msg-auto', ...rest }, { id });

const chunk = (delta: Record<string, unknown>, finish_reason: string | null = null) =>
  event({
    id: 'chatcmpl-9',
    object: 'chat.completion.chunk',
    created: 1756426945,
    model: 'qwen3',
    choices: [{ index: 0, delta, finish_reason }],
  });

/** JSON carries real newlines, so the two characters `\n` in code stay two characters (decode-escapes=auto). */
const CODE = 'Use `printf("a\\n")` — naïve 你好 👩‍💻';

export const CLASSIC_STREAMS: ClassicStream[] = [
  {
    name: 'agent: think, answer, an update, finish with meta',
    protocol: 'agent',
    body: [
      agent(1, 'append', { data: [{ id: 1, type: 'think', content: 'Add them.' }] }),
      agent(2, 'append', { data: [{ id: 2, type: 'text', content: '1 + 1 = 3' }] }),
      agent(3, 'update', { data: [{ id: 2, type: 'text', content: '1 + 1 = **2**. ' }] }),
      agent(4, 'append', { data: [{ id: 4, type: 'text', content: CODE }] }),
      agent(5, 'finish', { meta: { status: 'available' } }),
    ].join(''),
    think: 'Add them.',
    answer: `1 + 1 = **2**. ${CODE}`,
    end: { op: 'finish', meta: { status: 'available' } },
  },
  {
    name: 'agent: an error event',
    protocol: 'agent',
    body: [
      agent(1, 'append', { data: [{ id: 1, type: 'text', content: 'Partial' }] }),
      agent(2, 'error', { finish_reason: 'quota exceeded' }),
    ].join(''),
    think: '',
    answer: 'Partial',
    end: { op: 'error', reason: 'quota exceeded' },
  },
  {
    name: 'openai: reasoning_content, a <think> block in content, usage, [DONE]',
    protocol: 'openai',
    body: [
      chunk({ role: 'assistant', content: '' }),
      chunk({ reasoning_content: 'The reader greets. ' }),
      chunk({ content: '<think>Be brief.' }),
      chunk({ content: '</think>Hello! ' }),
      chunk({ content: CODE }),
      chunk({}, 'stop'),
      event({ id: 'chatcmpl-9', object: 'chat.completion.chunk', choices: [], usage: { total_tokens: 9 } }),
      event('[DONE]'),
    ].join(''),
    think: 'The reader greets. Be brief.',
    answer: `Hello! ${CODE}`,
    end: { op: 'finish' },
  },
  {
    name: 'openai: an error object mid-stream',
    protocol: 'openai',
    body: [chunk({ content: 'Partial' }), event({ error: { message: 'rate limited', type: 'requests' } })].join(''),
    think: '',
    answer: 'Partial',
    end: { op: 'error', reason: 'rate limited' },
  },
  {
    name: 'text: a <think> block, escaped newlines (decoded), event: done',
    protocol: 'text',
    body: [
      event('<think>Counting'),
      event(' slowly.</think>'),
      event('One\\ntwo\\n'),
      event('\\tthree — 👩‍💻'),
      event('', { event: 'done' }),
    ].join(''),
    think: 'Counting slowly.',
    answer: 'One\ntwo\n\tthree — 👩‍💻',
    end: { op: 'finish' },
  },
  {
    name: 'text: a named event before the first text, with ids',
    protocol: 'text',
    body: [
      event('{"step":1}', { id: 1, event: 'progress' }),
      event('Hello.', { id: 2 }),
      event('', { id: 3, event: 'done' }),
    ].join(''),
    think: '',
    answer: 'Hello.',
    end: { op: 'finish' },
    named: ['progress'],
  },
  {
    name: 'text: event: error',
    protocol: 'text',
    body: [event('Half'), event('upstream timeout', { event: 'error' })].join(''),
    think: '',
    answer: 'Half',
    end: { op: 'error', reason: 'upstream timeout' },
  },
  {
    name: 'text: a plain-text server that just closes',
    protocol: 'text',
    body: [event('It just'), event(' closes.')].join(''),
    think: '',
    answer: 'It just closes.',
    end: undefined,
  },
];
