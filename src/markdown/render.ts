/**
 * Markdown → HTML with marked (GFM), on a private `Marked` instance so the host page's own
 * marked settings never change ours, nor ours theirs. Pure: strings in, strings out.
 *
 * Block lexing takes the link definitions seen so far, so a `[ref]` in a later block
 * resolves against a `[ref]: url` that an earlier, already rendered block defined.
 */
import { Lexer, Marked, type Token, type TokensList } from 'marked';

const markdown = new Marked({ gfm: true, breaks: false, async: false });

export type LinkDefinitions = TokensList['links'];

/** Lexes `source` into top-level block tokens, resolving references against `links` (which it extends). */
export function lexBlocks(source: string, links?: LinkDefinitions): TokensList {
  const lexer = new Lexer(markdown.defaults);
  if (links) lexer.tokens.links = links;
  return lexer.lex(source);
}

/** Renders block tokens to an HTML string (unsanitized: see `sanitize.ts`). */
export function renderTokens(tokens: Token[]): string {
  return markdown.parser(tokens);
}

/** Renders a whole markdown text to an HTML string at once (unsanitized). */
export function renderHtml(source: string): string {
  return renderTokens(lexBlocks(source));
}
