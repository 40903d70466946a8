import { expect } from '@open-wc/testing';
import { completeTail } from '../../src/markdown/complete.js';
import { createIncrementalMarkdown } from '../../src/markdown/incremental.js';
import { renderHtml } from '../../src/markdown/render.js';
import { renderMarkdown, sanitizeToFragment } from '../../src/markdown/sanitize.js';
import { mismatches } from '../helpers/splits.js';

/** A typical long answer: every block kind an LLM writes. */
const ANSWER = `# Resumable streams — 概要 🚀

A **stream** that is *cut* resumes from the last \`id\`, with ~~no~~ zero loss.
See [the spec](https://html.spec.whatwg.org/#server-sent-events) and [RFC][rfc].

[rfc]: https://www.rfc-editor.org/rfc/rfc9110 "HTTP"

## Steps

1. The client remembers the highest sequence number.
2. It reconnects with \`Last-Event-ID\`:
   - and \`offset=<seq>\` in the query;
   - with _backoff_ and jitter.

- [x] dedup
- [ ] polling

> Quoted **advice**: never trust
> the browser's own retry.

\`\`\`ts
const url = new URL(endpoint);
url.searchParams.set('offset', String(seq)); // **not** bold
\`\`\`

| Fault | Effect | Fix |
|:------|:------:|----:|
| cut | partial text | resume |
| replay | duplicates | drop seq ≤ last |

Setext heading
--------------

Line one
line two with ![logo](https://example.com/logo.png) and <b>inline html</b>.

***

Final words with a [ref link][rfc] and snake_case_name and 2 * 3 = 6.
`;

/** Feeds the chunks with a `take()` after each (one frame per chunk); returns committed HTML + final. */
function streamed(chunks: string[]): string {
  const md = createIncrementalMarkdown();
  let html = '';
  const apply = (update: { reset: boolean; committed: string }) => {
    html = update.reset ? update.committed : html + update.committed;
  };
  for (const chunk of chunks) {
    md.push(chunk);
    apply(md.take());
  }
  apply(md.take(true));
  return html;
}

/** Every prefix of `text`, as the reader would see it mid-stream: committed blocks + completed tail. */
function* prefixViews(text: string, step = 1): Generator<{ prefix: string; html: string }> {
  const md = createIncrementalMarkdown();
  let committed = '';
  for (let i = step; i <= text.length; i += step) {
    md.push(text.slice(i - step, i));
    const update = md.take();
    committed = update.reset ? update.committed : committed + update.committed;
    yield { prefix: text.slice(0, i), html: committed + update.tail };
  }
}

/** The text a reader sees outside code, where raw syntax would show. */
function visibleProse(html: string): string {
  const fragment = sanitizeToFragment(html);
  for (const code of fragment.querySelectorAll('code, pre')) code.remove();
  return fragment.textContent ?? '';
}

describe('markdown: incremental rendering', () => {
  it('renders the same HTML as the whole text at once, split at every index', () => {
    const bad = mismatches(ANSWER, streamed);
    expect(
      bad.map((b) => b.chunks[0]?.length),
      'split points that differ',
    ).to.deep.equal([]);
    expect(streamed([ANSWER])).to.equal(renderHtml(ANSWER));
  });

  it('renders the same HTML when fed one character per frame', () => {
    expect(streamed([...ANSWER])).to.equal(renderHtml(ANSWER));
  });

  it('commits each block once and keeps only the last block open', () => {
    const md = createIncrementalMarkdown();
    md.push('# Title\n\nFirst paragraph.\n\nSecond');
    const first = md.take();
    expect(first.committed).to.equal('<h1>Title</h1>\n<p>First paragraph.</p>\n');
    expect(first.tail).to.equal('<p>Second</p>\n');
    md.push(' paragraph.');
    const second = md.take();
    expect(second.committed, 'nothing new is complete').to.equal('');
    expect(second.tail).to.equal('<p>Second paragraph.</p>\n');
  });

  it('keeps a paragraph open until the next block starts (a setext underline may still come)', () => {
    const md = createIncrementalMarkdown();
    md.push('Heading\n');
    expect(md.take().committed).to.equal('');
    md.push('===\n\nnext');
    expect(md.take().committed).to.equal('<h1>Heading</h1>\n');
  });

  it('keeps a list open across a blank line (an indented line continues it)', () => {
    const md = createIncrementalMarkdown();
    md.push('- one\n\n');
    expect(md.take().committed).to.equal('');
    md.push('  still one\n\nafter');
    expect(md.take().committed).to.equal(renderHtml('- one\n\n  still one'));
  });

  it('keeps a block open while the next one’s first line may still join it (para + `#hash`)', () => {
    for (const text of [
      'para\n#hash tag\n\nnext\n',
      '| a |\n|---|\n| 1 |\n#hash\n',
      '- a\n#tag\n',
      'text\n2. not a list\n',
      '> quote\n-not a list\n',
    ]) {
      const bad = mismatches(text, streamed);
      expect(
        bad.map((b) => b.chunks.map((c) => c.length).join('+')),
        JSON.stringify(text),
      ).to.deep.equal([]);
      expect(streamed([...text]), JSON.stringify(text)).to.equal(renderHtml(text));
    }
  });

  it('resolves a reference against a definition in an already committed block', () => {
    const text = '[d]: https://example.com/doc\n\nintro\n\nsee [the doc][d]\n';
    expect(streamed([...text])).to.equal(renderHtml(text));
  });

  it('does not keep a half-written link definition', () => {
    const md = createIncrementalMarkdown();
    md.push('[d]: https://exa');
    md.take();
    md.push('mple.com\n\nsee [x][d]\n\nend');
    const html = md.take().committed;
    expect(html).to.contain('href="https://example.com"');
  });

  it('treats CRLF and CR split across chunks as LF', () => {
    const text = 'a\r\n\r\nb\rc\r\n';
    const bad = mismatches(text, streamed);
    expect(bad).to.deep.equal([]);
    expect(streamed([text])).to.equal(renderHtml('a\n\nb\nc\n'));
  });

  it('reset() replaces the whole source', () => {
    const md = createIncrementalMarkdown();
    md.push('old text\n\nmore');
    md.take();
    md.reset('# new');
    const update = md.take(true);
    expect(update.reset).to.equal(true);
    expect(update.committed).to.equal('<h1>new</h1>\n');
  });

  it('costs the same per chunk at the end of a long answer as at the start', () => {
    // Not a timing test: the work of a take() is the size of the text it lexes, which must
    // stay the size of the open block, however long the answer already is.
    const md = createIncrementalMarkdown();
    const paragraph = 'Lorem ipsum dolor sit amet, **consectetur** adipiscing elit.\n\n';
    let longest = 0;
    for (let i = 0; i < 2000; i++) {
      for (const piece of paragraph.match(/.{1,5}/gs) ?? []) {
        md.push(piece);
        const { tail } = md.take();
        longest = Math.max(longest, tail.length);
      }
    }
    expect(longest, 'tail HTML never exceeds one paragraph').to.be.below(paragraph.length * 2);
  });
});

/** Long lists and tables, and the shapes that must leave the frozen-children path. */
const LONG_BLOCKS = [
  Array.from({ length: 30 }, (_, i) =>
    i === 5
      ? '- item 5 with a sublist:\n  - nested **one**\n  - nested two\n'
      : `- item ${i} with **bold**, \`code\` and [a link](https://example.com/${i})\n`,
  ).join(''),
  '- [x] a task item\n- [ ] another one\nlazy continuation of it\n',
  '\nAfter the list.\n\n',
  Array.from({ length: 10 }, (_, i) => `${i + 3}) ordered *item* ${i + 3}\n`).join(''),
  '\n| Left | Center | Right |\n|:-----|:------:|------:|\n',
  Array.from({ length: 20 }, (_, i) => `| row ${i} | **${i * 2}** | [x](https://example.com/r${i}) |\n`).join(''),
  '\nA list that turns loose:\n\n- a\n- b\n\n- c\n- d\n\n',
  '* star list\n* two\n- a dash starts another list\n- again\n\n',
  '| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n> a quote ends the table\n\n',
  'Done.\n',
].join('');

describe('markdown: long lists and tables', () => {
  it('render the same HTML as the whole text at once, split at every index', () => {
    const bad = mismatches(LONG_BLOCKS, streamed);
    expect(
      bad.map((b) => b.chunks[0]?.length),
      'split points that differ',
    ).to.deep.equal([]);
    expect(streamed([LONG_BLOCKS])).to.equal(renderHtml(LONG_BLOCKS));
    expect(streamed([...LONG_BLOCKS]), 'one character per frame').to.equal(renderHtml(LONG_BLOCKS));
  });

  it('show, mid-stream, what the whole text up to a finished line shows', () => {
    // At the end of each complete line of a list or table the view (head + frozen + open child)
    // is the whole-text rendering of the prefix.
    const md = createIncrementalMarkdown();
    let committed = '';
    const problems: string[] = [];
    let frames = 0;
    let prefix = '';
    for (const line of LONG_BLOCKS.split(/(?<=\n)/)) {
      md.push(line);
      prefix += line;
      const update = md.take();
      committed = update.reset ? update.committed : committed + update.committed;
      if (!update.container) continue;
      frames++;
      if (committed + update.tail !== renderHtml(prefix)) problems.push(JSON.stringify(line));
    }
    expect(problems).to.deep.equal([]);
    expect(frames, 'lines that ended inside a long list or table').to.be.greaterThan(40);
  });

  for (const [name, block] of [
    [
      'a 400-item list',
      Array.from({ length: 400 }, (_, i) => `- item ${i} with **bold** and a [link](https://example.com/${i})\n`).join(
        '',
      ),
    ],
    [
      'a 300-row table',
      `| n | twice |\n|--:|:--|\n${Array.from({ length: 300 }, (_, i) => `| ${i} | **${i * 2}** |\n`).join('')}`,
    ],
  ] as const) {
    it(`hand out each frame only the children frozen since the last and the open one: ${name}`, () => {
      // Not a timing test: the HTML a frame produces (what is lexed, rendered and sanitized)
      // stays the size of one item or row, however long the block already is.
      const md = createIncrementalMarkdown();
      let committed = '';
      let frames = 0;
      let largest = 0;
      let restarts = 0;
      let frozenSoFar = '';
      let mismatched = 0;
      for (const piece of block.match(/[^]{1,5}/g) ?? []) {
        md.push(piece);
        const update = md.take();
        committed += update.committed;
        if (!update.container) continue;
        frames++;
        const { restart, head, frozen, live, close } = update.container;
        if (restart) restarts++;
        else largest = Math.max(largest, frozen.length + live.length);
        // What a view builds from the parts is the tail.
        frozenSoFar = restart ? frozen : frozenSoFar + frozen;
        if (head + frozenSoFar + live + close !== update.tail) mismatched++;
      }
      const end = md.take(true);
      expect(committed + end.committed).to.equal(renderHtml(block));
      expect(frames, 'frames with frozen children').to.be.greaterThan(block.length / 5 - 50);
      expect(restarts, 'the parts start once').to.equal(1);
      expect(largest, 'HTML per frame').to.be.below(300);
      expect(mismatched, 'frames whose parts do not add up to the tail').to.equal(0);
    });
  }
});

describe('markdown: unfinished syntax does not flash', () => {
  it('never shows raw emphasis, strikethrough, link or table syntax at any point of the stream', () => {
    const problems: string[] = [];
    const finalProse = visibleProse(renderHtml(ANSWER)) + visibleProse(renderHtml(LONG_BLOCKS));
    for (const { prefix, html } of [...prefixViews(ANSWER), ...prefixViews(LONG_BLOCKS)]) {
      const prose = visibleProse(html);
      for (const raw of ['**', '~~', '](', '![', '|--', '| cut', '[the', '[ref']) {
        if (prose.includes(raw) && !finalProse.includes(raw))
          problems.push(`${JSON.stringify(prefix.slice(-24))} shows ${raw}`);
      }
    }
    expect(problems.slice(0, 10)).to.deep.equal([]);
  });

  it('never requests a half-written image URL or links to a half-written URL', () => {
    const final = sanitizeToFragment(renderHtml(ANSWER));
    const urls = new Set(
      [...final.querySelectorAll('img, a')].map((el) => el.getAttribute('src') ?? el.getAttribute('href')),
    );
    const partial: string[] = [];
    for (const { html } of prefixViews(ANSWER)) {
      for (const el of sanitizeToFragment(html).querySelectorAll('img, a')) {
        const url = el.getAttribute('src') ?? el.getAttribute('href');
        if (!urls.has(url)) partial.push(String(url));
      }
    }
    expect(partial).to.deep.equal([]);
  });

  const cases: Array<[string, string, string]> = [
    ['closes bold', 'a **bold', 'a **bold**'],
    ['closes bold before trailing space', 'a **bold ', 'a **bold**'],
    ['drops an opener with nothing after it', 'a **', 'a '],
    ['closes italic and bold in order', 'a **b *c', 'a **b *c***'],
    ['closes inline code', 'run `npm te', 'run `npm te`'],
    ['closes a double-backtick span', 'x ``a ` b', 'x ``a ` b``'],
    ['leaves emphasis markers inside code alone', 'use `**` here', 'use `**` here'],
    ['closes strikethrough', 'a ~~gone', 'a ~~gone~~'],
    ['ignores intraword underscores', 'snake_case_na', 'snake_case_na'],
    ['ignores a spaced asterisk', '2 * 3', '2 * 3'],
    ['shows a link being written as its text', 'see [the docs](https://exa', 'see the docs'],
    ['shows link text whose bracket is still open', 'see [the do', 'see the do'],
    ['shows [text] at the end as text until its URL arrives', 'see [the docs]', 'see the docs'],
    ['drops an image being written', 'logo ![alt](https://exa', 'logo '],
    ['keeps a finished link', 'see [a](https://x.y) ok', 'see [a](https://x.y) ok'],
    ['closes bold inside link text', 'see [**bo', 'see **bo**'],
    ['hides a table header until its delimiter row is complete', 'Intro\n\n| a | b |\n|--', 'Intro\n\n'],
    ['shows a table once the delimiter row is complete', '| a | b |\n|---|---|\n| 1', '| a | b |\n|---|---|\n| 1'],
    ['hides a bare list marker', 'text\n\n-', 'text\n\n'],
    ['hides a bare heading marker', 'text\n\n##', 'text\n\n'],
    ['hides a partial fence opener', 'text\n\n``', 'text\n\n'],
    ['leaves an open code fence as is (it renders as code)', '```js\nconst a = "**";\n', '```js\nconst a = "**";\n'],
    ['hides a half-written closing fence', '```js\ncode\n``', '```js\ncode'],
    ['only completes the last block', '**a\n\nb *c', '**a\n\nb *c*'],
    ['keeps escaped markers', 'a \\*not', 'a \\*not'],
  ];
  for (const [name, input, output] of cases) {
    it(name, () => expect(completeTail(input)).to.equal(output));
  }
});

describe('markdown: sanitizing', () => {
  const html = (markdown: string) => {
    const div = document.createElement('div');
    div.append(renderMarkdown(markdown));
    return div;
  };

  it('removes scripts, event handlers and javascript: URLs from raw HTML', () => {
    const div = html(
      '<script>alert(1)</script><img src="https://x.y/a.png" onerror="alert(2)">' +
        '<a href="javascript:alert(3)">x</a> [y](javascript:alert(4)) <svg onload="alert(5)"></svg>' +
        '<iframe src="https://x.y"></iframe><form><input><button>b</button></form><style>*{}</style>',
    );
    expect(div.querySelector('script, iframe, form, input, button, style')).to.equal(null);
    for (const el of div.querySelectorAll('*')) {
      for (const attr of el.attributes) expect(attr.name, `${el.tagName} ${attr.name}`).not.to.match(/^on/i);
    }
    for (const a of div.querySelectorAll('a')) expect(a.getAttribute('href') ?? '').not.to.match(/javascript/i);
  });

  it('allows http, https, mailto, tel and relative links only', () => {
    const div = html(
      '[a](https://a.b) [b](mailto:x@y.z) [c](tel:+1) [d](/rel) [e](ftp://x) [f](data:text/html,x) [g](vbscript:x)',
    );
    const hrefs = [...div.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(hrefs.filter(Boolean)).to.deep.equal(['https://a.b', 'mailto:x@y.z', 'tel:+1', '/rel']);
  });

  it('allows http(s) images only', () => {
    const div = html('![a](https://x.y/a.png) ![b](data:image/png;base64,AAAA) ![c](/rel.png)');
    expect([...div.querySelectorAll('img')].map((img) => img.getAttribute('src'))).to.deep.equal([
      'https://x.y/a.png',
      null,
      null,
    ]);
  });

  it('applies the link and image rules to SVG and image maps too', () => {
    const div = html(
      '<svg><a href="https://phish.example"><text>x</text></a><image href="data:image/png;base64,AAAA"></image>' +
        '<a xlink:href="https://x.example"><text>y</text></a></svg>' +
        '<map name="m"><area href="https://area.example" shape="rect" coords="0,0,1,1"></map>' +
        '<img src="https://x.y/a.png" srcset="/track.png 1x"><video poster="/poster.png"></video>',
    );
    for (const link of div.querySelectorAll('a, area')) {
      expect(link.getAttribute('target'), link.outerHTML).to.equal('_blank');
      expect(link.getAttribute('rel')).to.equal('noopener noreferrer');
    }
    const image = div.querySelector('image');
    expect(image === null || !image.hasAttribute('href')).to.equal(true);
    expect(div.querySelector('img')!.hasAttribute('srcset')).to.equal(false);
    expect(div.querySelector('video')?.hasAttribute('poster') ?? false).to.equal(false);
  });

  it('opens links in a new tab without opener, but not #anchors', () => {
    const div = html('[out](https://a.b) [in](#part) <a href="https://c.d" target="_self">raw</a>');
    const [out, anchor, raw] = div.querySelectorAll('a');
    expect(out?.getAttribute('target')).to.equal('_blank');
    expect(out?.getAttribute('rel')).to.equal('noopener noreferrer');
    expect(anchor?.hasAttribute('target')).to.equal(false);
    expect(raw?.getAttribute('target')).to.equal('_blank');
  });

  it('never produces a script or handler from a payload split across chunks, at any split', () => {
    const payloads = [
      '<scr' + 'ipt>alert(1)</script>',
      '<img src=x onerror="alert(1)">',
      '[x](java' + 'script:alert(1))',
      '<a href="jav&#x61;script:alert(1)">x</a>',
      '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    ];
    for (const payload of payloads) {
      const text = `before **x**\n\n${payload}\n\nafter`;
      for (let i = 0; i <= text.length; i++) {
        for (const { html: view } of prefixViews(text.slice(0, i) + text.slice(i), 1)) {
          const fragment = sanitizeToFragment(view);
          const bad = [...fragment.querySelectorAll('*')].some(
            (el) =>
              el.tagName === 'SCRIPT' ||
              [...el.attributes].some((a) => /^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)),
          );
          if (bad) throw new Error(`unsafe DOM for ${payload} at ${view}`);
        }
        break; // prefixViews already walks every split point of this text
      }
    }
  });
});
