/**
 * Puts a growing markdown text into a container, incrementally: the cost of a chunk does
 * not grow with the message.
 *
 * Appends are cheap (they only grow a string); the DOM is updated at most once per
 * animation frame: completed blocks are sanitized and inserted once, and only the nodes of
 * the open tail are replaced. A frame's work is bounded: it takes the text in slices of
 * about `SLICE` characters until `FRAME_BUDGET_MS` is spent, and leaves the rest to the next
 * frame, so a large network read (or a long text set at once) never makes one long task.
 * `flush()` and `end()` render everything at once. While the page is hidden there are no
 * frames, so the update runs in a microtask instead (once per network read, not per event).
 *
 * Every code block gets a copy button (`part="code-copy"`) as it appears, streaming or not; it
 * copies the code's text, never its HTML. A `highlight` function runs once per *finished* code
 * block (an open one shows plain code: no flicker, no cost per token), and its HTML goes
 * through the same sanitizer as everything else.
 */
import {
  createIncrementalMarkdown,
  type ContainerUpdate,
  type IncrementalMarkdown,
} from '../src/markdown/incremental.js';
import { sanitizeToFragment } from '../src/markdown/sanitize.js';

/** Completed block elements per page. */
const PAGE_SIZE = 32;
/** The text a frame takes in one step (cut after a line end when there is one). */
const SLICE = 2048;
/** A frame takes another slice until it has spent this long. */
const FRAME_BUDGET_MS = 8;
/** How long a copy button says "Copied". */
const COPIED_MS = 2000;

/**
 * Highlights one finished code block: returns HTML for the inside of its `<code>` (sanitized
 * before it is shown), or a promise of it. `language` is the fence's info word, or `''`.
 */
export type Highlighter = (code: string, language: string) => string | Promise<string>;

export interface MarkdownViewOptions {
  /** The copy buttons' words, read when they are made or pressed. */
  labels?: () => { copy: string; copied: string };
  /** The highlighter, read when a code block finishes. */
  highlight?: () => Highlighter | undefined;
}

export class MarkdownView {
  readonly #container: HTMLElement;
  #markdown: IncrementalMarkdown = createIncrementalMarkdown();
  /** The whole source, to start over when text is added after `end()`. */
  #source = '';
  /** The end of the source not yet given to `#markdown` (frames take it in slices). */
  #pending = '';
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

  readonly #options: MarkdownViewOptions;

  constructor(container: HTMLElement, options: MarkdownViewOptions = {}) {
    this.#container = container;
    this.#options = options;
    container.addEventListener('click', (event) => {
      const button = (event.target as Element | null)?.closest?.('.code-copy');
      if (button instanceof HTMLButtonElement) void this.#copy(button);
    });
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
      this.#markdown.reset();
      this.#pending = this.#source;
    } else {
      this.#pending += text;
    }
    this.#schedule();
  }

  replace(text: string): void {
    this.#source = text;
    this.#ended = false;
    this.#markdown.reset();
    this.#pending = text;
    this.#schedule();
  }

  /** The text is complete: render the rest now, tail included, as final blocks. */
  end(): void {
    this.#ended = true;
    this.#cancel();
    this.#take(this.#pending.length);
    this.#apply(true);
  }

  /** Renders what is pending now instead of at the next frame. */
  flush(): void {
    this.#cancel();
    this.#take(this.#pending.length);
    if (this.#markdown.dirty || this.#plain) this.#apply(false);
  }

  /** One frame: slices of the pending text until the budget is spent; the rest at the next frame. */
  #frameWork(): void {
    const deadline = performance.now() + FRAME_BUDGET_MS;
    if (this.#plain) this.#take(this.#pending.length);
    do {
      if (this.#pending) {
        let end = Math.min(this.#pending.length, SLICE);
        if (end < this.#pending.length) {
          // After a line end when there is one (no half-written line to complete), and never
          // between the halves of a surrogate pair.
          const line = this.#pending.lastIndexOf('\n', end - 1) + 1;
          end = line > SLICE / 4 ? line : end - +/[\uD800-\uDBFF]/.test(this.#pending[end - 1] ?? '');
        }
        this.#take(end);
      }
      if (this.#markdown.dirty || this.#plain) this.#apply(false);
    } while (this.#pending && performance.now() < deadline);
    if (this.#pending) this.#schedule();
  }

  /** Gives the first `length` pending characters to the renderer. */
  #take(length: number): void {
    if (!length) return;
    this.#markdown.push(this.#pending.slice(0, length));
    this.#pending = this.#pending.slice(length);
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
      this.#frameWork();
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
      this.#open.element.append(...this.#decorateAll(children(open, open.frozen)));
      this.#open.live = this.#decorateAll(children(open, open.live));
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
    if (update.committed) this.#commit(this.#decorate(sanitizeToFragment(update.committed), true));
    // A container's parts when they start (`frozen` then holds every frozen child); any
    // other time the whole tail (a later step's `frozen` holds only the new children).
    const parts = open?.restart ? open : undefined;
    const tail = this.#decorate(sanitizeToFragment(parts ? parts.head + parts.frozen + parts.close : update.tail));
    this.#tail = [...tail.childNodes];
    if (parts) {
      const element = containerElement(tail, parts.kind);
      if (element) {
        const live = this.#decorateAll(children(parts, parts.live));
        element.append(...live);
        this.#open = { element, live };
      } else {
        // Not the shape expected (it always is): show the tail whole.
        tail.replaceChildren(this.#decorate(sanitizeToFragment(update.tail)));
        this.#tail = [...tail.childNodes];
      }
    }
    this.#container.append(tail);
  }

  /**
   * Gives each code block of freshly sanitized HTML its copy button, and highlights it once
   * `finished`. The button is ours, added after sanitizing: no server text makes it.
   */
  #decorate<T extends ParentNode>(root: T, finished = false): T {
    for (const pre of root.querySelectorAll('pre')) {
      const code = pre.querySelector(':scope > code');
      if (!code) continue;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'code-copy';
      button.setAttribute('part', 'code-copy');
      button.textContent = this.#labels().copy;
      pre.prepend(button);
      if (finished) this.#highlight(code);
    }
    return root;
  }

  #decorateAll(nodes: ChildNode[]): ChildNode[] {
    for (const node of nodes) if (node instanceof Element) this.#decorate(node);
    return nodes;
  }

  #labels(): { copy: string; copied: string } {
    return this.#options.labels?.() ?? { copy: 'Copy', copied: 'Copied' };
  }

  /** Copies the code of a copy button's block, as text, and says so on the button for a moment. */
  async #copy(button: HTMLButtonElement): Promise<void> {
    const code = button.parentElement?.querySelector(':scope > code');
    try {
      await navigator.clipboard.writeText(code?.textContent ?? '');
    } catch (error) {
      console.warn('sse-chat: could not copy the code:', error);
      return;
    }
    button.textContent = this.#labels().copied;
    button.dataset.copied = '';
    setTimeout(() => {
      button.textContent = this.#labels().copy;
      delete button.dataset.copied;
    }, COPIED_MS);
  }

  /** Runs the highlighter on a finished code block; its HTML replaces the code's, sanitized. */
  #highlight(code: Element): void {
    const highlight = this.#options.highlight?.();
    if (!highlight) return;
    const source = code.textContent ?? '';
    const language = /(?:^|\s)language-(\S+)/.exec(code.className)?.[1] ?? '';
    const warn = (error: unknown) => console.warn('sse-chat: the highlight function failed:', error);
    try {
      void Promise.resolve(highlight(source, language)).then((html) => {
        // A block re-rendered meanwhile (its text replaced) is not this one any more.
        if (typeof html === 'string' && code.textContent === source) code.replaceChildren(sanitizeToFragment(html));
      }, warn);
    } catch (error) {
      warn(error);
    }
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
