/** What streamed markdown must end up as: the HTML of rendering the whole text at once. */
import { renderMarkdown } from '../../src/markdown/sanitize.js';

export function wholeRender(markdown: string): string {
  const div = document.createElement('div');
  div.append(renderMarkdown(markdown));
  return div.innerHTML;
}

/**
 * The HTML a streamed view shows, comparable with `wholeRender()`: `<sse-message>` groups
 * finished blocks in `<div class="md-page">`s (the browser skips them while out of view),
 * which rendering the whole text at once does not have, so they are unwrapped; each code
 * block's copy button (ours, not the text's) is left out; and highlighted code (the
 * `highlight` hook's markup) is compared by its text, which must be the code's.
 */
export function renderedHtml(container: Element): string {
  const copy = document.createElement('div');
  copy.append(...[...container.childNodes].map((node) => node.cloneNode(true)));
  for (const page of copy.querySelectorAll(':scope > .md-page')) page.replaceWith(...page.childNodes);
  for (const button of copy.querySelectorAll('pre > .code-copy')) button.remove();
  for (const code of copy.querySelectorAll('pre > code')) code.textContent = code.textContent; // eslint-disable-line no-self-assign
  return copy.innerHTML;
}
