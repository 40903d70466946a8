import { expect } from '@open-wc/testing';
import { parseSeq } from '../../src/protocols/adapter.js';
import { createAdapter } from '../../src/protocols/index.js';
import { agentEvent, msg, runAdapter } from '../helpers/adapters.js';
import { mismatches } from '../helpers/splits.js';

const append = (id: number, type: string, content: string) => agentEvent('append', [{ id, type, content }]);
const chunk = (delta: Record<string, unknown>, finish_reason: string | null = null) =>
  JSON.stringify({ id: 'chatcmpl-1', choices: [{ index: 0, delta, finish_reason }] });

/** The [think, answer] of raw text chunks streamed as `text` events or as openai `delta.content`. */
const routed = (protocol: 'text' | 'openai', chunks: string[]): [string, string] => {
  const out = runAdapter(
    protocol,
    chunks.map((c) => msg(protocol === 'text' ? c : chunk({ content: c }))),
  );
  return [out.think, out.answer];
};

describe('protocol adapters', () => {
  describe('agent', () => {
    it('routes think and text items to their blocks and decodes escapes (decode-escapes on)', () => {
      const out = runAdapter(
        'agent',
        [
          msg(append(1, 'think', 'plan:\\n1. read')),
          msg(append(2, 'text', '# Title\\n\\n```js\\nconst a = "x\\\\y";\\n```')),
          msg(agentEvent('finish', undefined, { meta: { status: 'available' } })),
        ],
        'on',
      );
      expect(out.think).to.equal('plan:\n1. read');
      expect(out.answer).to.equal('# Title\n\n```js\nconst a = "x\\y";\n```');
      expect(out.ends).to.deep.equal([{ op: 'finish', meta: { status: 'available' } }]);
      expect(out.warnings).to.deep.equal([]);
    });

    it('takes the seq from the id: field, else from the highest item id, else none', () => {
      const out = runAdapter('agent', [
        msg(append(3, 'text', 'a'), { id: '7' }),
        msg(
          agentEvent('append', [
            { id: 8, type: 'text', content: 'b' },
            { id: 9, type: 'text', content: 'c' },
          ]),
        ),
        msg(agentEvent('append', [{ type: 'text', content: 'd' }])),
      ]);
      expect(out.seqs).to.deep.equal([7, 9, undefined]);
      expect(out.answer).to.equal('abcd');
    });

    it('overwrite sets the block to the concatenated items of that type', () => {
      const out = runAdapter(
        'agent',
        [
          msg(append(1, 'text', 'old answer')),
          msg(append(2, 'think', 'old thought')),
          msg(
            agentEvent('overwrite', [
              { id: 3, type: 'text', content: 'new\\n' },
              { id: 4, type: 'text', content: 'answer' },
            ]),
          ),
        ],
        'on',
      );
      expect(out.answer).to.equal('new\nanswer');
      expect(out.think).to.equal('old thought');
    });

    it('update replaces the item with the same id, and appends an unknown one', () => {
      const out = runAdapter(
        'agent',
        [
          msg(append(1, 'text', 'Hello ')),
          msg(append(2, 'text', 'wrld')),
          msg(append(3, 'text', '!')),
          msg(agentEvent('update', [{ id: 2, type: 'text', content: 'world' }])),
          msg(agentEvent('update', [{ id: 9, type: 'text', content: '\\n(edited)' }])),
        ],
        'on',
      );
      expect(out.answer).to.equal('Hello world!\n(edited)');
    });

    it('a protocol error event ends with its reason', () => {
      const out = runAdapter('agent', [
        msg(append(1, 'text', 'partial')),
        msg(agentEvent('error', undefined, { finish_reason: 'quota exceeded' })),
      ]);
      expect(out.ends).to.deep.equal([{ op: 'error', reason: 'quota exceeded' }]);
      expect(out.answer).to.equal('partial');
    });

    it('skips bad events with one warning each and goes on', () => {
      const out = runAdapter('agent', [
        msg('{not json'),
        msg('[1,2]'),
        msg('"text"'),
        msg('null'),
        msg(agentEvent('explode', [])),
        msg(agentEvent('Append', [{ id: 1, type: 'text', content: 'x' }])),
        msg(JSON.stringify({ mode: 'append', data: 'not an array' })),
        msg(
          agentEvent('append', [
            null,
            { id: 2, type: 'image', content: 'x' },
            { id: 3, type: 'TEXT', content: 'y' },
            { id: 4, type: 'text', content: 5 },
          ]),
        ),
        msg(append(5, 'text', 'survived')),
      ]);
      expect(out.answer).to.equal('survived');
      expect(out.warnings).to.have.length(11);
      expect(out.warnings[0]).to.contain('not valid JSON');
      expect(out.warnings.join('\n')).to.contain('unknown mode "explode"').and.contain('unknown type "image"');
    });

    it('hands named events outside the protocol over as they are', () => {
      const out = runAdapter('agent', [
        msg('{"step":1}', { event: 'task_progress', id: '4' }),
        msg(append(5, 'text', 'a')),
      ]);
      expect(out.named).to.deep.equal([{ type: 'task_progress', data: '{"step":1}', id: '4' }]);
      expect(out.seqs).to.deep.equal([4, 5]);
    });

    it('content split across events at every index gives the same text', () => {
      const content = 'Think\\n\\tdeep 你好 👩‍💻 \\\\ \\r\\n end\\';
      const run = (chunks: string[]) => {
        const out = runAdapter(
          'agent',
          chunks.map((c, i) => msg(append(i + 1, 'text', c))),
          'on',
        );
        return out.answer;
      };
      expect(mismatches(content, run)).to.deep.equal([]);
      expect(run([content])).to.equal('Think\n\tdeep 你好 👩‍💻 \\ \n end\\');
    });
  });

  describe('openai', () => {
    it('routes content and reasoning_content / reasoning; [DONE] finishes', () => {
      const out = runAdapter('openai', [
        msg(chunk({ role: 'assistant' })),
        msg(chunk({ reasoning_content: 'think ' })),
        msg(chunk({ reasoning: 'more' })),
        msg(chunk({ content: 'Hello\n' })),
        msg(chunk({ content: 'a\\nb' })),
        msg(chunk({}, 'stop')),
        msg('[DONE]'),
      ]);
      expect(out.think).to.equal('think more');
      // decode-escapes=auto is off for openai: a literal backslash-n stays.
      expect(out.answer).to.equal('Hello\na\\nb');
      expect(out.ends).to.deep.equal([{ op: 'finish' }]);
    });

    it('decodes escapes when decode-escapes is on', () => {
      expect(runAdapter('openai', [msg(chunk({ content: 'a\\nb' }))], 'on').answer).to.equal('a\nb');
    });

    it('an error object ends with its message', () => {
      const out = runAdapter('openai', [msg(JSON.stringify({ error: { message: 'rate limited' } }))]);
      expect(out.ends).to.deep.equal([{ op: 'error', reason: 'rate limited' }]);
    });

    it('id: lines drive the seq', () => {
      expect(
        runAdapter('openai', [msg(chunk({ content: 'x' }), { id: '12' }), msg('[DONE]', { id: '13' })]).seqs,
      ).to.deep.equal([12, 13]);
    });

    for (const lead of ['', '\n', '\n\n \t']) {
      it(`routes <think> … </think> at the start of content to the think block (lead ${JSON.stringify(lead)}), split at every index`, () => {
        const stream = `${lead}<think>Greet them.\nBriefly.</think>\n\nHello!`;
        const run = (chunks: string[]) => routed('openai', chunks);
        expect(mismatches(stream, run)).to.deep.equal([]);
        expect(run([stream])).to.deep.equal(['Greet them.\nBriefly.', '\n\nHello!']);
      });
    }

    it('a <think> after reasoning_content still opens the think block (the answer has not begun)', () => {
      const out = runAdapter('openai', [
        msg(chunk({ reasoning_content: 'plan. ' })),
        msg(chunk({ content: '\n<think>more. ' })),
        msg(chunk({ reasoning_content: 'aside. ', content: 'done</think>Answer' })),
      ]);
      // Within one chunk, reasoning comes before content.
      expect(out.think).to.equal('plan. more. aside. done');
      expect(out.answer).to.equal('Answer');
      expect(out.atResumePoint).to.deep.equal([true, false, false]);
    });

    it('an unclosed think block stays think text; a partial tag held at the end is flushed', () => {
      expect(routed('openai', ['<think>still thin', 'king</thi'])).to.deep.equal(['still thinking</thi', '']);
      expect(routed('openai', ['\n<thi'])).to.deep.equal(['', '\n<thi']);
    });

    it('is complete once a finish_reason chunk is applied, before [DONE]', () => {
      const out = runAdapter('openai', [
        msg(chunk({ role: 'assistant' })),
        msg(chunk({ content: 'Hi' })),
        msg(chunk({}, 'length')),
        msg(JSON.stringify({ id: 'chatcmpl-1', choices: [], usage: { total_tokens: 9 } })),
        msg('[DONE]'),
      ]);
      expect(out.complete).to.deep.equal([false, false, true, true, true]);
      expect(out.answer).to.equal('Hi');
      expect(runAdapter('openai', [msg(chunk({ content: 'a' })), msg('[DONE]')]).complete).to.deep.equal([
        false,
        false,
      ]);
    });

    it('is complete only when the finish_reason chunk is applied, not when parsed', () => {
      const adapter = createAdapter('openai');
      const event = adapter.parse(msg(chunk({ content: 'end' }, 'stop')))!;
      expect(adapter.complete).to.equal(false);
      expect(adapter.apply(event)).to.deep.equal([{ op: 'append', block: 'answer', text: 'end' }]);
      expect(adapter.complete).to.equal(true);
    });
  });

  describe('<think> only at the start of the answer (text and openai)', () => {
    for (const protocol of ['text', 'openai'] as const) {
      const run = (chunks: string[]) => routed(protocol, chunks);

      it(`${protocol}: a <think> in prose after the answer began stays answer text`, () => {
        const stream = 'Wrap it in <think>…</think>: <think>x</think> end';
        expect(mismatches(stream, run)).to.deep.equal([]);
        expect(run([stream])).to.deep.equal(['', stream]);
      });

      it(`${protocol}: a <think> after the think block closed stays answer text`, () => {
        const stream = '<think>a</think><think>b</think> and <think>c';
        expect(mismatches(stream, run)).to.deep.equal([]);
        expect(run([stream])).to.deep.equal(['a', '<think>b</think> and <think>c']);
      });

      it(`${protocol}: leading whitespace before plain text (or a near-tag) is kept unchanged`, () => {
        for (const stream of ['\n\n  Hello', ' \n<thinking> is not a tag', '\n\n', '\n<thi']) {
          expect(mismatches(stream, run)).to.deep.equal([]);
          expect(run([stream])).to.deep.equal(['', stream]);
        }
      });
    }
  });

  describe('complete and endsAtClose', () => {
    it('only openai can be complete before its end marker', () => {
      expect(runAdapter('text', [msg('a'), msg('b')]).complete).to.deep.equal([false, false]);
      expect(runAdapter('agent', [msg(append(1, 'text', 'a'))]).complete).to.deep.equal([false]);
    });

    it('only text ends its answer at a clean close', () => {
      expect(createAdapter('text').endsAtClose).to.equal(true);
      expect(createAdapter('openai').endsAtClose).to.equal(false);
      expect(createAdapter('agent').endsAtClose).to.equal(false);
    });
  });

  describe('text', () => {
    it('routes <think> … </think> to the think block; event: done finishes', () => {
      const out = runAdapter('text', [
        msg('<think>let me'),
        msg(' see</think>'),
        msg('The answer\\n'),
        msg('', { event: 'done' }),
      ]);
      expect(out.think).to.equal('let me see');
      expect(out.answer).to.equal('The answer\n');
      expect(out.ends).to.deep.equal([{ op: 'finish' }]);
    });

    it('event: error ends with its data as the reason', () => {
      expect(runAdapter('text', [msg('upstream timeout', { event: 'error' })]).ends).to.deep.equal([
        { op: 'error', reason: 'upstream timeout' },
      ]);
    });

    it('tags split across events at every index route the same', () => {
      const stream =
        ' \\n <think>step 1\\nstep <2></think>Answer: a < b, </thin> is not a tag<think>again</think> end <thi';
      const run = (chunks: string[]) => routed('text', chunks);
      expect(mismatches(stream, run)).to.deep.equal([]);
      // The escaped `\n` is text to the router, so the answer has begun and the tag is literal.
      expect(run([stream])).to.deep.equal([
        '',
        ' \n <think>step 1\nstep <2></think>Answer: a < b, </thin> is not a tag<think>again</think> end <thi',
      ]);
      const opening =
        '\n <think>step 1\\nstep <2></think>Answer: a < b, </thin> is not a tag<think>again</think> end <thi';
      expect(mismatches(opening, run)).to.deep.equal([]);
      expect(run([opening])).to.deep.equal([
        'step 1\nstep <2>',
        'Answer: a < b, </thin> is not a tag<think>again</think> end <thi',
      ]);
    });

    it('is at a resume point only while a fresh adapter would route the rest the same', () => {
      expect(runAdapter('text', [msg(''), msg('\n'), msg('Hi')]).atResumePoint).to.deep.equal([true, false, false]);
      expect(runAdapter('text', [msg('<think>a'), msg('</think>'), msg('b')]).atResumePoint).to.deep.equal([
        false,
        false,
        false,
      ]);
      expect(
        runAdapter('text', [msg('x', { event: 'progress' }), msg('Hi'), msg('', { event: 'done' })]).atResumePoint,
      ).to.deep.equal([true, false, false]);
    });
  });

  describe('error reasons', () => {
    const reasons = (protocol: 'agent' | 'openai' | 'text', data: string, event = '') =>
      runAdapter(protocol, [msg(data, { event })]).ends.map((end) => (end.op === 'error' ? end.reason : ''));

    it('take the first non-empty reason the server gave', () => {
      expect(
        reasons('agent', agentEvent('error', undefined, { finish_reason: '', error: 'boom', message: 'later' })),
      ).to.deep.equal(['boom']);
      expect(reasons('openai', JSON.stringify({ error: 'plain string' }))).to.deep.equal(['plain string']);
    });

    it('fall back to a generic reason when there is none', () => {
      const generic = ['the server reported an error'];
      expect(reasons('agent', agentEvent('error', undefined, { error: 42 }))).to.deep.equal(generic);
      expect(reasons('openai', JSON.stringify({ error: { code: 500 } }))).to.deep.equal(generic);
      expect(reasons('openai', JSON.stringify({ error: '' }))).to.deep.equal(generic);
      expect(reasons('text', '', 'error')).to.deep.equal(generic);
    });
  });

  describe('parseSeq', () => {
    it('accepts non-negative integers only', () => {
      expect(['0', '17', '900719925474099'].map(parseSeq)).to.deep.equal([0, 17, 900719925474099]);
      expect(['', '-1', '1.5', 'abc', ' 3', '1e3'].map(parseSeq)).to.deep.equal([
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
    });
  });
});
