/**
 * `npm run bench`, last section: the incremental renderer alone (lex + render, no
 * sanitizing, no DOM) on answers that are one long block — a list, a table, a code fence —
 * against one of many short paragraphs. Each is fed in 5-character chunks with a take()
 * every 16 chunks (a frame at 1000 events/s); the cost of a take at the start and at the
 * end of the block says whether it grows with the block. Runs in Node (bundled by
 * scripts/bench.mjs); prints nothing itself.
 */
import { createIncrementalMarkdown } from '../src/markdown/incremental.js';
import { renderHtml } from '../src/markdown/render.js';

export interface BlockResult {
  name: string;
  chars: number;
  takes: number;
  firstMs: number;
  lastMs: number;
  totalMs: number;
  identical: boolean;
}

const CHUNK = 5;
const CHUNKS_PER_TAKE = 16;

const SHAPES: Array<[string, string]> = [
  [
    '600 paragraphs',
    Array.from(
      { length: 600 },
      (_, i) => `Paragraph ${i} with some **bold** words and a [link](https://example.com/${i}).`,
    ).join('\n\n'),
  ],
  [
    'one 600-item list',
    Array.from(
      { length: 600 },
      (_, i) => `- item ${i} with some **bold** words and a [link](https://example.com/${i})`,
    ).join('\n'),
  ],
  [
    'one 600-row table',
    `| a | b | c |\n|---|:-:|--:|\n${Array.from({ length: 600 }, (_, i) => `| ${i} | **${i * 2}** | text ${i} |`).join('\n')}`,
  ],
  [
    'one 600-line code fence',
    `\`\`\`js\n${Array.from({ length: 600 }, (_, i) => `const value${i} = compute(${i}, "some string ${i}");`).join('\n')}\n\`\`\`\n`,
  ],
];

function measure(name: string, text: string): BlockResult {
  const md = createIncrementalMarkdown();
  const times: number[] = [];
  let html = '';
  let chunks = 0;
  for (let i = 0; i < text.length; i += CHUNK) {
    md.push(text.slice(i, i + CHUNK));
    if (++chunks % CHUNKS_PER_TAKE !== 0) continue;
    const started = performance.now();
    const update = md.take();
    times.push(performance.now() - started);
    html = update.reset ? update.committed : html + update.committed;
  }
  const end = md.take(true);
  html = end.reset ? end.committed : html + end.committed;
  const tenth = Math.max(1, Math.floor(times.length / 10));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return {
    name,
    chars: text.length,
    takes: times.length,
    firstMs: mean(times.slice(0, tenth)),
    lastMs: mean(times.slice(-tenth)),
    totalMs: times.reduce((a, b) => a + b, 0),
    identical: html === renderHtml(text),
  };
}

export function measureBlocks(): BlockResult[] {
  for (const [name, text] of SHAPES) measure(name, text); // warm-up
  return SHAPES.map(([name, text]) => measure(name, text));
}
