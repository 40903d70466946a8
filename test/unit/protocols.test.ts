import { expect } from '@open-wc/testing';
import { parseSeq } from '../../src/protocols/adapter.js';
import { createThinkTagRouter } from '../../src/protocols/think-tags.js';
import { agentEvent, msg, runAdapter } from '../helpers/adapters.js';
import { mismatches } from '../helpers/splits.js';

const append = (id: number, type: string, content: string) => agentEvent('append', [{ id, type, content }]);

describe('protocol adapters', () => {
  describe('agent', () => {
    it('routes think and text items to their blocks and decodes escapes', () => {
      const out = runAdapter('agent', [
        msg(append(1, 'think', 'plan:\\n1. read')),
        msg(append(2, 'text', '# Title\\n\\n```js\\nconst a = "x\\\\y";\\n```')),
        msg(agentEvent('finish', undefined, { meta: { status: 'available' } })),
      ]);
      expect(out.think).to.equal('plan:\n1. read');
      expect(out.answer).to.equal('# Title\n\n```js\nconst a = "x\\y";\n```');
      expect(out.ends).to.deep.equal([{ op: 'finish', meta: { status: 'available' } }]);
      expect(out.warnings).to.deep.equal([]);
    });

    it('takes the seq from the id: field, else from the highest item id, else none', () => {
      const out = runAdapter('agent', [
        msg(append(3, 'text', 'a'), { id: '7' }),
        msg(agentEvent('append', [{ id: 8, type: 'text', content: 'b' }, { id: 9, type: 'text', content: 'c' }])),
        msg(agentEvent('append', [{ type: 'text', content: 'd' }])),
      ]);
      expect(out.seqs).to.deep.equal([7, 9, undefined]);
      expect(out.answer).to.equal('abcd');
    });

    it('overwrite sets the block to the concatenated items of that type', () => {
      const out = runAdapter('agent', [
        msg(append(1, 'text', 'old answer')),
        msg(append(2, 'think', 'old thought')),
        msg(agentEvent('overwrite', [
          { id: 3, type: 'text', content: 'new\\n' },
          { id: 4, type: 'text', content: 'answer' },
        ])),
      ]);
      expect(out.answer).to.equal('new\nanswer');
      expect(out.think).to.equal('old thought');
    });

    it('update replaces the item with the same id, and appends an unknown one', () => {
      const out = runAdapter('agent', [
        msg(append(1, 'text', 'Hello ')),
        msg(append(2, 'text', 'wrld')),
        msg(append(3, 'text', '!')),
        msg(agentEvent('update', [{ id: 2, type: 'text', content: 'world' }])),
        msg(agentEvent('update', [{ id: 9, type: 'text', content: '\\n(edited)' }])),
      ]);
      expect(out.answer).to.equal('Hello world!\n(edited)');
    });

    it('a protocol error event ends with its reason', () => {
      const out = runAdapter('agent', [msg(append(1, 'text', 'partial')), msg(agentEvent('error', undefined, { finish_reason: 'quota exceeded' }))]);
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
        msg(agentEvent('append', [null, { id: 2, type: 'image', content: 'x' }, { id: 3, type: 'TEXT', content: 'y' }, { id: 4, type: 'text', content: 5 }])),
        msg(append(5, 'text', 'survived')),
      ]);
      expect(out.answer).to.equal('survived');
      expect(out.warnings).to.have.length(11);
      expect(out.warnings[0]).to.contain('not valid JSON');
      expect(out.warnings.join('\n')).to.contain('unknown mode "explode"').and.contain('unknown type "image"');
    });

    it('hands named events outside the protocol over as they are', () => {
      const out = runAdapter('agent', [msg('{"step":1}', { event: 'task_progress', id: '4' }), msg(append(5, 'text', 'a'))]);
      expect(out.named).to.deep.equal([{ type: 'task_progress', data: '{"step":1}', id: '4' }]);
      expect(out.seqs).to.deep.equal([4, 5]);
    });

    it('content split across events at every index gives the same text', () => {
      const content = 'Think\\n\\tdeep 你好 👩‍💻 \\\\ \\r\\n end\\';
      const run = (chunks: string[]) => {
        const out = runAdapter('agent', chunks.map((c, i) => msg(append(i + 1, 'text', c))));
        return out.answer;
      };
      expect(mismatches(content, run)).to.deep.equal([]);
      expect(run([content])).to.equal('Think\n\tdeep 你好 👩‍💻 \\ \n end\\');
    });
  });

  describe('openai', () => {
    const chunk = (delta: Record<string, unknown>) => JSON.stringify({ id: 'chatcmpl-1', choices: [{ index: 0, delta }] });

    it('routes content and reasoning_content / reasoning; [DONE] finishes', () => {
      const out = runAdapter('openai', [
        msg(chunk({ role: 'assistant' })),
        msg(chunk({ reasoning_content: 'think ' })),
        msg(chunk({ reasoning: 'more' })),
        msg(chunk({ content: 'Hello\n' })),
        msg(chunk({ content: 'a\\nb' })),
        msg(JSON.stringify({ id: 'chatcmpl-1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })),
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
      expect(runAdapter('openai', [msg(chunk({ content: 'x' }), { id: '12' }), msg('[DONE]', { id: '13' })]).seqs).to.deep.equal([12, 13]);
    });
  });

  describe('text', () => {
    it('routes <think> … </think> to the think block; event: done finishes', () => {
      const out = runAdapter('text', [msg('<think>let me'), msg(' see</think>'), msg('The answer\\n'), msg('', { event: 'done' })]);
      expect(out.think).to.equal('let me see');
      expect(out.answer).to.equal('The answer\n');
      expect(out.ends).to.deep.equal([{ op: 'finish' }]);
    });

    it('event: error ends with its data as the reason', () => {
      expect(runAdapter('text', [msg('upstream timeout', { event: 'error' })]).ends).to.deep.equal([{ op: 'error', reason: 'upstream timeout' }]);
    });

    it('tags split across events at every index route the same', () => {
      const stream = 'Intro <think>step 1\\nstep <2></think>Answer: a < b, </thin> is not a tag<think>again</think> end <thi';
      const run = (chunks: string[]) => {
        const out = runAdapter('text', chunks.map((c) => msg(c)));
        return [out.think, out.answer];
      };
      expect(mismatches(stream, run)).to.deep.equal([]);
      expect(run([stream])).to.deep.equal(['step 1\nstep <2>again', 'Intro Answer: a < b, </thin> is not a tag end <thi']);
    });

    it('the router holds back only a possible partial tag', () => {
      const router = createThinkTagRouter();
      expect(router.push('a <th')).to.deep.equal([{ block: 'answer', text: 'a ' }]);
      expect(router.push('ink>b')).to.deep.equal([{ block: 'think', text: 'b' }]);
      expect(router.push('</')).to.deep.equal([]);
      expect(router.push('x')).to.deep.equal([{ block: 'think', text: '</x' }]);
      expect(router.end()).to.deep.equal([]);
    });
  });

  describe('parseSeq', () => {
    it('accepts non-negative integers only', () => {
      expect(['0', '17', '900719925474099'].map(parseSeq)).to.deep.equal([0, 17, 900719925474099]);
      expect(['', '-1', '1.5', 'abc', ' 3', '1e3'].map(parseSeq)).to.deep.equal([undefined, undefined, undefined, undefined, undefined, undefined]);
    });
  });
});
