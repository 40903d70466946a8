import { css } from 'lit';
import { shared, tokens } from './tokens.styles.js';

/** Rendered markdown: readable defaults for every block marked produces. */
const markdown = css`
  .markdown {
    overflow-wrap: anywhere;
    line-height: 1.55;
  }
  .markdown > :first-child,
  .markdown > .md-page:first-child > :first-child {
    margin-block-start: 0;
  }
  .markdown > :last-child,
  .markdown > .md-page:last-child > :last-child {
    margin-block-end: 0;
  }
  /* A finished answer not rendered yet: its source as text, skipped while out of view. */
  .later {
    white-space: pre-wrap;
    content-visibility: auto;
    contain-intrinsic-size: auto 300px;
  }
  /* Pages of finished blocks (see markdown-view.ts): skipped while out of view. */
  .md-page {
    content-visibility: auto;
    contain-intrinsic-size: auto 600px;
  }
  .markdown p,
  .markdown ul,
  .markdown ol,
  .markdown pre,
  .markdown table,
  .markdown blockquote {
    margin-block: 0 calc(var(--_gap) * 0.75);
  }
  .markdown h1,
  .markdown h2,
  .markdown h3,
  .markdown h4 {
    margin-block: calc(var(--_gap) * 1.25) calc(var(--_gap) * 0.5);
    line-height: 1.25;
  }
  .markdown h1 {
    font-size: 1.4em;
  }
  .markdown h2 {
    font-size: 1.2em;
  }
  .markdown h3 {
    font-size: 1.05em;
  }
  .markdown ul,
  .markdown ol {
    padding-inline-start: 1.5em;
  }
  .markdown a {
    color: var(--_accent);
  }
  .markdown code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.9em;
    background: var(--_code-bg);
    border-radius: 4px;
    padding: 0.1em 0.3em;
  }
  .markdown pre {
    background: var(--_code-bg);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    padding: calc(var(--_gap) * 0.75);
    overflow-x: auto;
    direction: ltr;
    text-align: start;
  }
  .markdown pre code {
    background: none;
    padding: 0;
  }
  .markdown pre {
    position: relative;
  }
  .code-copy {
    position: absolute;
    top: 4px;
    inset-inline-end: 4px;
    font: inherit;
    font-size: 0.75em;
    color: var(--_muted);
    background: var(--_bg, transparent);
    border: 1px solid var(--_border);
    border-radius: 4px;
    padding: 1px 6px;
    cursor: pointer;
    opacity: 0.75;
    user-select: none;
  }
  .code-copy:hover,
  .code-copy:focus-visible,
  .code-copy[data-copied] {
    opacity: 1;
  }
  .actions {
    display: flex;
    gap: 4px;
    margin-block-start: calc(var(--_gap) * 0.5);
  }
  .actions button {
    font: inherit;
    font-size: 0.8em;
    color: var(--_muted);
    background: none;
    border: 1px solid transparent;
    border-radius: 4px;
    padding: 2px 6px;
    cursor: pointer;
  }
  /* On the reader's bubble the muted colour lacks contrast (dark theme): the text's own. */
  :host([author='user']) .actions button {
    color: inherit;
  }
  .actions button[aria-disabled='true'] {
    opacity: 0.55;
    cursor: default;
  }
  .versions {
    font-size: 0.8em;
    color: var(--_muted);
  }
  .versions button {
    font-size: 1em;
  }
  .editor textarea {
    box-sizing: border-box;
    inline-size: 100%;
    min-block-size: 3em;
    field-sizing: content;
    font: inherit;
    color: inherit;
    background: var(--_bg, transparent);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.5);
    padding: 6px 8px;
    resize: vertical;
  }
  .editor .actions {
    justify-content: flex-end;
  }
  .actions button:hover,
  .actions button[aria-pressed='true'] {
    border-color: var(--_border);
    color: var(--_fg);
  }
  .actions button:focus-visible,
  .editor textarea:focus-visible,
  .code-copy:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 1px;
  }
  .markdown table {
    border-collapse: collapse;
    display: block;
    overflow-x: auto;
  }
  .markdown th,
  .markdown td {
    border: 1px solid var(--_border);
    padding: 0.3em 0.6em;
  }
  .markdown blockquote {
    border-inline-start: 3px solid var(--_border);
    padding-inline-start: var(--_gap);
    margin-inline: 0;
    color: var(--_muted);
  }
  .markdown img {
    max-width: 100%;
  }
  .markdown hr {
    border: 0;
    border-block-start: 1px solid var(--_border);
  }
`;

export const styles = [
  tokens,
  shared,
  markdown,
  css`
    :host {
      display: block;
      contain: content;
      font-family: var(--_font);
      font-size: var(--_font-size);
      color: var(--_fg);
    }
    :host([hidden]) {
      display: none;
    }
    .bubble {
      max-width: 100%;
      padding: calc(var(--_gap) * 0.75) var(--_gap);
      border-radius: var(--_radius);
      background: var(--_assistant-bg);
      box-sizing: border-box;
    }
    :host([author='user']) .bubble {
      max-width: 85%;
      margin-inline-start: auto;
      inline-size: fit-content;
      background: var(--_user-bg);
    }
    :host([author='user']) .bubble:has(> .editor) {
      inline-size: 100%;
    }
    /* The reader's text as typed. Not on .bubble: the template's own whitespace would show. */
    :host([author='user']) [part='answer'] {
      white-space: pre-wrap;
    }
    details {
      color: var(--_muted);
      border-inline-start: 2px solid var(--_border);
      padding-inline-start: calc(var(--_gap) * 0.75);
      margin-block-end: calc(var(--_gap) * 0.75);
    }
    details[hidden] {
      display: none;
    }
    summary {
      cursor: pointer;
      font-size: 0.9em;
      inline-size: fit-content;
      border-radius: 4px;
    }
    details[open] summary {
      margin-block-end: calc(var(--_gap) * 0.5);
    }
    :host([thinking]) summary {
      font-style: italic;
    }
    :host([status='error']) [part='answer']:empty,
    :host([status='stopped']) [part='answer']:empty {
      display: none;
    }
  `,
];
