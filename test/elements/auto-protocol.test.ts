/**
 * `<sse-chat protocol="auto">` against the reference server's fixture endpoint: every stream
 * the named protocols are tested with — the vendor fixtures of test/fixtures/protocols/ (the AI
 * SDK's with its header, and without it) and the agent, openai and text streams of
 * test/helpers/classic-streams.ts — gives what the named protocol gives, whole and re-cut inside
 * multi-byte characters; a restart decides again from its new response, a resume keeps the
 * protocol decided.
 */
import { expect } from '@open-wc/testing';
import { askFixture, seen, type Seen } from '../helpers/ask-fixture.js';
import { CLASSIC_STREAMS, type ClassicStream } from '../helpers/classic-streams.js';
import type { FixtureResponse } from '../helpers/fixture.js';
import { AI_SDK_HEADERS, VENDOR_FIXTURES, fixtureBytes, type VendorFixture } from '../helpers/vendor-fixtures.js';

const decoder = new TextDecoder();

/** Asks one question of a fixture with a protocol; the request count too. */
async function ask(protocol: string, responses: FixtureResponse[]) {
  const asked = await askFixture(responses, { protocol });
  return { ...asked, requests: (await asked.fixture.requests()).length };
}

const expected = (fixture: VendorFixture | ClassicStream): Seen => ({
  think: fixture.think,
  answer: fixture.answer,
  status: fixture.end?.op === 'error' ? 'error' : 'done',
  end: fixture.end?.op === 'error' ? { error: fixture.end.reason } : { meta: fixture.end?.meta },
  named: fixture.named ?? [],
});

/** Every offset that falls inside a UTF-8 character (before a continuation byte); else every 97 bytes. */
function recut(bytes: Uint8Array): number[] {
  const inside = [...bytes.keys()].filter((i) => i > 0 && (bytes[i]! & 0xc0) === 0x80);
  return inside.length ? inside : [...bytes.keys()].filter((i) => i > 0 && i % 97 === 0);
}

/** The byte offset just past the first occurrence of `marker` (UTF-8). */
function offsetAfter(bytes: Uint8Array, marker: string): number {
  const text = decoder.decode(bytes);
  const at = text.indexOf(marker);
  if (at === -1) throw new Error(`no ${JSON.stringify(marker)}`);
  return new TextEncoder().encode(text.slice(0, at + marker.length)).length;
}

describe('<sse-chat protocol="auto">', () => {
  for (const fixture of VENDOR_FIXTURES) {
    const withHeader = fixture.protocol === 'ai-sdk' ? [true, false] : [false];
    for (const header of withHeader) {
      const headers = header ? { headers: AI_SDK_HEADERS } : {};
      const label = fixture.protocol === 'ai-sdk' ? (header ? ' (its header)' : ' (no header: its first part)') : '';
      it(`${fixture.protocol}: ${fixture.file}${label}, whole and re-cut, as protocol="${fixture.protocol}"`, async () => {
        const bytes = await fixtureBytes(fixture.file);
        const body = decoder.decode(bytes);
        expect(seen(await ask('auto', [{ body, ...headers }]))).to.deep.equal(expected(fixture));
        expect(seen(await ask('auto', [{ body, split: recut(bytes), ...headers }]))).to.deep.equal(expected(fixture));
      });
    }
  }

  for (const stream of CLASSIC_STREAMS) {
    it(`${stream.name}: as protocol="${stream.protocol}", whole and re-cut`, async () => {
      const bytes = new TextEncoder().encode(stream.body);
      const named = await ask(stream.protocol, [{ body: stream.body }]);
      expect(seen(named), stream.protocol).to.deep.equal(expected(stream));
      expect(seen(await ask('auto', [{ body: stream.body }])), 'auto').to.deep.equal(expected(stream));
      const cut = await ask('auto', [{ body: stream.body, split: recut(bytes) }]);
      expect(seen(cut), 'auto, re-cut').to.deep.equal(expected(stream));
    });
  }

  it('an empty stream that closes is an empty answer, as text would have it', async () => {
    const out = await ask('auto', [{ body: '' }]);
    expect([out.status, out.answer, out.requests]).to.deep.equal(['done', '', 1]);
  });

  it('a restart reads its new response afresh: an AI SDK answer cut without ids is asked again and replaced', async () => {
    const fixture = VENDOR_FIXTURES.find((f) => f.file === 'ai-sdk-reasoning.sse')!;
    const bytes = await fixtureBytes(fixture.file);
    const body = decoder.decode(bytes);
    const out = await ask('auto', [
      { body, cut: offsetAfter(bytes, '= **185**') + 10, headers: AI_SDK_HEADERS },
      { body, headers: AI_SDK_HEADERS },
    ]);
    expect(seen(out)).to.deep.equal(expected(fixture));
    expect([out.h.chat.stats.restarts, out.requests]).to.deep.equal([1, 2]);
  });

  it('a restart decides again: the new response may speak another protocol', async () => {
    const bytes = await fixtureBytes('anthropic-thinking.sse');
    const openai = CLASSIC_STREAMS.find((s) => s.protocol === 'openai')!;
    const cut = offsetAfter(bytes, '"text":"925"');
    const out = await ask('auto', [{ body: decoder.decode(bytes), cut }, { body: openai.body }]);
    expect(seen(out)).to.deep.equal(expected(openai));
    expect(out.h.chat.stats.restarts).to.equal(1);
  });

  it('a resume keeps the protocol decided: text whose next event looks like a chunk stays text', async () => {
    const first = 'id: 1\ndata: The JSON:\n\n';
    const out = await ask('auto', [
      { body: `${first}id: 2\ndata: never sent\n\n`, cut: first.length },
      { body: 'id: 2\ndata:  {"choices":[]}\\n\n\nid: 3\nevent: done\ndata:\n\n' },
    ]);
    // Decided text on the first response: escapes decoded, the chunk-like event is text.
    expect([out.answer, out.status, out.h.chat.stats.restarts]).to.deep.equal([
      'The JSON: {"choices":[]}\n',
      'done',
      0,
    ]);
  });
});
