/**
 * Routes a text stream to the think or answer block by a `<think>` … `</think>` block at
 * the start of the answer; the tags may be split anywhere across chunks.
 *
 * `<think>` is a tag only before any answer text: whitespace before it is dropped, and once
 * the answer has begun (or the think block has closed) a `<think>` is literal text, as in
 * prose or a code sample about the tag. Holds back only a possible partial tag, and, until
 * it is decided whether the answer opens with `<think>`, its leading whitespace.
 */
import type { BlockName, BlockOp } from '../types.js';

export interface RoutedText {
  block: BlockName;
  text: string;
}

const OPEN = '<think>';
const CLOSE = '</think>';

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialTagLength(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (tag.startsWith(text.slice(text.length - n))) return n;
  }
  return 0;
}

/** Routed text as append ops. */
export const appendOps = (routed: RoutedText[]): BlockOp[] =>
  routed.map(({ block, text }) => ({ op: 'append', block, text }));

/** `start`: nothing routed yet; `think`: inside the think block; `answer`: no tag any more. */
type State = 'start' | 'think' | 'answer';

export function createThinkTagRouter() {
  let state: State = 'start';
  let held = '';

  function push(chunk: string): RoutedText[] {
    const out: RoutedText[] = [];
    let rest = held + chunk;
    held = '';
    for (;;) {
      if (state === 'start') {
        const text = rest.trimStart();
        if (text.startsWith(OPEN)) {
          state = 'think';
          rest = text.slice(OPEN.length);
        } else if (OPEN.startsWith(text)) {
          held = rest; // only whitespace, or whitespace and part of `<think>`: undecided
          return out;
        } else {
          state = 'answer'; // the held whitespace goes out unchanged with the text
        }
      } else if (state === 'think') {
        const at = rest.indexOf(CLOSE);
        if (at === -1) {
          const partial = partialTagLength(rest, CLOSE);
          if (rest.length > partial) out.push({ block: 'think', text: rest.slice(0, rest.length - partial) });
          held = rest.slice(rest.length - partial);
          return out;
        }
        if (at > 0) out.push({ block: 'think', text: rest.slice(0, at) });
        state = 'answer';
        rest = rest.slice(at + CLOSE.length);
      } else {
        if (rest) out.push({ block: 'answer', text: rest });
        return out;
      }
    }
  }

  function end(): RoutedText[] {
    const text = held;
    held = '';
    return text ? [{ block: state === 'think' ? 'think' : 'answer', text }] : [];
  }

  return {
    push,
    end,
    /**
     * Whether a fresh router fed the rest of the stream would route it the same: only while
     * nothing has been routed or held. Once the answer has begun or a think block opened, a
     * fresh router would take a `<think>` at the start of the rest for a tag (or miss the
     * open block's `</think>`); nothing in a resume point could tell it otherwise, so a new
     * run resumes from before the answer's first text.
     */
    get atResumePoint() {
      return state === 'start' && held === '';
    },
  };
}
