/**
 * Puts a growing markdown text into a container, incrementally (DESIGN §7).
 *
 * Appends are cheap (they only grow a string); the DOM is updated at most once per
 * animation frame: completed blocks are sanitized and inserted once, and only the nodes of
 * the open tail are replaced. While the page is hidden there are no frames, so the update
 * runs in a microtask instead (once per network read, not per event).
 */
import { createIncrementalMarkdown, type IncrementalMarkdown } from '../src/markdown/incremental.js';
import { sanitizeToFragment } from '../src/markdown/sanitize.js';

/** Completed block elements per page. */
const PAGE_SIZE = 32;

export class MarkdownView {
  readonly #container: HTMLElement;
  #markdown: IncrementalMarkdown = createIncrementalMarkdown();
  /** The whole source, to start over when text is added after `end()`. */
  #source = '';
  #tail: ChildNode[] = [];
  /** The page completed blocks go into, and how many elements it holds. */
  #page: HTMLElement | undefined;
  #pageSize = 0;
  #frame: number | undefined;
  #microtask = false;
  #ended = false;
  /** marked threw once: from then on the text is shown as plain text. */
  #plain = false;

  constructor(container: HTMLElement) {
    this.#container = container;
  }

  get text(): string {
    return this.#source;
  }

  append(text: string): void {
    if (!text) return;
    this.#source += text;
    if (this.#ended) {
      // Continued after it ended (a resume after an error): render it all again, once.
      this.#ended = false;
      this.#markdown.reset(this.#source);
    } else {
      this.#markdown.push(text);
    }
    this.#schedule();
  }

  replace(text: string): void {
    this.#source = text;
    this.#ended = false;
    this.#markdown.reset(text);
    this.#schedule();
  }

  /** The text is complete: render the rest now, tail included, as final blocks. */
  end(): void {
    this.#ended = true;
    this.#cancel();
    this.#apply(true);
  }

  /** Renders what is pending now instead of at the next frame. */
  flush(): void {
    this.#cancel();
    if (this.#markdown.dirty || this.#plain) this.#apply(false);
  }

  /** Stops any scheduled update (the element left the page). */
  dispose(): void {
    this.#cancel();
  }

  #schedule(): void {
    if (document.visibilityState === 'hidden') {
      if (this.#microtask) return;
      this.#microtask = true;
      queueMicrotask(() => {
        if (!this.#microtask) return;
        this.#microtask = false;
        this.flush();
      });
      return;
    }
    this.#frame ??= requestAnimationFrame(() => {
      this.#frame = undefined;
      this.flush();
    });
  }

  #cancel(): void {
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    this.#microtask = false;
  }

  #apply(final: boolean): void {
    let update;
    if (!this.#plain) {
      try {
        update = this.#markdown.take(final);
      } catch (error) {
        // marked should never throw; if it does, the text is still shown, as text.
        console.warn('sse-chat: could not render markdown, showing it as text:', error);
        this.#plain = true;
      }
    }
    if (!update) {
      this.#tail = [];
      this.#page = undefined;
      this.#container.replaceChildren(document.createTextNode(this.#source));
      return;
    }
    if (update.reset) {
      this.#container.replaceChildren();
      this.#tail = [];
      this.#page = undefined;
    }
    for (const node of this.#tail) node.remove();
    if (update.committed) this.#commit(sanitizeToFragment(update.committed));
    const tail = sanitizeToFragment(update.tail);
    this.#tail = [...tail.childNodes];
    this.#container.append(tail);
  }

  #commit(blocks: DocumentFragment): void {
    for (const node of [...blocks.childNodes]) {
      if (!this.#page || (node instanceof Element && this.#pageSize >= PAGE_SIZE)) {
        this.#page = document.createElement('div');
        this.#page.className = 'md-page';
        this.#pageSize = 0;
        this.#container.append(this.#page);
      }
      this.#page.append(node);
      if (node instanceof Element) this.#pageSize++;
    }
  }
}

/** The HTML a view rendered, pages unwrapped: equal to rendering the whole text at once. */
export function renderedHtml(container: Element): string {
  const copy = container.cloneNode(true) as Element;
  for (const page of copy.querySelectorAll(':scope > .md-page')) page.replaceWith(...page.childNodes);
  return copy.innerHTML;
}
