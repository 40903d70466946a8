/**
 * The ai-sdk, anthropic and openai-responses adapters. Each vendor fixture (its bytes exactly as
 * the vendor sends them) goes through the real event-stream decoder and then the adapter, whole
 * and split at every byte; the rules are then checked one by one on small streams.
 */
import { expect } from '@open-wc/testing';
import { REDACTED_THINKING } from '../../src/protocols/anthropic.js';
import { createAdapter, shouldDecodeEscapes } from '../../src/protocols/index.js';
import type { SseMessage } from '../../src/types.js';
import { decodeEventStream as decode, msg, runUntilEnd as run } from '../helpers/adapters.js';
import { mismatches } from '../helpers/splits.js';
import { VENDOR_FIXTURES, fixtureBytes, type VendorProtocol } from '../helpers/vendor-fixtures.js';

const aiSdk = (...parts: Array<Record<string, unknown> | string>) =>
  parts.map((part) => msg(typeof part === 'string' ? part : JSON.stringify(part)));
/** Anthropic and Responses events: the JSON `type` is also the `event:` name. */
const typed = (...events: Array<Record<string, unknown> & { type: string }>) =>
  events.map((event) => msg(JSON.stringify(event), { event: event.type }));

describe('vendor protocol adapters', () => {
  describe('vendor fixtures, through the event-stream decoder, whole and split at every byte', () => {
    for (const fixture of VENDOR_FIXTURES) {
      it(`${fixture.protocol}: ${fixture.file}`, async () => {
        const bytes = await fixtureBytes(fixture.file);
        const whole = run(fixture.protocol, decode([bytes]));
        expect(whole.think, 'think').to.equal(fixture.think);
        expect(whole.answer, 'answer').to.equal(fixture.answer);
        expect(whole.end, 'end').to.deep.equal(fixture.end);
        expect(
          whole.named.map((event) => event.type),
          'named',
        ).to.deep.equal(fixture.named ?? []);
        for (const event of whole.named) {
          expect(JSON.parse(event.data)).to.include({ type: event.type });
          expect(event.id).to.equal('');
        }
        expect(whole.warnings, 'warnings').to.deep.equal([]);
        const want = JSON.stringify(whole);
        for (let i = 0; i <= bytes.length; i++) {
          const split = run(fixture.protocol, decode([bytes.subarray(0, i), bytes.subarray(i)]));
          if (JSON.stringify(split) !== want) expect(split, `split at byte ${i}`).to.deep.equal(whole);
        }
      });
    }

    it('the end marker follows the content: a break just before it ends done where the protocol says so', async () => {
      // anthropic: complete from message_delta on; ai-sdk and Responses end at finish / response.completed.
      const thinking = run('anthropic', decode([await fixtureBytes('anthropic-thinking.sse')]));
      expect(thinking.complete.at(-2)).to.equal(true);
      expect(thinking.complete.at(-3)).to.equal(false);
      const reasoning = run('ai-sdk', decode([await fixtureBytes('ai-sdk-reasoning.sse')]));
      expect(reasoning.complete.every((complete) => !complete)).to.equal(true);
    });

    it('openai-responses: every event carries its sequence_number as seq', async () => {
      const bytes = await fixtureBytes('openai-responses-reasoning.sse');
      const out = run('openai-responses', decode([bytes]));
      const events = new TextDecoder().decode(bytes).match(/^event: /gm)!.length;
      expect(out.seqs).to.deep.equal(Array.from({ length: events }, (_, i) => i));
    });
  });

  describe('ai-sdk', () => {
    it('routes reasoning and text deltas; [DONE] alone finishes', () => {
      const out = run(
        'ai-sdk',
        aiSdk(
          { type: 'reasoning-delta', id: 'r', delta: 'hm' },
          { type: 'text-delta', id: 't', delta: 'Hi' },
          '[DONE]',
        ),
      );
      expect([out.think, out.answer]).to.deep.equal(['hm', 'Hi']);
      expect(out.end).to.deep.equal({ op: 'finish' });
    });

    it('sets a part off from the one before it by a blank line, per block; empty parts add nothing', () => {
      const out = run(
        'ai-sdk',
        aiSdk(
          { type: 'text-start', id: 'a' },
          { type: 'text-delta', id: 'a', delta: 'one' },
          { type: 'text-delta', id: 'a', delta: ' two' },
          { type: 'text-end', id: 'a' },
          { type: 'text-start', id: 'empty' },
          { type: 'text-end', id: 'empty' },
          { type: 'reasoning-delta', id: 'r1', delta: 'first' },
          { type: 'text-delta', id: 'b', delta: 'three' },
          { type: 'reasoning-delta', id: 'r2', delta: 'second' },
          { type: 'text-delta', id: 'b', delta: '' },
          { type: 'text-delta', id: 'b', delta: ' four' },
        ),
      );
      expect(out.answer).to.equal('one two\n\nthree four');
      expect(out.think).to.equal('first\n\nsecond');
    });

    it('merges the metadata of start, message-metadata and finish into the finish meta', () => {
      const out = run(
        'ai-sdk',
        aiSdk(
          { type: 'start', messageId: 'm', messageMetadata: { a: 1, b: 1 } },
          { type: 'message-metadata', messageMetadata: { b: 2 } },
          { type: 'message-metadata', messageMetadata: 'not an object' },
          { type: 'finish', messageMetadata: { c: 3 } },
        ),
      );
      expect(out.end).to.deep.equal({ op: 'finish', meta: { a: 1, b: 2, c: 3 } });
      expect(out.named).to.deep.equal([]);
    });

    it('abort ends the answer as the server stop does; error fails it with errorText, or a generic reason', () => {
      expect(run('ai-sdk', aiSdk({ type: 'abort' })).end).to.deep.equal({ op: 'finish', meta: { status: 'stopped' } });
      expect(run('ai-sdk', aiSdk({ type: 'error', errorText: 'boom' })).end).to.deep.equal({
        op: 'error',
        reason: 'boom',
      });
      expect(run('ai-sdk', aiSdk({ type: 'error' })).end).to.deep.equal({
        op: 'error',
        reason: 'the server reported an error',
      });
    });

    it('hands every other part to the page as a named event of its type, never as text', () => {
      const parts = [
        { type: 'tool-approval-request', approvalId: 'a', toolCallId: 't' },
        { type: 'reasoning-file', url: 'data:image/png;base64,AA', mediaType: 'image/png' },
        { type: 'custom', kind: 'openai.compaction' },
        { type: 'tool-input-error', toolCallId: 't', toolName: 'x', input: {}, errorText: 'bad input' },
        { type: 'data-step', data: { n: 1 } },
        { type: 'data-text-start', data: {} },
      ];
      const out = run('ai-sdk', [
        ...parts.map((part, i) => msg(JSON.stringify(part), { id: String(i + 1) })),
        msg('{"step":1}', { event: 'task_progress', id: '9' }),
      ]);
      expect(out.named).to.deep.equal([
        ...parts.map((part, i) => ({ type: part.type, data: JSON.stringify(part), id: String(i + 1) })),
        { type: 'task_progress', data: '{"step":1}', id: '9' },
      ]);
      expect(out.seqs).to.deep.equal([1, 2, 3, 4, 5, 6, 9]);
      expect([out.think, out.answer, out.end, out.warnings]).to.deep.equal(['', '', undefined, []]);
    });

    it('takes the seq from id: lines only', () => {
      const out = run('ai-sdk', [
        msg(JSON.stringify({ type: 'text-delta', id: 't', delta: 'a' }), { id: '4' }),
        msg(JSON.stringify({ type: 'text-delta', id: 't', delta: 'b' })),
        msg('[DONE]', { id: '6' }),
      ]);
      expect(out.seqs).to.deep.equal([4, undefined, 6]);
    });
  });

  describe('anthropic', () => {
    it('ignores ping, message_start, signature and input_json deltas, content_block_stop and unknown events', () => {
      const out = run(
        'anthropic',
        typed(
          { type: 'message_start', message: { id: 'msg_1', content: [] } },
          { type: 'ping' },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation: {} } },
          { type: 'content_block_stop', index: 0 },
          { type: 'content_block_delta', index: 1, delta: { type: 'signature_delta', signature: 'sig' } },
          { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"a"' } },
          { type: 'some_future_event', text: 'not shown' },
        ),
      );
      expect([out.think, out.answer, out.end, out.named, out.warnings]).to.deep.equal(['', 'Hi', undefined, [], []]);
    });

    it('a block start may carry text already; thinking blocks are set off from each other', () => {
      const out = run(
        'anthropic',
        typed(
          { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: 'first' } },
          { type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'opaque' } },
          { type: 'content_block_start', index: 2, content_block: { type: 'thinking', thinking: '' } },
          { type: 'content_block_delta', index: 2, delta: { type: 'thinking_delta', thinking: 'third' } },
          { type: 'content_block_start', index: 3, content_block: { type: 'text', text: 'Pre' } },
          { type: 'content_block_delta', index: 3, delta: { type: 'text_delta', text: 'filled' } },
        ),
      );
      expect(out.think).to.equal(`first\n\n${REDACTED_THINKING}\n\nthird`);
      expect(out.answer).to.equal('Prefilled');
      expect(out.think).not.to.contain('opaque');
    });

    it('joins consecutive text blocks as they are, and sets text after a tool block off', () => {
      const text = (index: number, value: string) => [
        { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index, delta: { type: 'text_delta', text: value } },
      ];
      const out = run(
        'anthropic',
        typed(
          { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'f', input: {} } },
          ...text(1, 'A'),
          ...text(2, ' b'),
          { type: 'content_block_start', index: 3, content_block: { type: 'server_tool_use', id: 's', input: {} } },
          { type: 'content_block_start', index: 4, content_block: { type: 'web_search_tool_result', content: [] } },
          ...text(5, 'C'),
          ...text(6, '.'),
        ),
      );
      // The tool block before any text sets nothing off.
      expect(out.answer).to.equal('A b\n\nC.');
    });

    it('message_delta makes the answer complete and brings stop_reason and usage to the finish meta', () => {
      const out = run(
        'anthropic',
        typed(
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } },
          {
            type: 'message_delta',
            delta: { stop_reason: 'max_tokens', stop_sequence: null },
            usage: { output_tokens: 1 },
          },
          { type: 'message_stop' },
        ),
      );
      expect(out.complete).to.deep.equal([false, true, true]);
      expect(out.end).to.deep.equal({ op: 'finish', meta: { stop_reason: 'max_tokens', usage: { output_tokens: 1 } } });
    });

    it('an error event fails the answer with error.message, else its error type', () => {
      const error = (body: Record<string, unknown>) => run('anthropic', typed({ type: 'error', ...body })).end;
      expect(error({ error: { type: 'overloaded_error', message: 'Overloaded' } })).to.deep.equal({
        op: 'error',
        reason: 'Overloaded',
      });
      expect(error({ error: { type: 'api_error' } })).to.deep.equal({ op: 'error', reason: 'api_error' });
      expect(error({})).to.deep.equal({ op: 'error', reason: 'the server reported an error' });
    });

    it('is at a resume point only before the first text: a fresh adapter would not set the next block off', () => {
      const out = run(
        'anthropic',
        typed(
          { type: 'message_start', message: {} },
          { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'a' } },
        ),
      );
      expect(out.atResumePoint).to.deep.equal([true, true, false]);
    });
  });

  describe('openai-responses', () => {
    const delta = (type: string, text: string, extra: Record<string, unknown> = {}) => ({
      type,
      delta: text,
      item_id: 'item',
      ...extra,
    });

    it('routes reasoning summary and reasoning text to think, output text to the answer; other types are ignored', () => {
      const out = run(
        'openai-responses',
        typed(
          delta('response.reasoning_text.delta', 'raw ', { item_id: 'rs', content_index: 0 }),
          delta('response.reasoning_text.delta', 'chain', { item_id: 'rs', content_index: 0 }),
          delta('response.reasoning_summary_text.delta', 'summary', { item_id: 'rs2', summary_index: 0 }),
          delta('response.output_text.delta', 'Hello', { content_index: 0 }),
          delta('response.output_text.delta', ', ', { content_index: 1 }),
          delta('response.refusal.delta', 'no'),
          delta('response.function_call_arguments.delta', '{"a":1}'),
          delta('response.output_text.delta', 'second item', { item_id: 'item2' }),
          { type: 'response.output_text.done', text: 'ignored' },
        ),
      );
      expect(out.think).to.equal('raw chain\n\nsummary');
      // Content parts of one item are joined as they are; another item is set off.
      expect(out.answer).to.equal('Hello, \n\nsecond item');
      expect([out.end, out.warnings]).to.deep.equal([undefined, []]);
    });

    it('takes the seq from id: when sent, else from sequence_number', () => {
      const out = run('openai-responses', [
        msg(JSON.stringify({ type: 'response.created', sequence_number: 0 })),
        msg(JSON.stringify({ type: 'response.in_progress', sequence_number: 1 }), { id: '41' }),
        msg(JSON.stringify({ type: 'response.output_text.delta', delta: 'a', sequence_number: -2 })),
        msg(JSON.stringify({ type: 'response.output_text.delta', delta: 'b', sequence_number: '3' })),
        msg(JSON.stringify({ type: 'response.output_text.delta', delta: 'c' })),
      ]);
      expect(out.seqs).to.deep.equal([0, 41, undefined, 3, undefined]);
    });

    it('response.failed, response.incomplete and error fail the answer in words', () => {
      const end = (event: Record<string, unknown> & { type: string }) => run('openai-responses', typed(event)).end;
      expect(
        end({ type: 'response.failed', response: { error: { code: 'rate_limit_exceeded', message: 'Slow down' } } }),
      ).to.deep.equal({ op: 'error', reason: 'Slow down' });
      expect(end({ type: 'response.failed', response: { error: { code: 'server_error' } } })).to.deep.equal({
        op: 'error',
        reason: 'server_error',
      });
      expect(
        end({ type: 'response.incomplete', response: { incomplete_details: { reason: 'content_filter' } } }),
      ).to.deep.equal({ op: 'error', reason: 'the response is incomplete: content_filter' });
      expect(end({ type: 'response.incomplete', response: {} })).to.deep.equal({
        op: 'error',
        reason: 'the response is incomplete',
      });
      // The error event as the API reference shows it, and as recorded streams carry it.
      expect(end({ type: 'error', code: 'ERR_SOMETHING', message: 'Something went wrong', param: null })).to.deep.equal(
        {
          op: 'error',
          reason: 'Something went wrong',
        },
      );
      expect(end({ type: 'error', error: { code: 'x', message: 'nested' } })).to.deep.equal({
        op: 'error',
        reason: 'nested',
      });
    });

    it('response.completed ends with its usage in meta', () => {
      expect(
        run('openai-responses', typed({ type: 'response.completed', response: { usage: { total_tokens: 3 } } })).end,
      ).to.deep.equal({ op: 'finish', meta: { usage: { total_tokens: 3 } } });
    });
  });

  describe('all three', () => {
    const text = '# Title\n\nnaïve 你好 👩‍💻 `a\\nb` done\n';
    const wrap: Record<VendorProtocol, (chunks: string[]) => SseMessage[]> = {
      'ai-sdk': (chunks) => aiSdk(...chunks.map((delta) => ({ type: 'text-delta', id: 't', delta }))),
      anthropic: (chunks) =>
        typed(
          ...chunks.map((text) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
        ),
      'openai-responses': (chunks) =>
        typed(
          ...chunks.map((delta) => ({ type: 'response.output_text.delta', item_id: 'm', content_index: 0, delta })),
        ),
    };

    for (const protocol of ['ai-sdk', 'anthropic', 'openai-responses'] as const) {
      it(`${protocol}: text split across deltas at every index gives the same answer, escapes not decoded`, () => {
        const answer = (chunks: string[]) => run(protocol, wrap[protocol](chunks)).answer;
        expect(mismatches(text, answer)).to.deep.equal([]);
        expect(answer([text])).to.equal(text);
        expect(shouldDecodeEscapes(protocol, 'auto')).to.equal(false);
      });

      it(`${protocol}: skips bad events with one warning each and goes on`, () => {
        const out = run(protocol, [
          msg('{not json'),
          msg('[1,2]'),
          msg('null'),
          msg('{"no":"type"}'),
          msg('{"type":42}'),
          ...wrap[protocol](['survived']),
        ]);
        expect(out.answer).to.equal('survived');
        expect(out.warnings).to.have.length(5);
        expect(out.warnings[0]).to.contain('not valid JSON');
        expect(out.warnings[1]).to.contain('not a JSON object');
        expect(out.warnings[3]).to.contain('without a "type"');
      });

      it(`${protocol}: a delta whose text is not a string adds nothing, and does not throw`, () => {
        const out = run(protocol, wrap[protocol](['a']).concat(wrap[protocol](['b'])));
        expect(out.answer).to.equal('ab');
        const bad = wrap[protocol](['x']).map((m) => ({ ...m, data: m.data.replace('"x"', '{"no":1}') }));
        expect(run(protocol, bad)).to.deep.include({ answer: '', warnings: [] });
      });

      it(`${protocol}: a fresh adapter each time`, () => {
        const first = createAdapter(protocol);
        for (const event of wrap[protocol](['a'])) first.apply(first.parse(event)!);
        expect(first.atResumePoint).to.equal(false);
        expect(createAdapter(protocol).atResumePoint).to.equal(true);
        expect(createAdapter(protocol).endsAtClose).to.equal(false);
      });
    }
  });
});
