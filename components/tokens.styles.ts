/**
 * Theme tokens (Material's habit): the public `--sse-chat-*` custom properties
 * are read once, here, into private `--_*` ones with the light defaults; the dark defaults
 * apply under `prefers-color-scheme: dark` unless `theme="light"`, and always with
 * `theme="dark"`. Below this file, styles use only `var(--_*)`.
 *
 * The public names, their light defaults and what each colours are documented as `@cssprop`
 * in the JSDoc headers of `<sse-chat>` and `<sse-message>` (the manifest reads them there);
 * the story test (scripts/test-storybook.mjs) checks them against the values below.
 */
import { css } from 'lit';

const dark = css`
  --_bg: var(--sse-chat-bg, #0d1117);
  --_fg: var(--sse-chat-fg, #e6edf3);
  --_muted: var(--sse-chat-muted, #9198a1);
  --_border: var(--sse-chat-border, #3d444d);
  --_accent: var(--sse-chat-accent, #4493f8);
  --_accent-fg: var(--sse-chat-accent-fg, #0d1117);
  --_user-bg: var(--sse-chat-user-bg, #15305a);
  --_assistant-bg: var(--sse-chat-assistant-bg, transparent);
  --_code-bg: var(--sse-chat-code-bg, #151b23);
  --_error: var(--sse-chat-error, #ff7b72);
  --_warning: var(--sse-chat-warning, #d29922);
  color-scheme: dark;
`;

export const tokens = css`
  :host {
    --_font: var(--sse-chat-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_font-size: var(--sse-chat-font-size, 15px);
    --_radius: var(--sse-chat-radius, 12px);
    --_gap: var(--sse-chat-gap, 12px);
    --_bg: var(--sse-chat-bg, #ffffff);
    --_fg: var(--sse-chat-fg, #1f2328);
    --_muted: var(--sse-chat-muted, #59636e);
    --_border: var(--sse-chat-border, #d1d9e0);
    --_accent: var(--sse-chat-accent, #0969da);
    --_accent-fg: var(--sse-chat-accent-fg, #ffffff);
    --_user-bg: var(--sse-chat-user-bg, #ddf4ff);
    --_assistant-bg: var(--sse-chat-assistant-bg, transparent);
    --_code-bg: var(--sse-chat-code-bg, #f6f8fa);
    --_error: var(--sse-chat-error, #d1242f);
    --_warning: var(--sse-chat-warning, #9a6700);
    color-scheme: light;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
  :host([theme='dark']) {
    ${dark}
  }
`;

/** Shared by both elements: text only screen readers get, and the focus ring. */
export const shared = css`
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
`;
