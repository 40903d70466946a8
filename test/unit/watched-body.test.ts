import { expect } from '@open-wc/testing';
import { watchBody } from '../../src/watched-body.js';

async function pass(chunks: Uint8Array[]) {
  let counted = 0;
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const out = new Uint8Array(await new Response(watchBody(source, (n) => (counted += n))).arrayBuffer());
  return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(out), counted };
}

describe('watched body', () => {
  const bytes = new TextEncoder().encode('\uFEFFdata: 你好\n\n');

  it('drops a leading BOM split at every index and counts every byte', async () => {
    for (let i = 0; i <= bytes.length; i++) {
      const { text, counted } = await pass([bytes.slice(0, i), bytes.slice(i)]);
      expect(text, `split at ${i}`).to.equal('data: 你好\n\n');
      expect(counted).to.equal(bytes.length);
    }
  });

  it('keeps bytes that only look like the start of a BOM', async () => {
    const partial = new Uint8Array([0xef, 0xbb]);
    const { text } = await pass([partial]);
    expect(new TextEncoder().encode(text).length).to.be.greaterThan(0);
  });

  it('errors the stream when the signal aborts, even if the source never ends', async () => {
    const controller = new AbortController();
    const source = new ReadableStream<Uint8Array>({ start() {} });
    const reader = watchBody(source, () => {}, controller.signal).getReader();
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
