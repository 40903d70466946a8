/** What streamed markdown must end up as: the HTML of rendering the whole text at once. */
import { renderMarkdown } from '../../src/markdown/sanitize.js';

export function wholeRender(markdown: string): string {
  const div = document.createElement('div');
  div.append(renderMarkdown(markdown));
  return div.innerHTML;
}
