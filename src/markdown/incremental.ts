/**
 * Incremental markdown rendering (DESIGN §7): the text grows by chunks; completed top-level
 * blocks are rendered once and never again; only the open tail is re-rendered.
 *
 * A top-level block is complete once another block has started after it: markdown can
 * still change the *last* block (a `===` line turns a paragraph into a heading, an indented
 * line continues a list, a delimiter row turns a line into a table), never an earlier one.
 * So each `take()` lexes only the text after the last completed block, commits every block
 * before the last one that is not blank, and renders the rest as the tail, completed by
 * `completeTail` so that half-written syntax does not flash. The work per `take()` is
 * bounded by the size of the open block, not by the size of the message.
 *
 * Pure: strings in, HTML strings out. Sanitizing and the DOM are the caller's job.
 */
import type { Token } from 'marked';
import { completeTail } from './complete.js';
import { lexBlocks, renderTokens, type LinkDefinitions } from './render.js';

export interface MarkdownUpdate {
  /** The text was replaced (`reset()`): drop everything rendered before. */
  reset: boolean;
  /** HTML of the blocks completed since the last `take()`, to render once and keep. */
  committed: string;
  /** HTML of the open tail; replaces the previous tail. */
  tail: string;
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
    if (!open) return update;
    // Definitions seen in the open text may still be half-written: only committed ones are kept.
    const tokens = lexBlocks(open, { ...links });
    let last = final ? tokens.length : lastContentIndex(tokens);
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
      const shown = completeTail(open);
      update.tail = renderTokens(shown === open ? tokens.slice(last) : lexBlocks(shown, { ...links }));
    }
    return update;
  }

  return {
    push,
    reset(text = '') {
      open = '';
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

/** Index of the last token that is not blank space (0 when there is none). */
function lastContentIndex(tokens: Token[]): number {
  for (let i = tokens.length - 1; i >= 0; i--) if (tokens[i]?.type !== 'space') return i;
  return 0;
}
