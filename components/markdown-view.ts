/**
 * Puts a growing markdown text into a container, incrementally: the cost of a chunk does
 * not grow with the message.
 *
 * Appends are cheap (they only grow a string); the DOM is updated at most once per
 * animation frame: completed blocks are sanitized and inserted once, and only the nodes of
 * the open tail are replaced. While the page is hidden there are no frames, so the update
 * runs in a microtask instead (once per network read, not per event).
 */
import {
  createIncrementalMarkdown,
  type ContainerUpdate,
  type IncrementalMarkdown,
} from '../src/markdown/incremental.js';
import { sanitizeToFragment } from '../src/markdown/sanitize.js';

/** Completed block elements per page. */
const PAGE_SIZE = 32;

export class MarkdownView {
  readonly #container: HTMLElement;
  #markdown: IncrementalMarkdown = createIncrementalMarkdown();
  /** The whole source, to start over when text is added after `end()`. */
  #source = '';
  #tail: ChildNode[] = [];
  /** While the tail is a long list or table: its `<ul>`/`<ol>`/`<tbody>`, and the open child's nodes. */
  #open: { element: Element; live: ChildNode[] } | undefined;
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
      this.#open = undefined;
      this.#page = undefined;
      this.#container.replaceChildren(document.createTextNode(this.#source));
      return;
    }
    const open = update.container;
    if (open && !open.restart && this.#open && !update.reset && !update.committed) {
      // A long list or table: frozen children are appended once, only the open one is replaced.
      for (const node of this.#open.live) node.remove();
      this.#open.element.append(...children(open, open.frozen));
      this.#open.live = children(open, open.live);
      this.#open.element.append(...this.#open.live);
      return;
    }
    if (update.reset) {
      this.#container.replaceChildren();
      this.#tail = [];
      this.#page = undefined;
    }
    for (const node of this.#tail) node.remove();
    this.#open = undefined;
    if (update.committed) this.#commit(sanitizeToFragment(update.committed));
    // A container's parts when they start (`frozen` then holds every frozen child); any
    // other time the whole tail (a later step's `frozen` holds only the new children).
    const parts = open?.restart ? open : undefined;
    const tail = sanitizeToFragment(parts ? parts.head + parts.frozen + parts.close : update.tail);
    this.#tail = [...tail.childNodes];
    if (parts) {
      const element = containerElement(tail, parts.kind);
      if (element) {
        const live = children(parts, parts.live);
        element.append(...live);
        this.#open = { element, live };
      } else {
        // Not the shape expected (it always is): show the tail whole.
        tail.replaceChildren(sanitizeToFragment(update.tail));
        this.#tail = [...tail.childNodes];
      }
    }
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

/** The element a list's items or a table's rows go in: the `<ul>`/`<ol>`, or the table's `<tbody>`. */
function containerElement(fragment: DocumentFragment, kind: ContainerUpdate['kind']): Element | undefined {
  const block = fragment.firstElementChild;
  if (kind === 'list') return block?.localName === 'ul' || block?.localName === 'ol' ? block : undefined;
  const body = block?.localName === 'table' ? block.lastElementChild : null;
  return body?.localName === 'tbody' ? body : undefined;
}

/** Sanitized child nodes (`<li>`s, `<tr>`s and the line breaks between them), parsed in their context. */
function children(open: ContainerUpdate, html: string): ChildNode[] {
  if (!html) return [];
  const [before, after] = open.kind === 'list' ? ['<ul>', '</ul>'] : ['<table><tbody>', '</tbody></table>'];
  const element = containerElement(sanitizeToFragment(before + html + after), open.kind);
  return element ? [...element.childNodes] : [];
}
