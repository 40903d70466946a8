/**
 * Custom adapters (`protocol` given an `AdapterSpec` or a factory of one): the defaults of what a
 * spec leaves out, what it overrides, and a fresh state per answer.
 */
import { expect } from '@open-wc/testing';
import { createMessageModel } from '../../src/message-model.js';
import { createAdapter, type AdapterSpec, type CustomProtocol } from '../../src/protocols/index.js';
import type { BlockOp, SseMessage } from '../../src/types.js';
import { msg } from '../helpers/adapters.js';
import { mismatches } from '../helpers/splits.js';

/** A stateless format: `{"t": "…"}` is text, `{"end": true}` ends. */
const tokens: AdapterSpec = {
  parse({ data }) {
    const { t, end } = JSON.parse(data);
    if (end) return { ops: [{ op: 'finish' }] };
    return { text: t };
  },
};

/** Runs messages through a fresh adapter and a model (no escape decoding); the think, answer and ops out. */
function run(protocol: CustomProtocol, messages: SseMessage[]) {
  const adapter = createAdapter(protocol);
  const model = createMessageModel({ decodeEscapes: false });
  const ends: BlockOp[] = [];
  const seqs: Array<number | undefined> = [];
  const atResumePoint: boolean[] = [];
  for (const message of messages) {
    const event = adapter.parse(message);
    if (!event) continue;
    seqs.push(event.seq);
    for (const op of adapter.apply(event)) if (!model.apply(op) && op.op !== 'append') ends.push(op);
    atResumePoint.push(adapter.atResumePoint);
  }
  for (const op of adapter.end()) model.apply(op);
  return { think: model.think, answer: model.answer, ends, seqs, atResumePoint, adapter };
}

const t = (text: string, id = '') => msg(JSON.stringify({ t: text }), { id });

describe('custom adapters', () => {
  it('a spec with parse only: text goes to the answer, a <think> block at its start to think, split anywhere', () => {
    const stream = '\n<think>Plan it.</think>Done: a < b.';
    const routed = (chunks: string[]) => {
      const out = run(
        tokens,
        chunks.map((chunk) => t(chunk)),
      );
      return [out.think, out.answer];
    };
    expect(mismatches(stream, routed)).to.deep.equal([]);
    expect(routed([stream])).to.deep.equal(['Plan it.', 'Done: a < b.']);
  });

  it('the defaults: ops as given, complete false, endsAtClose false, at a resume point while nothing is held', () => {
    const out = run(tokens, [t('<thi'), t('nk>x</think>'), t('y'), msg('{"end":true}')]);
    expect(out.ends).to.deep.equal([{ op: 'finish' }]);
    expect(out.atResumePoint).to.deep.equal([false, false, false, false]);
    expect(run(tokens, [msg('{"end":true}')]).atResumePoint).to.deep.equal([true]);
    expect([out.adapter.complete, out.adapter.endsAtClose]).to.deep.equal([false, false]);
    // A partial tag held at the end is flushed by end().
    expect(run(tokens, [t('a <thi')]).answer).to.equal('a <thi');
    expect(run(tokens, [t('<think>unclosed')]).think).to.equal('unclosed');
  });

  it('an event without a seq takes the id: line as its sequence number; its own seq wins', () => {
    const seqOwn: AdapterSpec = { parse: ({ data }) => ({ seq: Number(data), text: 'x' }) };
    expect(run(tokens, [t('a', '7'), t('b'), t('c', 'x1')]).seqs).to.deep.equal([7, undefined, undefined]);
    expect(run(seqOwn, [msg('3', { id: '9' })]).seqs).to.deep.equal([3]);
  });

  it('an event parse returns nothing for is skipped; a parse that throws throws (the controller skips it)', () => {
    const quiet: AdapterSpec = { parse: ({ data }) => (data === 'skip' ? undefined : { text: data }) };
    expect(run(quiet, [msg('skip'), msg('kept')]).answer).to.equal('kept');
    expect(() => createAdapter(tokens).parse(msg('{not json'))).to.throw(SyntaxError);
  });

  it('named events, think appends and errors pass through as ops', () => {
    const spec: AdapterSpec = {
      parse({ event, data, id }) {
        if (event) return { named: { type: event, data, id } };
        if (data.startsWith('?')) return { ops: [{ op: 'append', block: 'think', text: data.slice(1) }] };
        if (data.startsWith('!')) return { ops: [{ op: 'error', reason: data.slice(1) }] };
        return { text: data };
      },
    };
    const out = run(spec, [msg('{"p":1}', { event: 'progress' }), msg('?hm'), msg('ok'), msg('!boom')]);
    expect([out.think, out.answer, out.ends]).to.deep.equal(['hm', 'ok', [{ op: 'error', reason: 'boom' }]]);
  });

  it('an event that says the content is over makes the adapter complete, once applied', () => {
    const spec: AdapterSpec = { parse: ({ data }) => (data === 'over' ? { complete: true } : { text: data }) };
    const adapter = createAdapter(spec);
    const over = adapter.parse(msg('over'))!;
    adapter.apply(adapter.parse(msg('a'))!);
    expect(adapter.complete).to.equal(false);
    adapter.apply(over);
    expect(adapter.complete).to.equal(true);
    expect(createAdapter(spec).complete).to.equal(false);
  });

  it('what a spec gives is used: its apply, end and flags, read live (getters work)', () => {
    let done = false;
    const spec: AdapterSpec = {
      parse: ({ data }) => ({ text: data }),
      apply(event) {
        if (event.text === 'stop') done = true;
        return [{ op: 'append', block: 'think', text: event.text! }];
      },
      end: () => [{ op: 'append', block: 'think', text: '.' }],
      get complete() {
        return done;
      },
      get atResumePoint() {
        return !done;
      },
      endsAtClose: true,
    };
    const out = run(spec, [msg('<think>a'), msg('stop')]);
    // Its own apply: no <think> routing.
    expect([out.think, out.answer, out.atResumePoint]).to.deep.equal(['<think>astop.', '', [true, false]]);
    expect([out.adapter.complete, out.adapter.endsAtClose]).to.deep.equal([true, true]);
  });

  it('a factory is called for every adapter: its state is fresh per answer (and per restart)', () => {
    let made = 0;
    const counting: CustomProtocol = () => {
      made++;
      let n = 0;
      return { parse: ({ data }) => ({ text: `${++n}:${data} ` }) };
    };
    expect(run(counting, [msg('a'), msg('b')]).answer).to.equal('1:a 2:b ');
    expect(run(counting, [msg('c')]).answer).to.equal('1:c ');
    expect(made).to.equal(2);
    // A spec object is shared, the wrapper around it is not: the <think> routing starts afresh.
    const first = createAdapter(tokens);
    first.apply(first.parse(t('<think>x'))!);
    expect([first.atResumePoint, createAdapter(tokens).atResumePoint]).to.deep.equal([false, true]);
  });
});
