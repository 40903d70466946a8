import { css } from 'lit';
import { shared, tokens } from './tokens.styles.js';

export const styles = [
  tokens,
  shared,
  css`
    :host {
      display: flex;
      flex-direction: column;
      position: relative;
      box-sizing: border-box;
      min-height: 240px;
      height: 100%;
      font-family: var(--_font);
      font-size: var(--_font-size);
      color: var(--_fg);
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      overflow: hidden;
    }
    :host([hidden]) {
      display: none;
    }
    [part='log'] {
      flex: 1 1 auto;
      overflow-y: auto;
      overscroll-behavior: contain;
      padding: var(--_gap);
    }
    /* Block layout, not flex: a growing message must not make its siblings be measured again. */
    .messages > sse-message + sse-message {
      margin-block-start: var(--_gap);
    }
    [part='jump-latest'] {
      position: absolute;
      inset-inline-end: var(--_gap);
      inset-block-end: calc(var(--_gap) * 6);
      font: inherit;
      font-size: 0.85em;
      color: var(--_accent-fg);
      background: var(--_accent);
      border: 0;
      border-radius: 999px;
      padding: calc(var(--_gap) * 0.4) var(--_gap);
      cursor: pointer;
      box-shadow: 0 2px 8px rgb(0 0 0 / 0.2);
    }
    [part='status'] {
      min-height: 1.4em;
      padding-inline: var(--_gap);
      font-size: 0.85em;
      color: var(--_muted);
    }
    :host([status='reconnecting']) [part='status'] {
      color: var(--_warning);
    }
    :host([status='error']) [part='status'] {
      color: var(--_error);
    }
    [part='composer'] {
      display: flex;
      gap: calc(var(--_gap) * 0.5);
      align-items: flex-end;
      padding: calc(var(--_gap) * 0.5) var(--_gap) var(--_gap);
      margin: 0;
    }
    [part='input'] {
      flex: 1 1 auto;
      box-sizing: border-box;
      min-height: 2.6em;
      max-height: 12em;
      resize: vertical;
      font: inherit;
      color: var(--_fg);
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) * 0.75);
      padding: calc(var(--_gap) * 0.5) calc(var(--_gap) * 0.75);
    }
    [part='send'],
    [part='stop'] {
      font: inherit;
      min-height: 2.6em;
      padding-inline: var(--_gap);
      border-radius: calc(var(--_radius) * 0.75);
      cursor: pointer;
    }
    [part='send'] {
      color: var(--_accent-fg);
      background: var(--_accent);
      border: 1px solid var(--_accent);
    }
    [part='stop'] {
      color: var(--_fg);
      background: var(--_bg);
      border: 1px solid var(--_border);
    }
    button[hidden] {
      display: none;
    }
    button:disabled,
    textarea:disabled {
      cursor: not-allowed;
      opacity: 0.6;
    }
  `,
];
