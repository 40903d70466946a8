/**
 * Completes the still-open tail of a streaming markdown text so that half-written syntax
 * never flashes as raw characters. Pure, and only ever applied to the open tail
 * block, so its cost does not grow with the message.
 *
 * What the reader would otherwise see for a frame or more, and what is shown instead:
 * - `**bold`, `_it`, `~~gone`, `` `code `` → closed at the end (`**bold**`, …); an opener
 *   with nothing after it yet is left out;
 * - `[text](https://exa`, `[text][ref` or `[text]` at the end → `text` (no link to a half-written URL);
 *   `[text` → `text`; `![alt](https://exa` → nothing (no request for a half-written URL);
 * - a table header row whose delimiter row has not arrived (`| a | b |`) → hidden;
 * - a last line that is only a block marker so far (`-`, `1.`, `##`, `>`, `` `` ``, `|`) → hidden;
 * - inside an open code fence, a half-written closing fence → hidden. (An open fence itself
 *   already renders as a code block: marked closes it at the end of the text.)
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
/** A line that is only the start of a block marker so far. */
const BARE_MARKER = /^ {0,3}(?:[-+*]|\d{1,9}[.)]?|#{1,6}|>|`{1,2}|~{1,2}|[-=_*]+|\|)?[ \t]*$/;
/** A complete table delimiter row (`|---|:--:|`). */
const DELIMITER_ROW = /^ {0,3}\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?$|^ {0,3}\|?[ \t]*:?-+:?[ \t]*$/;
/** A line that starts a block of its own (a new segment for inline completion). */
const BLOCK_START = /^ {0,3}(?:[-+*][ \t]|\d{1,9}[.)][ \t]|#{1,6}[ \t]|>|\|)/;

const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);
const isPunct = (c: string | undefined) => c !== undefined && /[\p{P}\p{S}]/u.test(c);

/** Returns `tail` made safe to render while it is still growing. */
export function completeTail(tail: string): string {
  const lines = tail.split('\n');
  const fence = openFence(lines);
  if (fence) {
    const last = lines[lines.length - 1] ?? '';
    const partialClose =
      last.trim().length > 0 && /^ {0,3}$/.test(last.replace(/[`~]+[ \t]*$/, '')) && last.trim()[0] === fence[0];
    return partialClose ? lines.slice(0, -1).join('\n') : tail;
  }
  let end = lines.length;
  if (BARE_MARKER.test(lines[end - 1] ?? '') && (lines[end - 1] ?? '') !== '') end--;
  end = withoutPendingTable(lines, end);
  const head = lines.slice(0, end);
  const kept = head.join('\n') + (end < lines.length && end > 0 ? '\n' : '');
  // The segment that inline completion looks at: the last paragraph, list item, heading or row.
  let start = head.length - 1;
  while (start > 0 && (head[start] ?? '').trim() !== '' && !BLOCK_START.test(head[start] ?? '')) start--;
  if ((head[start] ?? '').trim() === '') start++;
  const prefixLength = head.slice(0, Math.max(0, start)).reduce((n, line) => n + line.length + 1, 0);
  if (prefixLength >= kept.length) return kept;
  return kept.slice(0, prefixLength) + completeInline(kept.slice(prefixLength));
}

/** The fence (```` ``` ````, `~~~`) still open at the end of `lines`, if any. */
function openFence(lines: string[]): string | undefined {
  let open: string | undefined;
  for (const line of lines) {
    const match = FENCE.exec(line);
    if (!match) continue;
    const run = match[1] as string;
    if (open === undefined) open = run;
    else if (run[0] === open[0] && run.length >= open.length && line.trim() === run) open = undefined;
  }
  return open;
}

/**
 * Hides table rows at the end of `lines[0..end)` that cannot render as a table yet: a header
 * row without its complete delimiter row. Returns the new end.
 */
function withoutPendingTable(lines: string[], end: number): number {
  let first = end;
  while (first > 0 && /^ {0,3}\|/.test(lines[first - 1] ?? '')) first--;
  if (first === end) return end;
  const delimiter = lines[first + 1];
  // Complete = present and followed by a newline (the last line may still be growing).
  const complete = delimiter !== undefined && first + 1 < lines.length - 1 && DELIMITER_ROW.test(delimiter);
  return complete ? end : first;
}

interface Opener {
  char: string;
  length: number;
  at: number;
}

/** Closes or removes the inline syntax still open at the end of one block's text. */
function completeInline(text: string): string {
  const openers: Opener[] = [];
  const brackets: Array<{ at: number; image: boolean }> = [];
  let code: { at: number; length: number } | undefined;
  let link: { at: number; textEnd: number; image: boolean } | undefined;
  let trailingRun: number | undefined;

  for (let i = 0; i < text.length;) {
    const c = text[i] as string;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '`') {
      const n = runLength(text, i);
      const close = findCodeClose(text, i + n, n);
      if (close < 0) {
        code = { at: i, length: n };
        break;
      }
      i = close + n;
      continue;
    }
    if (c === '*' || c === '_' || c === '~') {
      const n = runLength(text, i);
      const before = i === 0 ? undefined : text[i - 1];
      const after = text[i + n];
      const left = after !== undefined && !isSpace(after) && (!isPunct(after) || isSpace(before) || isPunct(before));
      const right = !isSpace(before) && (!isPunct(before) || isSpace(after) || isPunct(after));
      const canOpen = c === '_' ? left && (!right || isPunct(before)) : left;
      const canClose = c === '_' ? right && (!left || isPunct(after)) : right;
      const match = canClose ? findLast(openers, (o) => o.char === c) : -1;
      if (i + n === text.length && (match < 0 || (openers[match] as Opener).length !== n)) {
        // A run at the very end is a closer or opener still being typed: leave it out for now.
        trailingRun = i;
        break;
      }
      if (match >= 0) openers.length = match;
      else if (canOpen && (c !== '~' || n <= 2)) openers.push({ char: c, length: Math.min(n, 3), at: i });
      i += n;
      continue;
    }
    if (c === '[') {
      brackets.push({ at: i, image: text[i - 1] === '!' });
    } else if (c === ']' && brackets.length > 0) {
      const open = brackets.pop() as { at: number; image: boolean };
      if (text[i + 1] === '(' || text[i + 1] === '[') {
        const close = text.indexOf(text[i + 1] === '(' ? ')' : ']', i + 2);
        if (close < 0) {
          link = { at: open.at, textEnd: i, image: open.image };
          break;
        }
        i = close + 1;
        continue;
      }
      if (i === text.length - 1) link = { at: open.at, textEnd: i, image: open.image };
    }
    i++;
  }

  // A link or image still being written: show its text only (or nothing for an image), then
  // complete what remains; each pass removes at least one `[`, so this ends.
  if (link) {
    const at = link.image ? link.at - 1 : link.at;
    return completeInline(text.slice(0, at) + (link.image ? '' : stripBrackets(text.slice(link.at + 1, link.textEnd))));
  }
  const unclosed = brackets[0];
  if (unclosed) {
    const at = unclosed.image ? unclosed.at - 1 : unclosed.at;
    return completeInline(text.slice(0, at) + (unclosed.image ? '' : stripBrackets(text.slice(unclosed.at + 1))));
  }
  let out = trailingRun === undefined ? text : text.slice(0, trailingRun);
  const open = openers;
  if (code) {
    if (code.at + code.length >= out.length) out = out.slice(0, code.at);
    else out += '`'.repeat(code.length);
  }
  for (let k = open.length - 1; k >= 0; k--) {
    const opener = open[k] as Opener;
    const marker = opener.char.repeat(opener.length);
    if (out.slice(opener.at + opener.length).trim() === '') {
      out = out.slice(0, opener.at) + out.slice(opener.at + opener.length);
    } else {
      out = out.replace(/\s+$/, '') + marker;
    }
  }
  return out;
}

function runLength(text: string, at: number): number {
  let n = 1;
  while (text[at + n] === text[at]) n++;
  return n;
}

/** Where the backtick run of exactly `n` that closes a code span starts, or -1. */
function findCodeClose(text: string, from: number, n: number): number {
  for (let i = text.indexOf('`', from); i >= 0; i = text.indexOf('`', i + runLength(text, i))) {
    if (runLength(text, i) === n) return i;
  }
  return -1;
}

function findLast<T>(items: T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i] as T)) return i;
  return -1;
}

/** Link text shown without the brackets of links still being written inside it. */
function stripBrackets(text: string): string {
  return text.replace(/!?\[|\]/g, '');
}
