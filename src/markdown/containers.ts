/**
 * Long lists and tables while they stream (the cost of a chunk must not grow with the
 * message). A list or a table is *one* top-level block however long it gets, so
 * re-rendering the open block each frame would cost more the longer it grows. Instead its
 * finished children — list items followed by a new item, complete table rows — are frozen:
 * rendered once and handed out once; each later frame lexes and renders only the open
 * child, so the work per frame stays the size of one item or row.
 *
 * Only tight lists (no blank line inside) take part: a blank line can make the whole list
 * loose, which changes how every earlier item renders. Whenever the shape is anything but
 * the plain case, `continueContainer` says so (undefined) and the caller renders the block
 * whole again, as before; and once the block ends it is rendered whole, once, as a normal
 * finished block — so the final result is always exactly the whole-text rendering.
 *
 * Pure: strings and tokens in, HTML strings out.
 */
import type { Token, Tokens } from 'marked';
import { completeTail } from './complete.js';
import { lexBlocks, renderTokens, type LinkDefinitions } from './render.js';

/** A list or table this long (items or rows) is worth freezing. */
const MIN_CHILDREN = 2;
/** A blank line with something after it: a list that has one may be loose. */
const INNER_BLANK_LINE = /\n[ \t]*\n[ \t]*\S/;

/** An open list or table: its frozen part, and how to render the rest. */
export interface OpenContainer {
  kind: 'list' | 'table';
  /** The source of the block up to the open part: its frozen children (and a table's header). */
  frozenSource: string;
  /** The HTML of the frozen children, handed out so far. */
  frozenHtml: string;
  /** The HTML around the children: `<ul>\n` … `</ul>\n`, `<table>…<tbody>` … `</tbody></table>\n`. */
  head: string;
  close: string;
  /** Lexed in front of the open text: a table's header and delimiter rows (lists: empty). */
  prefix: string;
  /** A list's marker (`-`, `*`, `+`, `.`, `)`): another marker starts another list. */
  marker: string;
}

/** What a frame of an open container shows. */
export interface ContainerStep {
  /** The HTML of children frozen by this step (each handed out once). */
  frozen: string;
  /** The HTML of the open child (replaces the previous one), completed so syntax does not flash. */
  live: string;
  /** The open text that is left (the frozen source taken off). */
  rest: string;
}

type List = Tokens.List;
type Table = Tokens.Table;

/**
 * Freezes the finished children of `block`, the last block of the open text `source` (which
 * starts at the block), when it is a tight list or a table long enough to be worth it.
 */
export function openContainer(
  block: Token,
  source: string,
  links: LinkDefinitions,
): { container: OpenContainer; step: ContainerStep } | undefined {
  if (block.type === 'list') return openList(block as List, source, links);
  if (block.type === 'table') return openTable(block as Table, source, links);
  return undefined;
}

/** The next frame of an open container, or undefined when it must be rendered whole again. */
export function continueContainer(
  container: OpenContainer,
  rest: string,
  links: LinkDefinitions,
): ContainerStep | undefined {
  const block = soleBlock(lexBlocks(container.prefix + rest, { ...links }));
  if (container.kind === 'list') {
    if (block?.type !== 'list') return undefined;
    const list = block as List;
    if (!isTight(list, rest) || markerOf(list) !== container.marker) return undefined;
    return freezeItems(container, list, rest, links);
  }
  if (block?.type !== 'table') return undefined;
  return freezeRows(container, block as Table, rest, links);
}

function openList(list: List, source: string, links: LinkDefinitions) {
  if (list.items.length < MIN_CHILDREN || !isTight(list, source)) return undefined;
  const marker = markerOf(list);
  if (!marker) return undefined;
  const { head, close } = wrapperOf(renderTokens([{ ...list, items: [] }]), list.ordered ? '</ol>\n' : '</ul>\n');
  const container: OpenContainer = { kind: 'list', frozenSource: '', frozenHtml: '', head, close, prefix: '', marker };
  const step = freezeItems(container, list, source, links);
  return step && { container, step };
}

function openTable(table: Table, source: string, links: LinkDefinitions) {
  if (table.rows.length < MIN_CHILDREN) return undefined;
  const lines = source.split('\n');
  if (lines.length < 3) return undefined;
  const prefix = `${lines[0]}\n${lines[1]}\n`;
  const headOnly = renderTokens([{ ...table, rows: [] }]);
  if (!headOnly.endsWith('</table>\n')) return undefined;
  const head = `${headOnly.slice(0, -'</table>\n'.length)}<tbody>`;
  const container: OpenContainer = {
    kind: 'table',
    frozenSource: prefix,
    frozenHtml: '',
    head,
    close: '</tbody></table>\n',
    prefix,
    marker: '',
  };
  const step = freezeRows(container, table, source.slice(prefix.length), links);
  return step && { container, step };
}

/** Items followed by another item are final: freeze them; the last one is open. */
function freezeItems(
  container: OpenContainer,
  list: List,
  rest: string,
  links: LinkDefinitions,
): ContainerStep | undefined {
  const done = list.items.slice(0, -1);
  const doneSource = done.map((item) => item.raw).join('');
  if (!rest.startsWith(doneSource)) return undefined;
  const open = rest.slice(doneSource.length);
  // The open item as the reader may see it: half-written syntax completed.
  const shown = completeTail(open);
  const shownList =
    shown === open ? { ...list, items: list.items.slice(-1) } : soleBlock(lexBlocks(shown, { ...links }));
  // Completion hid the whole item (a bare marker so far): nothing to show. Anything other
  // than one tight list: render the block whole instead.
  if (shown.trim() !== '' && (shownList?.type !== 'list' || (shownList as List).loose)) return undefined;
  const frozen = listItemsHtml(list, done);
  container.frozenSource += doneSource;
  container.frozenHtml += frozen;
  return { frozen, live: shownList ? listItemsHtml(list, (shownList as List).items) : '', rest: open };
}

/** Rows whose line has ended are final: freeze them; an unfinished last line is open. */
function freezeRows(
  container: OpenContainer,
  table: Table,
  rest: string,
  links: LinkDefinitions,
): ContainerStep | undefined {
  const lines = rest.split('\n');
  const openLine = lines.pop() ?? '';
  const complete = lines.filter((line) => line.trim() !== '');
  // Each row is one line; anything else (a blank line inside, a line that is no row) is not this shape.
  if (complete.length !== lines.length || table.rows.length !== complete.length + (openLine.trim() ? 1 : 0))
    return undefined;
  const frozenRows = table.rows.slice(0, complete.length);
  const doneSource = complete.map((line) => `${line}\n`).join('');
  let live = '';
  if (openLine.trim()) {
    const shown = completeTail(container.prefix + openLine);
    const shownTable = soleBlock(lexBlocks(shown, { ...links }));
    if (shownTable && shownTable.type !== 'table') return undefined;
    live = shownTable ? tableRowsHtml(table, (shownTable as Table).rows) : '';
  }
  const frozen = tableRowsHtml(table, frozenRows);
  container.frozenSource += doneSource;
  container.frozenHtml += frozen;
  return { frozen, live, rest: openLine };
}

/** The one content block of `tokens` (blank space around it is fine), if there is exactly one. */
function soleBlock(tokens: Token[]): Token | undefined {
  const content = tokens.filter((token) => token.type !== 'space');
  return content.length === 1 && tokens[0] === content[0] ? content[0] : undefined;
}

function isTight(list: List, source: string): boolean {
  return !list.loose && !INNER_BLANK_LINE.test(source);
}

/** The character that makes items belong to this list: the bullet, or an ordered list's `.` / `)`. */
function markerOf(list: List): string {
  const first = list.items[0]?.raw.trimStart() ?? '';
  return (list.ordered ? /^\d{1,9}([.)])/.exec(first)?.[1] : /^([-+*])/.exec(first)?.[1]) ?? '';
}

/** Splits a container rendered without children into the HTML before and after them. */
function wrapperOf(empty: string, close: string): { head: string; close: string } {
  return { head: empty.slice(0, empty.length - close.length), close };
}

/** The `<li>` HTML of `items`, rendered as children of `list` (its looseness, its checkboxes). */
function listItemsHtml(list: List, items: Tokens.ListItem[]): string {
  if (items.length === 0) return '';
  const close = list.ordered ? '</ol>\n' : '</ul>\n';
  const html = renderTokens([{ ...list, items }]);
  const head = renderTokens([{ ...list, items: [] }]).length - close.length;
  return html.slice(head, html.length - close.length);
}

/** The `<tr>` HTML of `rows`, rendered as rows of `table` (its columns, its alignment). */
function tableRowsHtml(table: Table, rows: Tokens.TableCell[][]): string {
  if (rows.length === 0) return '';
  // marked writes `…</thead>\n</table>\n` without rows, `…</thead>\n<tbody>ROWS</tbody></table>\n` with.
  const start = renderTokens([{ ...table, rows: [] }]).length - '</table>\n'.length + '<tbody>'.length;
  const html = renderTokens([{ ...table, rows }]);
  return html.slice(start, html.length - '</tbody></table>\n'.length);
}
