/**
 * Routes a text stream to the think or answer block by `<think>` … `</think>` tags,
 * which may be split anywhere across chunks. Holds back only a possible partial tag.
 */
import type { BlockName } from '../types.js';

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

export function createThinkTagRouter() {
  let inThink = false;
  let held = '';

  function push(chunk: string): RoutedText[] {
    const out: RoutedText[] = [];
    const emit = (text: string) => {
      if (text) out.push({ block: inThink ? 'think' : 'answer', text });
    };
    let rest = held + chunk;
    held = '';
    for (;;) {
      const tag = inThink ? CLOSE : OPEN;
      const at = rest.indexOf(tag);
      if (at === -1) break;
      emit(rest.slice(0, at));
      inThink = !inThink;
      rest = rest.slice(at + tag.length);
    }
    const partial = partialTagLength(rest, inThink ? CLOSE : OPEN);
    emit(rest.slice(0, rest.length - partial));
    held = rest.slice(rest.length - partial);
    return out;
  }

  function end(): RoutedText[] {
    const text = held;
    held = '';
    return text ? [{ block: inThink ? 'think' : 'answer', text }] : [];
  }

  return {
    push,
    end,
    /** Nothing held back and outside a think block: a fresh router would route the same. */
    get settled() {
      return held === '' && !inThink;
    },
  };
}
