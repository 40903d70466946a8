/**
 * `<sse-chat protocol="ai-sdk" | "anthropic" | "openai-responses">` against the reference
 * server's fixture endpoint, which replays the vendor streams of test/fixtures/protocols/ byte
 * for byte: whole, re-cut inside multi-byte characters, and cut mid-stream. A cut follows
 * docs/design.md#honest-resume: a stream without ids (ai-sdk, anthropic) is asked again and the
 * new response replaces the text; a Responses stream carries `sequence_number`, so it is resumed
 * and the replayed events are dropped.
 */
import { expect } from '@open-wc/testing';
import { askFixture, insideCharacters, seen } from '../helpers/ask-fixture.js';
import { chatFixture } from '../helpers/chat.js';
import { registerFixture, type FixtureResponse } from '../helpers/fixture.js';
import {
  AI_SDK_HEADERS,
  VENDOR_FIXTURES,
  fixtureBytes,
  type VendorFixture,
  type VendorProtocol,
} from '../helpers/vendor-fixtures.js';

const decoder = new TextDecoder();

/** Headers as each vendor sends them (the AI SDK's names its stream; the fixture default otherwise). */
const headersOf = (protocol: VendorProtocol) => (protocol === 'ai-sdk' ? { headers: AI_SDK_HEADERS } : {});

/** Asks one question of a fixture; what the reader and the page see. */
const ask = (protocol: VendorProtocol, responses: FixtureResponse[]) => askFixture(responses, { protocol });

const expected = (fixture: VendorFixture) => ({
  think: fixture.think,
  answer: fixture.answer,
  status: fixture.end.op === 'finish' ? 'done' : 'error',
  end: fixture.end.op === 'finish' ? { meta: fixture.end.meta } : { error: fixture.end.reason },
  named: fixture.named ?? [],
});

/** The byte offset just past the first occurrence of `marker` (UTF-8). */
function offsetAfter(bytes: Uint8Array, marker: string): number {
  const at = decoder.decode(bytes).indexOf(marker);
  if (at === -1) throw new Error(`no ${JSON.stringify(marker)}`);
  return new TextEncoder().encode(decoder.decode(bytes).slice(0, at + marker.length)).length;
}

const fixtureOf = (file: string) => VENDOR_FIXTURES.find((fixture) => fixture.file === file)!;

describe('<sse-chat> with vendor protocols (fixtures replayed byte for byte)', () => {
  for (const fixture of VENDOR_FIXTURES) {
    it(`${fixture.protocol}: ${fixture.file}, whole and re-cut inside every multi-byte character (else every 97 bytes)`, async () => {
      const bytes = await fixtureBytes(fixture.file);
      const body = decoder.decode(bytes);
      const whole = await ask(fixture.protocol, [{ body, ...headersOf(fixture.protocol) }]);
      expect(seen(whole)).to.deep.equal(expected(fixture));
      if (fixture.answer) expect(whole.h.answerOf().textContent!.trim()).not.to.equal('');
      const inside = insideCharacters(bytes);
      const split = inside.length ? inside : [...bytes.keys()].filter((i) => i > 0 && i % 97 === 0);
      const cut = await ask(fixture.protocol, [{ body, split, ...headersOf(fixture.protocol) }]);
      expect(seen(cut)).to.deep.equal(expected(fixture));
    });
  }

  it('ai-sdk without ids: a cut mid-answer asks again, and the new response replaces the text', async () => {
    const fixture = fixtureOf('ai-sdk-reasoning.sse');
    const bytes = await fixtureBytes(fixture.file);
    const body = decoder.decode(bytes);
    const registered = await registerFixture([
      { body, cut: offsetAfter(bytes, '= **185**') + 10, ...headersOf('ai-sdk') },
      { body, ...headersOf('ai-sdk') },
    ]);
    const h = await chatFixture({ endpoint: registered.url, protocol: 'ai-sdk' });
    const restarts: boolean[] = [];
    h.chat.addEventListener('sse-status', (e) => {
      if (e.detail.restart) restarts.push(e.detail.status === 'streaming');
    });
    await h.ask('q');
    const last = h.chat.messages.at(-1)!;
    expect([last.think, last.answer, last.status]).to.deep.equal([fixture.think, fixture.answer, 'done']);
    expect(last.meta).to.deep.equal((fixture.end as { meta: unknown }).meta);
    expect(restarts).to.deep.equal([false, true]); // reconnecting, then streaming with the text replaced
    expect(h.chat.stats.restarts).to.equal(1);
    const requests = await registered.requests();
    expect(requests.map((r) => r.headers['last-event-id'])).to.deep.equal([null, null]);
  });

  it('ai-sdk with id: lines: a cut is resumed from the last id, the next part still set off', async () => {
    const part = (id: number, chunk: Record<string, unknown>) => `id: ${id}\ndata: ${JSON.stringify(chunk)}\n\n`;
    const events = [
      part(1, { type: 'start' }),
      part(2, { type: 'text-start', id: 'a' }),
      part(3, { type: 'text-delta', id: 'a', delta: 'First part.' }),
      part(4, { type: 'text-end', id: 'a' }),
      part(5, { type: 'text-start', id: 'b' }),
      part(6, { type: 'text-delta', id: 'b', delta: 'Second ' }),
      part(7, { type: 'text-delta', id: 'b', delta: 'part.' }),
      part(8, { type: 'text-end', id: 'b' }),
      part(9, { type: 'finish', messageMetadata: { n: 1 } }),
      'id: 10\ndata: [DONE]\n\n',
    ];
    const registered = await registerFixture([
      { body: events.join(''), cut: events.slice(0, 3).join('').length + 5, ...headersOf('ai-sdk') },
      // A server that resumes: only what follows the offset.
      { body: events.slice(3).join(''), ...headersOf('ai-sdk') },
    ]);
    const h = await chatFixture({ endpoint: registered.url, protocol: 'ai-sdk' });
    await h.ask('q');
    const last = h.chat.messages.at(-1)!;
    expect([last.answer, last.status, last.meta]).to.deep.equal(['First part.\n\nSecond part.', 'done', { n: 1 }]);
    expect(h.chat.stats.restarts).to.equal(0);
    const requests = await registered.requests();
    expect(requests.map((r) => [r.headers['last-event-id'], r.query.offset])).to.deep.equal([
      [null, undefined],
      ['3', '3'],
    ]);
  });

  it('anthropic without ids: a cut mid-answer asks again, and the new response replaces the text', async () => {
    const fixture = fixtureOf('anthropic-citations.sse');
    const bytes = await fixtureBytes(fixture.file);
    const body = decoder.decode(bytes);
    const registered = await registerFixture([{ body, cut: offsetAfter(bytes, 'Based on the search') }, { body }]);
    const h = await chatFixture({ endpoint: registered.url, protocol: 'anthropic' });
    await h.ask('q');
    const last = h.chat.messages.at(-1)!;
    expect([last.answer, last.status, last.meta]).to.deep.equal([
      fixture.answer,
      'done',
      (fixture.end as { meta: unknown }).meta,
    ]);
    expect(h.chat.stats.restarts).to.equal(1);
    expect((await registered.requests()).length).to.equal(2);
  });

  it('anthropic: a break after message_delta, before message_stop, ends the answer done without asking again', async () => {
    const fixture = fixtureOf('anthropic-thinking.sse');
    const bytes = await fixtureBytes(fixture.file);
    const body = decoder.decode(bytes);
    const registered = await registerFixture([
      { body, cut: offsetAfter(bytes, 'event: message_stop') },
      { status: 500, body: 'must not be asked' },
    ]);
    const h = await chatFixture({ endpoint: registered.url, protocol: 'anthropic' });
    await h.ask('q');
    const last = h.chat.messages.at(-1)!;
    expect([last.think, last.answer, last.status]).to.deep.equal([fixture.think, fixture.answer, 'done']);
    expect((await registered.requests()).length).to.equal(1);
  });

  it('openai-responses: a cut is resumed after the last sequence_number, and the replayed events are dropped', async () => {
    const fixture = fixtureOf('openai-responses-reasoning.sse');
    const bytes = await fixtureBytes(fixture.file);
    const body = decoder.decode(bytes);
    const cut = offsetAfter(bytes, 'water boils at 100');
    const registered = await registerFixture([
      { body, cut },
      // The whole stream again, as a relay that cannot start mid-way would send it.
      { body },
    ]);
    const h = await chatFixture({ endpoint: registered.url, protocol: 'openai-responses' });
    await h.ask('q');
    const last = h.chat.messages.at(-1)!;
    expect([last.think, last.answer, last.status]).to.deep.equal([fixture.think, fixture.answer, 'done']);
    expect(last.meta).to.deep.equal((fixture.end as { meta: unknown }).meta);
    expect(h.chat.stats.restarts).to.equal(0);
    const requests = await registered.requests();
    expect(requests.length).to.equal(2);
    // The last complete event before the cut is the one whose sequence number the resume names.
    const before = decoder.decode(bytes.subarray(0, cut));
    const complete = before.slice(0, before.lastIndexOf('\n\n') + 1);
    const lastSeq = [...complete.matchAll(/"sequence_number":(\d+)\}\n/g)].at(-1)![1];
    expect(requests[1]!.headers['last-event-id']).to.equal(lastSeq);
    expect(h.chat.stats.duplicatesDropped).to.equal(Number(lastSeq) + 1);
  });

  it('an error followed by the end marker in the same chunk ends in error (ai-sdk, and openai likewise)', async () => {
    const body =
      'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\ndata: {"error":{"message":"boom"}}\n\ndata: [DONE]\n\n';
    const registered = await registerFixture([{ body }]);
    const h = await chatFixture({ endpoint: registered.url, protocol: 'openai' });
    const ended = await h.ask('q');
    expect([ended.type, h.chat.messages.at(-1)!.answer, h.chat.messages.at(-1)!.status]).to.deep.equal([
      'sse-error',
      'Hi',
      'error',
    ]);
  });
});
