/**
 * Incremental markdown rendering: the text grows by chunks; completed top-level
 * blocks are rendered once and never again; only the open tail is re-rendered.
 *
 * A top-level block is complete once another block has started after it: markdown can
 * still change the *last* block (a `===` line turns a paragraph into a heading, an indented
 * line continues a list, a delimiter row turns a line into a table), never an earlier one.
 * So each `take()` lexes only the text after the last completed block, commits every block
 * before the last one that is not blank, and renders the rest as the tail, completed by
 * `completeTail` so that half-written syntax does not flash. The work per `take()` is
 * bounded by the size of the open block, not by the size of the message — and a long list
 * or table, one block however long it grows, has its finished items and rows frozen
 * (`containers.ts`), so the work stays the size of one item or row.
 *
 * Pure: strings in, HTML strings out. Sanitizing and the DOM are the caller's job.
 */
import type { Token } from 'marked';
import { completeTail } from './complete.js';
import { continueContainer, openContainer, type ContainerStep, type OpenContainer } from './containers.js';
import { lexBlocks, renderTokens, type LinkDefinitions } from './render.js';

export interface MarkdownUpdate {
  /** The text was replaced (`reset()`): drop everything rendered before. */
  reset: boolean;
  /** HTML of the blocks completed since the last `take()`, to render once and keep. */
  committed: string;
  /** HTML of the open tail; replaces the previous tail. */
  tail: string;
  /**
   * Set while the tail is a long list or table whose finished children are frozen: the
   * same tail in parts, so a view can keep the frozen children's nodes and replace only the
   * open one. `restart`: the parts are new (`frozen` holds every frozen child); else
   * `frozen` holds the children frozen since the last `take()`, to append.
   */
  container?: ContainerUpdate;
}

export interface ContainerUpdate {
  restart: boolean;
  kind: 'list' | 'table';
  /** The HTML around the children: `head` + children + `close` is the tail. */
  head: string;
  close: string;
  frozen: string;
  live: string;
}

export interface IncrementalMarkdown {
  /** Appends text to the source. */
  push(text: string): void;
  /** Replaces the whole source. */
  reset(text?: string): void;
  /** What changed since the last call. With `final`, everything is committed as is. */
  take(final?: boolean): MarkdownUpdate;
  /** Whether `take()` has something new to report. */
  readonly dirty: boolean;
}

export function createIncrementalMarkdown(): IncrementalMarkdown {
  /** Source after the last committed block, CR/CRLF already turned into LF. */
  let open = '';
  /** A CR at the end of the last chunk: LF or CRLF, decided by the next chunk. */
  let pendingCr = false;
  let links: LinkDefinitions = Object.create(null) as LinkDefinitions;
  /** The committed source, kept only to re-render it when a late link definition arrives. */
  let committedSource = '';
  let reset = false;
  let dirty = false;
  /** The open tail is a long list or table whose finished children are frozen (`open` is the rest). */
  let container: OpenContainer | undefined;

  /** The update of a frame in an open container. */
  function containerUpdate(
    update: MarkdownUpdate,
    open: OpenContainer,
    step: ContainerStep,
    restart: boolean,
  ): MarkdownUpdate {
    update.container = {
      restart,
      kind: open.kind,
      head: open.head,
      close: open.close,
      frozen: restart ? open.frozenHtml : step.frozen,
      live: step.live,
    };
    update.tail = open.head + open.frozenHtml + step.live + open.close;
    return update;
  }

  /** Renders the open container whole again from now on (its shape is no longer the plain one). */
  function closeContainer(): void {
    if (!container) return;
    open = container.frozenSource + open;
    container = undefined;
  }

  function push(text: string) {
    if (!text) return;
    if (pendingCr) text = '\r' + text;
    pendingCr = text.endsWith('\r');
    if (pendingCr) text = text.slice(0, -1);
    open += text.replace(/\r\n?/g, '\n');
    dirty = true;
  }

  function take(final = false): MarkdownUpdate {
    const update: MarkdownUpdate = { reset, committed: '', tail: '' };
    reset = false;
    dirty = false;
    if (final && pendingCr) {
      open += '\n';
      pendingCr = false;
    }
    if (container && !final) {
      const step = continueContainer(container, open, links);
      if (step) {
        open = step.rest;
        return containerUpdate(update, container, step, false);
      }
    }
    // The list or table ended, or took a shape that is rendered whole: from here as before.
    // (Its view restarts from the tail below; a finished block is committed whole, once.)
    closeContainer();
    if (!open) return update;
    // Definitions seen in the open text may still be half-written: only committed ones are kept.
    const tokens = lexBlocks(open, { ...links });
    let last = final ? tokens.length : lastContentIndex(tokens);
    // While the last block's first line is unfinished it may yet turn out to continue the
    // block right before it (`para\n#` then `hash`: one paragraph), so that one stays open
    // too. A blank line between them closes the earlier block for good.
    if (!final && last > 0 && !tokens[last]?.raw.includes('\n') && !endsWithBlankLine(tokens[last - 1])) {
      last = lastContentIndex(tokens.slice(0, last));
    }
    const done = tokens.slice(0, last);
    const consumed = done.map((token) => token.raw).join('');
    // Token sources concatenate to the text; should one ever not, keep it open rather than lose text.
    if (!final && !open.startsWith(consumed)) last = 0;
    if (last > 0) {
      update.committed = renderTokens(done);
      open = final ? '' : open.slice(consumed.length);
      let referenced = false;
      for (const token of done) {
        if (token.type !== 'def' || links[token.tag]) continue;
        links[token.tag] = { href: token.href, title: token.title };
        referenced ||= committedSource.toLowerCase().includes(token.tag);
      }
      committedSource += consumed;
      if (referenced) {
        // A definition that blocks above already used (rare: LLMs put them last). Those
        // blocks rendered `[text][ref]` as text; render everything committed again, once.
        update.reset = true;
        update.committed = renderTokens(lexBlocks(committedSource, { ...links }));
      }
    }
    if (!final && open) {
      const block = tokens[last];
      const opened =
        block && tokens.slice(last + 1).every((t) => t.type === 'space')
          ? openContainer(block, open, links)
          : undefined;
      if (opened) {
        container = opened.container;
        open = opened.step.rest;
        return containerUpdate(update, container, opened.step, true);
      }
      const shown = completeTail(open);
      update.tail = renderTokens(shown === open ? tokens.slice(last) : lexBlocks(shown, { ...links }));
    }
    return update;
  }

  return {
    push,
    reset(text = '') {
      open = '';
      container = undefined;
      committedSource = '';
      pendingCr = false;
      links = Object.create(null) as LinkDefinitions;
      reset = true;
      dirty = true;
      push(text);
    },
    take,
    get dirty() {
      return dirty;
    },
  };
}

/** A blank line ends `token` (a blank-space token, or a block whose source takes one in). */
function endsWithBlankLine(token: Token | undefined): boolean {
  return token?.type === 'space' || /\n[ \t]*\n$/.test(token?.raw ?? '');
}

/** Index of the last token that is not blank space (0 when there is none). */
function lastContentIndex(tokens: Token[]): number {
  for (let i = tokens.length - 1; i >= 0; i--) if (tokens[i]?.type !== 'space') return i;
  return 0;
}
