/**
 * Markdown → HTML with marked (GFM), with options of our own so the host page's marked
 * settings never change ours, nor ours theirs. Pure: strings in, strings out. Only marked's
 * `Lexer` and `Parser`: the self-contained files leave out its `Marked` class (scripts/build.mjs).
 *
 * Block lexing takes the link definitions seen so far, so a `[ref]` in a later block
 * resolves against a `[ref]: url` that an earlier, already rendered block defined.
 */
import { Lexer, Parser, getDefaults, type MarkedOptions, type Token, type TokensList } from 'marked';

/** What `new Marked({ gfm: true, breaks: false, async: false })` would hold as its defaults. */
const options: MarkedOptions = { ...getDefaults(), gfm: true, breaks: false, async: false };

export type LinkDefinitions = TokensList['links'];

/** Lexes `source` into top-level block tokens, resolving references against `links` (which it extends). */
export function lexBlocks(source: string, links?: LinkDefinitions): TokensList {
  const lexer = new Lexer(options);
  if (links) lexer.tokens.links = links;
  return lexer.lex(source);
}

/** Renders block tokens to an HTML string (unsanitized: see `sanitize.ts`). */
export function renderTokens(tokens: Token[]): string {
  return Parser.parse(tokens, options);
}

/** Renders a whole markdown text to an HTML string at once (unsanitized). */
export function renderHtml(source: string): string {
  return renderTokens(lexBlocks(source));
}
