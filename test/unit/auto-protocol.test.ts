/**
 * `protocol="auto"`: the detection rules (`detectProtocol`), and the auto adapter fed every
 * stream the named protocols are tested with — the vendor fixtures of test/fixtures/protocols/
 * and the agent, openai and text streams of test/helpers/classic-streams.ts — through the real
 * event-stream decoder, whole and split at every byte: it must give what the named protocol
 * gives, escape decoding included.
 */
import { expect } from '@open-wc/testing';
import {
  createAdapter,
  detectProtocol,
  shouldDecodeEscapes,
  type AutoAdapter,
  type ProtocolSetting,
} from '../../src/protocols/index.js';
import type { SseMessage } from '../../src/types.js';
import {
  decodeEventStream as decode,
  msg,
  runUntilEnd as run,
  type RunOutcome as Outcome,
} from '../helpers/adapters.js';
import { CLASSIC_STREAMS } from '../helpers/classic-streams.js';
import { AI_SDK_HEADERS, VENDOR_FIXTURES, fixtureBytes } from '../helpers/vendor-fixtures.js';

/** Whole and split at every byte, `auto` gives what `protocol` gives whole. */
function expectSameAsNamed(bytes: Uint8Array, protocol: ProtocolSetting, headers?: Headers): Outcome {
  const named = run(protocol, decode([bytes]), headers);
  const want = JSON.stringify(named);
  for (let i = 0; i <= bytes.length; i++) {
    const auto = run('auto', decode(i === 0 ? [bytes] : [bytes.subarray(0, i), bytes.subarray(i)]), headers);
    if (JSON.stringify(auto) !== want) expect(auto, `split at byte ${i}`).to.deep.equal(named);
  }
  return named;
}

const json = (value: unknown, event = '') => msg(JSON.stringify(value), { event });
const detect = (message: SseMessage, headers?: Record<string, string>) =>
  detectProtocol(headers && new Headers(headers), message);

describe('protocol="auto"', () => {
  describe('detectProtocol', () => {
    it('the AI SDK header decides, whatever the first event', () => {
      const headers = { 'X-Vercel-AI-UI-Message-Stream': 'v1' };
      expect(detect(msg('plain text'), headers)).to.equal('ai-sdk');
      expect(detect(json({ mode: 'append' }), headers)).to.equal('ai-sdk');
    });

    it('an Anthropic event name or JSON type → anthropic', () => {
      expect(detect(json({ type: 'message_start', message: {} }, 'message_start'))).to.equal('anthropic');
      expect(detect(json({ type: 'message_start', message: {} }))).to.equal('anthropic');
      expect(detect(msg('{}', { event: 'message_start' }))).to.equal('anthropic');
      // What a stream resumed mid-way (a new run's resume) starts with.
      for (const type of ['content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta'])
        expect(detect(json({ type }, type)), type).to.equal('anthropic');
    });

    it('response.* (and an error event of the vendors’ shape) → openai-responses', () => {
      expect(detect(json({ type: 'response.created', sequence_number: 0 }, 'response.created'))).to.equal(
        'openai-responses',
      );
      expect(detect(json({ type: 'response.output_text.delta', delta: 'a' }))).to.equal('openai-responses');
      expect(
        detect(json({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'error')),
      ).to.equal('openai-responses');
    });

    it('an AI SDK part that starts a stream → ai-sdk, without the header (hidden cross-origin)', () => {
      for (const type of ['start', 'start-step', 'text-start', 'text-delta', 'reasoning-start', 'reasoning-delta'])
        expect(detect(json({ type, id: '0', delta: 'x' })), type).to.equal('ai-sdk');
      // As a named event's name, it says nothing.
      expect(detect(msg('x', { event: 'start' }))).to.equal(undefined);
    });

    it('a JSON object with choices or an error → openai; [DONE] → openai', () => {
      expect(detect(json({ id: 'c', choices: [{ delta: { content: 'a' } }] }))).to.equal('openai');
      expect(detect(json({ choices: [] }))).to.equal('openai');
      expect(detect(json({ error: { message: 'rate limited' } }))).to.equal('openai');
      expect(detect(msg(' [DONE] '))).to.equal('openai');
    });

    it('an agent item (a mode) → agent, error events included', () => {
      for (const mode of ['append', 'overwrite', 'update', 'finish', 'error'])
        expect(detect(json({ mode, message_id: 'm', error: 'x' })), mode).to.equal('agent');
    });

    it('anything else → text, never undefined for a default event; done and error events → text', () => {
      for (const data of [
        'Hello',
        '42',
        '"quoted"',
        '[1,2]',
        'null',
        '{"event":"token","data":"hi"}',
        '{not json',
        '<think>',
      ])
        expect(detect(msg(data)), data).to.equal('text');
      expect(detect(msg('Hi', { event: 'message' }))).to.equal('text');
      expect(detect(msg('', { event: 'done' }))).to.equal('text');
      expect(detect(msg('upstream timeout', { event: 'error' }))).to.equal('text');
    });

    it('any other named event says nothing: the next event decides', () => {
      expect(detect(msg('{"step":1}', { event: 'task_progress' }))).to.equal(undefined);
      expect(detect(msg('', { event: 'ping' }))).to.equal(undefined);
    });
  });

  describe('the auto adapter', () => {
    it('before an event decides: at a resume point, not complete, ends at a clean close (as text) unless the headers say ai-sdk', () => {
      const adapter = createAdapter('auto') as AutoAdapter;
      expect([adapter.protocol, adapter.atResumePoint, adapter.complete, adapter.endsAtClose]).to.deep.equal([
        undefined,
        true,
        false,
        true,
      ]);
      expect(adapter.end()).to.deep.equal([]);
      const aiSdk = createAdapter('auto', { headers: () => new Headers(AI_SDK_HEADERS) });
      expect(aiSdk.endsAtClose).to.equal(false);
    });

    it('passes a named event before the deciding one on as it is, then decides', () => {
      const adapter = createAdapter('auto') as AutoAdapter;
      const progress = adapter.parse(msg('{"step":1}', { event: 'progress', id: '4' }))!;
      expect(progress).to.deep.equal({ seq: 4, named: { type: 'progress', data: '{"step":1}', id: '4' } });
      expect(adapter.protocol).to.equal(undefined);
      expect(adapter.apply(progress)).to.deep.equal([]);
      const event = adapter.parse(json({ choices: [{ delta: { content: 'Hi' } }] }))!;
      expect(adapter.protocol).to.equal('openai');
      expect(adapter.apply(event)).to.deep.equal([{ op: 'append', block: 'answer', text: 'Hi' }]);
      expect(adapter.endsAtClose).to.equal(false);
    });

    it('decides once: a later event of another shape is read by the protocol decided', () => {
      const out = run('auto', [msg('The JSON: '), json({ choices: [] }), msg('', { event: 'done' })]);
      expect(out.answer).to.equal('The JSON: {"choices":[]}');
      expect(out.end).to.deep.equal({ op: 'finish' });
    });

    it('reads the headers of the response when its first event comes, and a fresh adapter decides afresh', () => {
      let headers: Headers | undefined;
      const adapter = createAdapter('auto', { headers: () => headers }) as AutoAdapter;
      headers = new Headers(AI_SDK_HEADERS);
      adapter.parse(json({ type: 'data-weather', data: {} }));
      expect(adapter.protocol).to.equal('ai-sdk');
      headers = undefined;
      const next = createAdapter('auto', { headers: () => headers }) as AutoAdapter;
      next.parse(msg('plain'));
      expect(next.protocol).to.equal('text');
    });

    it('decodes escapes (decode-escapes=auto) only once text is decided', () => {
      expect(run('auto', [msg('a\\nb')]).answer).to.equal('a\nb');
      expect(run('auto', [json({ choices: [{ delta: { content: 'a\\nb' } }] })]).answer).to.equal('a\\nb');
      expect(shouldDecodeEscapes(undefined, 'auto')).to.equal(false);
      expect(shouldDecodeEscapes('auto', 'auto')).to.equal(false);
      expect(shouldDecodeEscapes('auto', 'on')).to.equal(true);
    });

    it('an empty stream is an empty answer: nothing decided, nothing held', () => {
      const out = run('auto', []);
      expect([out.think, out.answer, out.end, out.warnings]).to.deep.equal(['', '', undefined, []]);
    });
  });

  describe('gives what the named protocol gives, whole and split at every byte', () => {
    for (const fixture of VENDOR_FIXTURES) {
      const headers = fixture.protocol === 'ai-sdk' ? new Headers(AI_SDK_HEADERS) : undefined;
      it(`${fixture.protocol}: ${fixture.file}`, async () => {
        const named = expectSameAsNamed(await fixtureBytes(fixture.file), fixture.protocol, headers);
        expect([named.think, named.answer, named.end]).to.deep.equal([fixture.think, fixture.answer, fixture.end]);
      });
      if (headers) {
        it(`${fixture.protocol}: ${fixture.file} without its header (cross-origin, not exposed)`, async () => {
          expectSameAsNamed(await fixtureBytes(fixture.file), fixture.protocol);
        });
      }
    }

    for (const stream of CLASSIC_STREAMS) {
      it(`${stream.name}`, () => {
        const named = expectSameAsNamed(new TextEncoder().encode(stream.body), stream.protocol);
        expect([named.think, named.answer, named.end]).to.deep.equal([stream.think, stream.answer, stream.end]);
        expect(named.named.map((event) => event.type)).to.deep.equal(stream.named ?? []);
        expect(named.warnings).to.deep.equal([]);
      });
    }
  });
});
