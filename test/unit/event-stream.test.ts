import { expect } from '@open-wc/testing';
import { createEventStreamDecoder } from '../../src/event-stream.js';
import { readEventStream } from '../../src/event-stream-body.js';
import type { SseMessage } from '../../src/types.js';

type Seen = Array<SseMessage | { idOnly: string } | { retry: number }>;

/** Feeds the bytes in the given pieces and records everything the decoder reports. */
function decode(pieces: Uint8Array[]): Seen {
  const seen: Seen = [];
  const decoder = createEventStreamDecoder({
    onEvent: (message) => seen.push(message),
    onIdOnly: (id) => seen.push({ idOnly: id }),
    onRetry: (ms) => seen.push({ retry: ms }),
  });
  for (const piece of pieces) decoder.feed(piece);
  decoder.end();
  return seen;
}

const bytesOf = (input: string | number[]) =>
  typeof input === 'string' ? new TextEncoder().encode(input) : new Uint8Array(input);

/** The same result whole, split at every byte, and (for short streams) in three at every pair. */
function expectAtEverySplit(input: string | number[], want: Seen): void {
  const bytes = bytesOf(input);
  expect(decode([bytes]), 'whole').to.deep.equal(want);
  for (let i = 0; i <= bytes.length; i++) {
    expect(decode([bytes.slice(0, i), bytes.slice(i)]), `split at ${i}`).to.deep.equal(want);
  }
  if (bytes.length > 48) return;
  for (let i = 1; i < bytes.length; i++) {
    for (let j = i + 1; j < bytes.length; j++) {
      const pieces = [bytes.slice(0, i), bytes.slice(i, j), bytes.slice(j)];
      expect(decode(pieces), `split at ${i}, ${j}`).to.deep.equal(want);
    }
  }
}

const msg = (data: string, id = '', event = ''): SseMessage => ({ id, event, data });

// Each case names the rule of https://html.spec.whatwg.org/multipage/server-sent-events.html
// (event stream interpretation) it checks.
describe('event stream decoding (WHATWG rules)', () => {
  it('joins data lines with LF, empty ones included (three empty data lines are "\\n\\n")', () => {
    expectAtEverySplit('data: \ndata: \ndata: \n\ndata:a\ndata:\ndata:b\n\n', [msg('\n\n'), msg('a\n\nb')]);
  });

  it('dispatches an event whose data is empty', () => {
    expectAtEverySplit('event: done\ndata:\n\n', [msg('', '', 'done')]);
  });

  it('takes a field line without a colon as the field with an empty value', () => {
    expectAtEverySplit('data\ndata\n\ndata\n\n', [msg('\n'), msg('')]);
  });

  it('strips exactly one leading space from a value', () => {
    expectAtEverySplit('data:  two\ndata:none\n\n', [msg(' two\nnone')]);
  });

  it('ends lines at CR, LF or CRLF, a CRLF split between chunks being one line end', () => {
    expectAtEverySplit('data: a\r\rdata: b\n\ndata: c\r\n\r\ndata: d\r\ndata: e\r\n\r\n', [
      msg('a'),
      msg('b'),
      msg('c'),
      msg('d\ne'),
    ]);
  });

  it('drops one leading BOM only: a second one is part of the first field name', () => {
    expectAtEverySplit('\uFEFFdata: one\n\n', [msg('one')]);
    expectAtEverySplit('\uFEFF\uFEFFdata: lost\n\ndata: two\n\n', [msg('two')]);
  });

  it('keeps a BOM that is not at the start of the stream as data', () => {
    expectAtEverySplit('data: \uFEFFx\n\n', [msg('\uFEFFx')]);
  });

  it('ignores comments anywhere, even inside an event', () => {
    expectAtEverySplit(': hi\ndata: a\n: inside\ndata: b\n\n:\n\n', [msg('a\nb')]);
  });

  it('ignores unknown fields, and field names are case-sensitive', () => {
    expectAtEverySplit('Data: no\nfoo: bar\ndata: yes\n\n', [msg('yes')]);
  });

  it('gives each event its own id, and ignores an id containing NUL', () => {
    expectAtEverySplit('id: 1\ndata: a\n\ndata: b\n\nid: 2\0\ndata: c\n\n', [msg('a', '1'), msg('b'), msg('c')]);
  });

  it('reports a block with an id and no data, which dispatches no event', () => {
    expectAtEverySplit('id: 7\n\nid: 8\ndata: x\n\nid\n\n', [{ idOnly: '7' }, msg('x', '8'), { idOnly: '' }]);
  });

  it('reports an id-only block followed by an event without an id, however the bytes are cut', () => {
    expectAtEverySplit('id: 5\n\ndata: x\n\n', [{ idOnly: '5' }, msg('x')]);
  });

  it('does not dispatch a block without data', () => {
    expectAtEverySplit('event: done\n\ndata: a\n\n', [msg('a')]);
  });

  it('takes retry only when all ASCII digits', () => {
    expectAtEverySplit('retry: 1000x\nretry: 25\nretry: \nretry:1 0\n\n', [{ retry: 25 }]);
  });

  it('treats an empty event field as the default type', () => {
    expectAtEverySplit('event: tool\nevent:\ndata: a\n\n', [msg('a')]);
  });

  it('discards an event the stream ends in the middle of', () => {
    expectAtEverySplit('data: a\n\ndata: b\n', [msg('a')]);
  });

  it('decodes UTF-8 split anywhere, and invalid bytes as U+FFFD', () => {
    expectAtEverySplit('data: 你好 👩‍💻\n\n', [msg('你好 👩‍💻')]);
    expectAtEverySplit([0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0x41, 0x0a, 0x0a], [msg('\uFFFDA')]);
  });
});

describe('event stream body', () => {
  it('counts every byte and ends when the body ends, carrying no bytes itself', async () => {
    const chunks = [bytesOf('data: a\n'), bytesOf('\n: ping\n\n')];
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    let counted = 0;
    const events: SseMessage[] = [];
    const out = readEventStream(source, { onBytes: (n) => (counted += n), onEvent: (m) => events.push(m) });
    const rest = await new Response(out).arrayBuffer();
    expect(rest.byteLength).to.equal(0);
    expect(counted).to.equal(chunks[0]!.length + chunks[1]!.length);
    expect(events).to.deep.equal([msg('a')]);
  });

  it('errors the stream when the signal aborts, even if the source never ends', async () => {
    const controller = new AbortController();
    const source = new ReadableStream<Uint8Array>({ start() {} });
    const reader = readEventStream(source, { onBytes: () => {}, onEvent: () => {} }, controller.signal).getReader();
    const read = reader.read();
    controller.abort();
    let error: unknown;
    try {
      await read;
    } catch (e) {
      error = e;
    }
    expect((error as DOMException).name).to.equal('AbortError');
  });
});
