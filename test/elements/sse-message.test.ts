import { expect, fixture, html } from '@open-wc/testing';
import '../../components/define.js';
import type { SseMessage } from '../../components/sse-message.js';
import { renderedHtml, wholeRender } from '../helpers/markdown.js';
import { until } from '../helpers/stream.js';

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

const ANSWER = `## Plan

Some **bold** text, \`code\`, a [link](https://example.com) and a table:

| a | b |
|---|---|
| 1 | 2 |

\`\`\`js
console.log("hi");
\`\`\`

- one
- two

Done.`;

/** Splits text into pseudo-random pieces of 1..maxLength characters. */
function pieces(text: string, seed: number, maxLength = 7): string[] {
  const out: string[] = [];
  let state = seed;
  for (let i = 0; i < text.length;) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const n = 1 + (state % maxLength);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

async function streamingMessage(): Promise<SseMessage> {
  return fixture<SseMessage>(html`<sse-message author="assistant" status="streaming"></sse-message>`);
}

const answerOf = (message: SseMessage) => message.shadowRoot!.querySelector<HTMLElement>('[part="answer"]')!;

describe('<sse-message>', () => {
  it('renders finished messages after mounting, in frames, as they come into view, each whole; awaiting one (or flush()) renders it at once', async () => {
    const stage = document.createElement('div');
    document.body.append(stage);
    try {
      const texts = Array.from(
        { length: 40 },
        (_, i) => `# Answer ${i}\n\n| a | b |\n|---|---|\n| ${i} | x |\n\n\`\`\`js\nf(${i});\n\`\`\`\n`,
      );
      const messages = texts.map((answer) => {
        const message = document.createElement('sse-message') as SseMessage;
        message.status = 'done';
        message.answer = answer;
        return message;
      });
      stage.append(...messages);
      const body = (m: SseMessage) => m.shadowRoot?.querySelector<HTMLElement>('[part="answer"]');
      // Awaiting one renders it now, whatever the queue holds.
      await messages[3]!.updateComplete;
      expect(renderedHtml(body(messages[3]!)!)).to.equal(wholeRender(texts[3]!));
      // The rest come in frames as they come near the view (test/elements/lazy-render.test.ts), each whole.
      for (const message of messages) {
        message.scrollIntoView();
        await until(() => Boolean(body(message)?.querySelector('h1')), 5000, 'rendered once in view');
      }
      messages.forEach((m, i) => expect(renderedHtml(body(m)!)).to.equal(wholeRender(texts[i]!)));
      // flush() also renders a waiting one at once.
      const late = document.createElement('sse-message') as SseMessage;
      late.status = 'done';
      late.answer = texts[0]!;
      stage.append(late);
      await until(() => Boolean(body(late)), 2000, 'its first render');
      late.flush();
      expect(renderedHtml(body(late)!)).to.equal(wholeRender(texts[0]!));
    } finally {
      stage.remove();
    }
  });

  it('holds the markdown source and renders the same DOM as rendering it at once, whatever the chunking', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const message = await streamingMessage();
      for (const piece of pieces(ANSWER, seed)) {
        message.appendText('answer', piece);
        if (seed % 2) await nextFrame();
      }
      message.status = 'done';
      await message.updateComplete;
      expect(message.answer).to.equal(ANSWER);
      expect(renderedHtml(answerOf(message)), `seed ${seed}`).to.equal(wholeRender(ANSWER));
    }
  });

  it('never touches a finished block again: the same nodes, unchanged, while 60 more blocks stream', async () => {
    const message = await streamingMessage();
    message.appendText('answer', '# Title\n\nA first paragraph with **bold**.\n\n');
    await nextFrame();
    message.appendText('answer', 'Second');
    await nextFrame();
    const heading = answerOf(message).querySelector('h1')!;
    const paragraph = answerOf(message).querySelector('p')!;
    expect(paragraph.textContent).to.equal('A first paragraph with bold.');
    const mutations: MutationRecord[] = [];
    const observer = new MutationObserver((records) => mutations.push(...records));
    observer.observe(heading, { childList: true, subtree: true, characterData: true, attributes: true });
    observer.observe(paragraph, { childList: true, subtree: true, characterData: true, attributes: true });
    for (let n = 0; n < 60; n++) {
      for (const piece of pieces(` paragraph ${n} with *emphasis*.\n\n- item\n\nNext`, n, 4))
        message.appendText('answer', piece);
      await nextFrame();
    }
    await new Promise((r) => setTimeout(r));
    observer.disconnect();
    expect(heading.isConnected && paragraph.isConnected, 'still the same nodes in the answer').to.equal(true);
    expect(answerOf(message).querySelector('h1')).to.equal(heading);
    expect(mutations, 'no mutation inside a finished block').to.have.length(0);
    expect(answerOf(message).querySelectorAll('p').length).to.be.greaterThan(60);
  });

  for (const [name, block, child, count] of [
    ['list', Array.from({ length: 120 }, (_, i) => `- item ${i} with **bold**\n`).join(''), 'li', 120],
    [
      'table',
      `| n | twice |\n|--:|:-:|\n${Array.from({ length: 90 }, (_, i) => `| ${i} | **${i * 2}** |\n`).join('')}`,
      'tbody > tr',
      90,
    ],
  ] as const) {
    it(`keeps the nodes of a long ${name}’s finished children while it streams on, then renders it whole`, async () => {
      const message = await streamingMessage();
      const children = () => [...answerOf(message).querySelectorAll(child)];
      let first: Element | undefined;
      let inserted = 0;
      const observer = new MutationObserver((records) => {
        for (const record of records)
          inserted += [...record.addedNodes].filter((n) => n.nodeName === 'LI' || n.nodeName === 'TR').length;
      });
      for (const [index, piece] of (block.match(/[^]{1,6}/g) ?? []).entries()) {
        message.appendText('answer', piece);
        if (index % 10 !== 0) continue;
        await nextFrame();
        if (!first && children().length > 3) {
          first = children()[0]!;
          observer.observe(answerOf(message), { childList: true, subtree: true });
        }
      }
      await nextFrame();
      await new Promise((r) => setTimeout(r));
      observer.disconnect();
      expect(first?.isConnected, 'the first child is the same node while the block is open').to.equal(true);
      expect(children()[0]).to.equal(first);
      expect(children()).to.have.length(count);
      // Each frame adds the newly finished children and the open one, never the whole block again.
      expect(inserted, 'children inserted').to.be.below(count * 3);
      message.appendText('answer', '\nAfter.');
      message.status = 'done';
      await message.updateComplete;
      expect(renderedHtml(answerOf(message))).to.equal(wholeRender(`${block}\nAfter.`));
    });
  }

  it('shows an open code fence as a code block while it streams, never its backticks', async () => {
    const message = await streamingMessage();
    const fence = 'Intro.\n\n```js\nconst a = 1;\nconst b = "<b>not bold</b>";\n';
    for (let end = fence.indexOf('```') + 6; end <= fence.length; end += 3) {
      message.answer = fence.slice(0, end);
      await nextFrame();
      const code = answerOf(message).querySelector('pre > code');
      expect(code, `prefix of ${end} characters`).to.exist;
      expect(answerOf(message).textContent).not.to.contain('```');
      expect(answerOf(message).querySelector('b'), 'code is text, not HTML').to.equal(null);
    }
    expect(answerOf(message).querySelector('pre > code')!.textContent).to.equal(
      'const a = 1;\nconst b = "<b>not bold</b>";\n',
    );
  });

  it('coalesces many appends in one task into one DOM update at the next frame', async () => {
    const message = await streamingMessage();
    let batches = 0;
    const observer = new MutationObserver(() => batches++);
    observer.observe(answerOf(message), { childList: true, subtree: true, characterData: true });
    for (const piece of pieces(ANSWER, 9, 3)) message.appendText('answer', piece);
    await Promise.resolve();
    expect(answerOf(message).childNodes.length, 'nothing before the frame').to.equal(0);
    await nextFrame();
    await new Promise((r) => setTimeout(r));
    observer.disconnect();
    expect(batches).to.equal(1);
    expect(answerOf(message).querySelector('table')).to.exist;
  });

  it('takes a large text that arrives at once over several frames, ending as rendering it at once', async () => {
    // 1,200 blocks (~75 KB): more than a frame takes, so frames go on until it is all shown;
    // flush() and the end still render whatever is left at once.
    const big = Array.from({ length: 300 }, (_, i) =>
      [
        `Paragraph ${i} with **bold** and \`code\`.`,
        `- item ${i}\n- next`,
        '```\nline\n```',
        `| a |\n|---|\n| ${i} |`,
      ].join('\n\n'),
    ).join('\n\n');
    const settled = await streamingMessage();
    settled.appendText('answer', big);
    for (let frame = 0; frame < 1000 && renderedHtml(answerOf(settled)) !== wholeRender(big); frame++)
      await nextFrame();
    expect(renderedHtml(answerOf(settled)), 'after frames').to.equal(wholeRender(big));
    for (const end of ['flush', 'done'] as const) {
      const message = await streamingMessage();
      message.appendText('answer', big);
      await nextFrame();
      message.appendText('answer', '\n\nEnd.');
      if (end === 'flush') message.flush();
      else {
        message.status = 'done';
        await message.updateComplete;
      }
      expect(renderedHtml(answerOf(message)), end).to.equal(wholeRender(big + '\n\nEnd.'));
    }
  });

  it('groups finished blocks in pages the browser may skip while out of view', async () => {
    const message = await streamingMessage();
    const text = Array.from({ length: 100 }, (_, i) => `Paragraph ${i} with **bold** text.`).join('\n\n');
    for (const piece of pieces(text, 3, 40)) message.appendText('answer', piece);
    message.status = 'done';
    await message.updateComplete;
    const pages = [...answerOf(message).children];
    expect(pages.length).to.equal(4);
    for (const page of pages) {
      expect(page.className).to.equal('md-page');
      expect(page.childElementCount).to.be.at.most(32);
      expect(getComputedStyle(page).contentVisibility).to.equal('auto');
    }
    expect(renderedHtml(answerOf(message))).to.equal(wholeRender(text));
  });

  it('renders without animation frames while the page is hidden', async () => {
    const message = await streamingMessage();
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    try {
      message.appendText('answer', 'hidden **text**');
      await Promise.resolve();
      await Promise.resolve();
      expect(answerOf(message).querySelector('strong')?.textContent).to.equal('text');
    } finally {
      delete (document as { visibilityState?: string }).visibilityState;
    }
  });

  it('never lets a script, handler or javascript: URL reach the DOM, even split across chunks, in both blocks', async () => {
    const payloads = [
      '<scr' + 'ipt>window.__xss = 1</script>',
      '<img src="https://x.invalid/a.png" onerror="window.__xss = 2">',
      '[click](java' + 'script:window.__xss=3)',
      '<a href="javascript:window.__xss=4">x</a>',
      '<iframe src="javascript:window.__xss=5"></iframe><form action="https://evil.invalid"><input></form>',
      '<svg><animate onbegin="window.__xss=6" attributeName="x"/></svg>',
      '<details open ontoggle="window.__xss=7">x</details>',
    ];
    const text = `Intro **bold**\n\n${payloads.join('\n\n')}\n\nend`;
    for (const block of ['think', 'answer'] as const) {
      const message = await streamingMessage();
      const unsafe: string[] = [];
      const check = (node: Node) => {
        if (!(node instanceof Element)) return;
        for (const el of [node, ...node.querySelectorAll('*')]) {
          if (/^(SCRIPT|IFRAME|FORM|INPUT)$/.test(el.tagName)) unsafe.push(el.tagName);
          for (const attr of el.attributes) {
            if (/^on/i.test(attr.name) || /^\s*javascript:/i.test(attr.value))
              unsafe.push(`${el.tagName} ${attr.name}`);
          }
        }
      };
      const observer = new MutationObserver((records) => {
        for (const record of records) {
          record.addedNodes.forEach(check);
          if (record.type === 'attributes') check(record.target);
        }
      });
      observer.observe(message.shadowRoot!, { childList: true, subtree: true, attributes: true });
      for (const piece of pieces(text, 7, 3)) {
        message.appendText(block, piece);
        message.flush();
      }
      message.status = 'done';
      await message.updateComplete;
      await new Promise((r) => setTimeout(r, 50));
      observer.disconnect();
      expect(unsafe, block).to.deep.equal([]);
      expect((window as { __xss?: number }).__xss).to.equal(undefined);
    }
  });

  it('shows user messages as text: no markdown, no HTML', async () => {
    const message = await fixture<SseMessage>(
      html`<sse-message author="user" .answer=${'**not bold** <b>raw</b>'}></sse-message>`,
    );
    const answer = answerOf(message);
    expect(answer.textContent).to.equal('**not bold** <b>raw</b>');
    expect(answer.children).to.have.length(0);
  });

  it('shows a think block from history collapsed, labelled "Thoughts"', async () => {
    const message = await fixture<SseMessage>(
      html`<sse-message status="done" .think=${'I *considered* it.'} .answer=${'Yes.'}></sse-message>`,
    );
    const details = message.shadowRoot!.querySelector('details')!;
    expect(details.hidden).to.equal(false);
    expect(details.open).to.equal(false);
    expect(details.querySelector('summary')!.textContent!.trim()).to.equal('Thoughts');
    expect(details.querySelector('em')!.textContent).to.equal('considered');
  });

  it('a standalone <sse-message> takes only the strings to change, the rest from the defaults', async () => {
    const message = await fixture<SseMessage>(
      html`<sse-message
        status="done"
        .strings=${{ thoughts: 'Réflexions' }}
        .think=${'Hmm.'}
        .answer=${'Oui.'}
      ></sse-message>`,
    );
    expect(message.shadowRoot!.querySelector('summary')!.textContent!.trim()).to.equal('Réflexions');
    expect(message.shadowRoot!.querySelector('.visually-hidden')!.textContent).to.equal('Assistant:');
  });

  it('renders its text afresh when reused for another author', async () => {
    const message = await fixture<SseMessage>(
      html`<sse-message status="done" author="user" .answer=${'**as typed**'}></sse-message>`,
    );
    expect(answerOf(message).textContent).to.equal('**as typed**');
    message.author = 'assistant';
    message.think = 'Thinking *hard*.';
    await message.updateComplete;
    expect(answerOf(message).querySelector('strong')?.textContent).to.equal('as typed');
    expect(message.shadowRoot!.querySelector('[part="think-body"] em')?.textContent).to.equal('hard');
    message.author = 'user';
    await message.updateComplete;
    expect(answerOf(message).textContent).to.equal('**as typed**');
    expect(answerOf(message).children).to.have.length(0);
  });

  it('hides the think block when there is none', async () => {
    const message = await fixture<SseMessage>(
      html`<sse-message status="done" .answer=${'Just an answer.'}></sse-message>`,
    );
    expect(message.shadowRoot!.querySelector('details')!.hidden).to.equal(true);
  });

  it('renders again when the source is replaced (overwrite), and continues after a resume', async () => {
    const message = await streamingMessage();
    message.appendText('answer', 'first version');
    message.answer = '# replaced';
    message.flush();
    expect(renderedHtml(answerOf(message))).to.equal(wholeRender('# replaced'));
    message.status = 'error';
    await message.updateComplete;
    message.status = 'streaming';
    message.appendText('answer', ' and more');
    message.status = 'done';
    await message.updateComplete;
    expect(renderedHtml(answerOf(message))).to.equal(wholeRender('# replaced and more'));
  });
});

describe('<sse-message> when its answer is asked again', () => {
  it('times the new thinking alone, not the broken attempt and the wait', async () => {
    const realNow = Date.now;
    let now = 1_000_000;
    Date.now = () => now;
    try {
      const message = await fixture<SseMessage>(
        html`<sse-message author="assistant" status="streaming"></sse-message>`,
      );
      const summary = () => message.shadowRoot!.querySelector('[part="think-summary"]')!.textContent!.trim();
      message.appendText('think', 'first try');
      now += 10_000;
      message.appendText('answer', 'half');
      await message.updateComplete;
      expect(summary()).to.equal('Thought for 10 s');
      now += 10_000;
      message.think = ''; // the restart replaced the text
      message.answer = '';
      now += 1_000;
      message.appendText('think', 'second try');
      now += 2_000;
      message.appendText('answer', 'whole');
      await message.updateComplete;
      expect(summary()).to.equal('Thought for 2 s');
    } finally {
      Date.now = realNow;
    }
  });
});
