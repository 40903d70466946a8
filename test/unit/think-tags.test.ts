import { expect } from '@open-wc/testing';
import { createThinkTagRouter, type RoutedText } from '../../src/protocols/think-tags.js';
import { mismatches, splits } from '../helpers/splits.js';

/** Routes chunks through one router; adjacent pieces of the same block are joined. */
function route(chunks: string[], router = createThinkTagRouter()): RoutedText[] {
  const out: RoutedText[] = [];
  for (const piece of [...chunks.flatMap((c) => router.push(c)), ...router.end()]) {
    const last = out[out.length - 1];
    if (last?.block === piece.block) last.text += piece.text;
    else out.push({ ...piece });
  }
  return out;
}

const STREAMS = [
  '<think>a</think>b',
  '\n <think>a\nb</think>\n\nanswer <think>literal</think>',
  '\n\nplain answer <think>x</think>',
  '<think>a</think><think>b</think>',
  '<think>never closed </thi',
  ' \t\n',
  '\n<thin',
  '',
];

describe('think-tag router', () => {
  it('holds back only a possible partial tag, or leading whitespace while undecided', () => {
    const router = createThinkTagRouter();
    expect(router.push('\n ')).to.deep.equal([]);
    expect(router.push('<th')).to.deep.equal([]);
    expect(router.push('ink>b')).to.deep.equal([{ block: 'think', text: 'b' }]);
    expect(router.push('</')).to.deep.equal([]);
    expect(router.push('x')).to.deep.equal([{ block: 'think', text: '</x' }]);
    // After the think block, tags are text: nothing is held back any more.
    expect(router.push('</think><th')).to.deep.equal([{ block: 'answer', text: '<th' }]);
    expect(router.push('ink></think>')).to.deep.equal([{ block: 'answer', text: 'ink></think>' }]);
    expect(router.end()).to.deep.equal([]);
  });

  it('emits held whitespace unchanged once the text turns out not to open with <think>', () => {
    const router = createThinkTagRouter();
    expect(router.push('\n\n')).to.deep.equal([]);
    expect(router.push('<b>')).to.deep.equal([{ block: 'answer', text: '\n\n<b>' }]);
    expect(router.push('<think>')).to.deep.equal([{ block: 'answer', text: '<think>' }]);
  });

  it('drops whitespace before the opening tag only', () => {
    expect(route(['\r\n\t <think> x </think>\n y'])).to.deep.equal([
      { block: 'think', text: ' x ' },
      { block: 'answer', text: '\n y' },
    ]);
  });

  it('ends with what it held, in the block it was in', () => {
    expect(route(['  '])).to.deep.equal([{ block: 'answer', text: '  ' }]);
    expect(route([' <thin'])).to.deep.equal([{ block: 'answer', text: ' <thin' }]);
    expect(route(['<think>a</th'])).to.deep.equal([{ block: 'think', text: 'a</th' }]);
  });

  it('routes every stream the same however it is split', () => {
    for (const stream of STREAMS)
      expect(
        mismatches(stream, (chunks) => route(chunks)),
        stream,
      ).to.deep.equal([]);
  });

  it('is at a resume point only before anything was routed or held', () => {
    const states = (chunks: string[]) => {
      const router = createThinkTagRouter();
      return chunks.map((c) => (router.push(c), router.atResumePoint));
    };
    expect(createThinkTagRouter().atResumePoint).to.equal(true);
    expect(states(['', ' ', '<think>', 'a', '</think>', ''])).to.deep.equal([true, false, false, false, false, false]);
    // Outside a think block with nothing held, yet a fresh router would take this <think> for a tag.
    expect(states(['Hi ', '<think>'])).to.deep.equal([false, false]);
    expect(states(['<think>a</think>', '<think>'])).to.deep.equal([false, false]);
  });

  it('whenever at a resume point, a fresh router routes the rest of the stream the same', () => {
    for (const stream of STREAMS) {
      for (const chunks of splits(stream)) {
        const router = createThinkTagRouter();
        for (let i = 0; i < chunks.length; i++) {
          router.push(chunks[i]!);
          if (!router.atResumePoint) continue;
          const rest = chunks.slice(i + 1);
          const fork = createThinkTagRouter();
          const continued = route(rest, router);
          expect(route(rest, fork), JSON.stringify(chunks)).to.deep.equal(continued);
          break;
        }
      }
    }
  });
});
