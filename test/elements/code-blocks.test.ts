/**
 * Code blocks in answers: a copy button in each one's corner (`part="code-copy"`), there while
 * the block streams, copying exactly the code's text; and the `highlight` hook, called once per
 * finished block, whose HTML is sanitized like everything else.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../components/define.js';
import type { SseMessage } from '../../components/sse-message.js';
import { renderedHtml, wholeRender } from '../helpers/markdown.js';
import { until } from '../helpers/stream.js';

const CODE = 'const a = 1 < 2 && "x";\nconsole.log(`${a}`); // 流 👩‍💻\n';
const MARKDOWN = `Some code:\n\n\`\`\`js\n${CODE}\`\`\`\n\nAnd more:\n\n\`\`\`\nplain <b>text</b>\n\`\`\`\n`;

async function message(): Promise<SseMessage> {
  const element = await fixture<SseMessage>(html`<sse-message author="assistant" status="streaming"></sse-message>`);
  await element.updateComplete;
  return element;
}

const answer = (element: SseMessage) => element.shadowRoot!.querySelector<HTMLElement>('[part="answer"]')!;
const buttons = (element: SseMessage) => [...answer(element).querySelectorAll<HTMLButtonElement>('[part="code-copy"]')];

describe('code blocks', () => {
  before(async () => {
    await executeServerCommand('grant-clipboard');
  });

  it('have a copy button while they stream, which copies the code as text', async () => {
    const element = await message();
    // The fence is still open: the block streams.
    element.appendText('answer', `Some code:\n\n\`\`\`js\n${CODE.slice(0, 20)}`);
    element.flush();
    expect(buttons(element)).to.have.length(1);
    buttons(element)[0]!.click();
    await until(() => buttons(element)[0]?.textContent === 'Copied', 3000, 'the button says Copied');
    // What the open block shows: its lines so far (marked ends a code block's text with a newline).
    expect(await navigator.clipboard.readText()).to.equal(`${CODE.slice(0, 20)}\n`);

    element.appendText('answer', MARKDOWN.slice(`Some code:\n\n\`\`\`js\n${CODE.slice(0, 20)}`.length));
    element.status = 'done';
    await element.updateComplete;
    expect(buttons(element)).to.have.length(2);
    buttons(element)[0]!.click();
    await until(async () => (await navigator.clipboard.readText()) === CODE, 3000, 'the whole code copied');
    buttons(element)[1]!.click();
    await until(
      async () => (await navigator.clipboard.readText()) === 'plain <b>text</b>\n',
      3000,
      'the text, not HTML',
    );
    expect(buttons(element).every((button) => button.getAttribute('type') === 'button')).to.equal(true);
    // Apart from the buttons, the DOM is the whole text's rendering.
    expect(renderedHtml(answer(element))).to.equal(wholeRender(MARKDOWN));
  });

  it('are highlighted once each, when finished, with the highlighter output sanitized', async () => {
    const calls: Array<[string, string]> = [];
    const element = await message();
    element.highlight = (code, language) => {
      calls.push([code, language]);
      return `<span class="kw">${language}</span><img src="x" onerror="window.__pwned = true"><script>window.__pwned = true</script>`;
    };
    // Streamed in small pieces, a frame's render after each: the open block is never highlighted.
    for (let i = 0; i < MARKDOWN.length; i += 7) {
      element.appendText('answer', MARKDOWN.slice(i, i + 7));
      element.flush();
      // Never more calls than fences closed so far: an open block is never highlighted.
      const closed = Math.floor((MARKDOWN.slice(0, i + 7).split('```').length - 1) / 2);
      expect(calls.length).to.be.at.most(closed);
    }
    element.status = 'done';
    await element.updateComplete;
    await until(() => answer(element).querySelectorAll('.kw').length === 2, 3000, 'both blocks highlighted');
    expect(calls).to.deep.equal([
      [CODE, 'js'],
      ['plain <b>text</b>\n', ''],
    ]);
    // The host's styles for the highlighter's classes reach into the message.
    element.highlightStyles = '.kw { color: rgb(200, 0, 0); }';
    await element.updateComplete;
    expect(getComputedStyle(answer(element).querySelector('.kw')!).color).to.equal('rgb(200, 0, 0)');
    const img = answer(element).querySelector('pre img')!;
    expect(img.hasAttribute('onerror')).to.equal(false);
    expect(answer(element).querySelector('script')).to.equal(null);
    expect((window as { __pwned?: boolean }).__pwned).to.equal(undefined);
    // The copy button still copies the code's text.
    buttons(element)[0]!.click();
    await until(async () => (await navigator.clipboard.readText()) === 'js', 3000, 'the highlighted text copied');
  });

  it('a highlighter that throws or rejects leaves the plain code, with a warning', async () => {
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const element = await message();
      let n = 0;
      element.highlight = () => {
        n++;
        if (n === 1) throw new Error('boom');
        return Promise.reject(new Error('later boom'));
      };
      element.appendText('answer', MARKDOWN);
      element.status = 'done';
      await element.updateComplete;
      await until(() => warnings.length === 2, 3000, 'two warnings');
      expect(renderedHtml(answer(element))).to.equal(wholeRender(MARKDOWN));
    } finally {
      console.warn = warn;
    }
  });
});
