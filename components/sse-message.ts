import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { BlockName } from '../src/types.js';
import { VERSION } from '../src/version.js';
import { emit, type MessageStatus } from './events.js';
import { MarkdownView, type Highlighter, type MarkdownViewOptions } from './markdown-view.js';
import { DEFAULT_STRINGS, type SseChatStrings } from './strings.js';
import { styles } from './sse-message.styles.js';

/** The strings objects given, each merged over the defaults. */
const merged = new WeakMap<Partial<SseChatStrings>, SseChatStrings>();

/** Deferred first renders, the latest first, run in frames of 8 ms at most between them all. */
const later: Array<() => void> = [];
function renderLater(render: () => void): void {
  if (later.push(render) === 1) requestAnimationFrame(renderSome);
}
function renderSome(): void {
  const deadline = performance.now() + 8;
  try {
    do later.pop()?.();
    while (later.length && performance.now() < deadline);
  } finally {
    // Also after a render that threw: the others still get their frames.
    if (later.length) requestAnimationFrame(renderSome);
  }
}

/**
 * One message of a conversation: a collapsible think block and an answer, rendered as
 * sanitized markdown while they stream.
 *
 * `think` and `answer` hold the markdown *source* exactly as received (after escape
 * decoding); the rendered DOM lives in the shadow root. Streaming text is added with
 * `appendText()`, which costs the same at the end of a long answer as at its start. A finished
 * message renders a frame or so after it is added, and a finished answer's markdown only once
 * it comes near the view (its source shows as plain text until then); awaiting `updateComplete`,
 * or `flush()`, renders it at once.
 * Inside `<sse-chat>` it inherits the chat's `--sse-chat-*` custom properties.
 *
 * @summary One chat message: think block + answer, streamed markdown.
 * @tag sse-message
 *
 * @csspart bubble - The message box.
 * @csspart think - The think block, a `<details>`: open while thinking, collapsed when the answer starts.
 * @csspart think-summary - The think block's summary ("Thinking…", "Thought for 4 s").
 * @csspart think-body - The think block's rendered markdown.
 * @csspart answer - The answer's rendered markdown (the text, for user messages).
 * @csspart code-copy - The copy button in the corner of each code block (copies the code as text).
 * @csspart actions - The toolbar under a finished answer (`actions`).
 * @csspart action-copy - Its button that copies the answer (markdown, and the rendered HTML).
 * @csspart action-good - Its "good answer" button (`aria-pressed` once chosen).
 * @csspart action-bad - Its "bad answer" button.
 * @csspart action-regenerate - Its "regenerate" button (on the conversation's `last` answer).
 * @csspart versions - The version switcher of a regenerated answer ("2 / 2"), in the toolbar.
 * @csspart version-previous - Its button to the earlier version.
 * @csspart version-next - Its button to the later version.
 * @csspart action-edit - The edit button under the reader's `last` question.
 * @csspart editor - The inline editor of that question (a form), shown instead of its text.
 * @csspart editor-input - Its text box (Enter sends, Shift+Enter is a new line, Escape cancels).
 * @csspart editor-send - Its send button.
 * @csspart editor-cancel - Its cancel button.
 *
 * @fires {SseFeedbackEvent} sse-feedback - The reader judged the answer: `{value: 'up' | 'down'}` (`<sse-chat>` adds the `message`).
 * @fires {SseRegenerateEvent} sse-regenerate - The reader asked for a new answer in place of this one (`<sse-chat>` asks it).
 * @fires {SseVersionEvent} sse-version - The reader chose another version to show: `{version}`, 0-based (`<sse-chat>` shows it).
 * @fires {SseEditEvent} sse-edit - The reader sent the edited question: `{text}` (`<sse-chat>` asks it in place of the last question and its answer).
 *
 * @cssprop [--sse-chat-font=system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif] - Font family.
 * @cssprop [--sse-chat-font-size=15px] - Base font size.
 * @cssprop [--sse-chat-radius=12px] - Corner radius of the bubble.
 * @cssprop [--sse-chat-gap=12px] - Base spacing.
 * @cssprop [--sse-chat-fg=#1f2328] - Text colour (dark theme: `#e6edf3`).
 * @cssprop [--sse-chat-muted=#59636e] - Think block text, quotes (dark: `#9198a1`).
 * @cssprop [--sse-chat-border=#d1d9e0] - Think block rule, code, tables, quotes (dark: `#3d444d`).
 * @cssprop [--sse-chat-accent=#0969da] - Links, focus ring (dark: `#4493f8`).
 * @cssprop [--sse-chat-user-bg=#ddf4ff] - Background of the reader's messages (dark: `#15305a`).
 * @cssprop [--sse-chat-assistant-bg=transparent] - Background of answers.
 * @cssprop [--sse-chat-code-bg=#f6f8fa] - Background of code (dark: `#151b23`).
 */
export class SseMessage extends LitElement {
  static override styles = styles;
  /** The reactive properties, each documented at its field below (not decorators: bench/README.md#bundle-size). */
  static override properties = {
    author: { reflect: true },
    status: { reflect: true },
    theme: { reflect: true },
    strings: { attribute: false },
    highlight: { attribute: false },
    highlightStyles: { attribute: 'highlight-styles' },
    actions: {},
    feedback: { reflect: true },
    last: { type: Boolean },
    version: { type: Number },
    versions: { type: Number },
    editing: { state: true, attribute: false },
    copied: { state: true, attribute: false },
    thinking: { type: Boolean, reflect: true },
    hasThink: { state: true, attribute: false },
    thinkOpen: { state: true, attribute: false },
    thoughtMs: { state: true, attribute: false },
  };
  /** The package version (a second copy on the page names it in its warning). */
  static readonly version: string = VERSION;

  /** Who wrote it: `user` or `assistant`. */
  author: 'user' | 'assistant' = 'assistant';

  /** `streaming`, `done`, `error`, `stopped` or `pending` (generated elsewhere, not followed). */
  status: MessageStatus = 'done';

  /** `light` or `dark` forces a theme; absent follows `prefers-color-scheme`. */
  theme?: 'light' | 'dark';

  /** UI strings (see `<sse-chat>`'s `strings`); pass only the ones to change. */
  strings: Partial<SseChatStrings> = {};

  /**
   * Highlights code: `(code, language) => html` (or a promise of it), called once per finished
   * code block; its HTML is sanitized like everything else. An open block shows plain code.
   */
  highlight?: Highlighter;

  /**
   * CSS for the highlighter's output (a highlight.js or Shiki theme), added to the message's
   * shadow root, which a page's stylesheets do not reach. Inline `style` attributes are removed
   * by the sanitizer, so highlighters must colour with classes.
   */
  highlightStyles?: string;
  #highlightSheet: CSSStyleSheet | undefined;

  /**
   * The actions, space-separated: under a finished answer `copy` (the answer as markdown, and
   * its rendered HTML as a second flavour), `regenerate` (on the `last` answer) and `feedback`
   * (good / bad); under the reader's `last` question `edit`. Empty shows none.
   */
  actions = 'copy regenerate feedback edit';

  /** The reader's judgement of the answer, `up` or `down`; set by the good / bad buttons. */
  feedback?: 'up' | 'down';

  /** The conversation's last answer (it may be regenerated) or the reader's last question (it may be edited). */
  last = false;

  /** A regenerated answer: which of its `versions` this is, from 1 (the switcher shows "2 / 2"). */
  version?: number;
  /** A regenerated answer: how many versions it has. */
  versions?: number;

  /** The inline editor of the question is open (`startEdit()`). */
  private editing = false;

  private copied = false;

  /** Present while the think block is the one streaming. */
  thinking = false;

  private hasThink = false;
  private thinkOpen = false;
  private thoughtMs: number | undefined;

  /** The rendered blocks (what Lit's `@query` would give): `null` before the first render. */
  private get thinkBody(): HTMLElement | null {
    return this.renderRoot?.querySelector<HTMLElement>('[part="think-body"]') ?? null;
  }
  private get answerBody(): HTMLElement | null {
    return this.renderRoot?.querySelector<HTMLElement>('[part="answer"]') ?? null;
  }

  #text: Record<BlockName, string> = { think: '', answer: '' };
  #views: Partial<Record<BlockName, MarkdownView>> = {};
  #thinkStartedAt: number | undefined;
  /** The reader opened or closed the think block: never toggle it for them again. */
  #userToggled = false;

  /** The think block's markdown source. Setting it renders it anew. */
  get think(): string {
    return this.#text.think;
  }
  set think(value: string) {
    this.#replace('think', value ?? '');
  }

  /** The answer's markdown source (for user messages: their text). Setting it renders it anew. */
  get answer(): string {
    return this.#text.answer;
  }
  set answer(value: string) {
    this.#replace('answer', value ?? '');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#views.think?.dispose();
    this.#views.answer?.dispose();
  }

  protected override firstUpdated(): void {
    // A finished answer (a history) renders later, under a frame budget shared by all, and
    // only once the browser finds it relevant: near the viewport, found in the page, focused.
    // Until then it holds its source as plain text in a `content-visibility: auto` box, which
    // costs no layout off screen and is still found by find-in-page: a long conversation
    // opens without rendering the markdown of the hundreds of answers nobody scrolled to.
    // (Where that event is unknown, every one renders in the shared frames.)
    const answer = this.answerBody!;
    if (!this.#lazy) return this.#mountViews();
    this.#mounting = () => this.#mountViews();
    if (!('oncontentvisibilityautostatechange' in answer)) return renderLater(() => this.#mounting?.()); // a no-op once rendered
    answer.classList.add('later');
    answer.textContent = this.#text.answer;
    // At once, before this frame paints: the browser finds few answers relevant at a time.
    answer.addEventListener(
      'contentvisibilityautostatechange',
      (event) => (event as ContentVisibilityAutoStateChangeEvent).skipped || this.#mounting?.(),
    );
  }

  /** The deferred first render of the blocks, while it waits. */
  #mounting?: () => void;
  /** A finished answer whose markdown (and toolbar) waits to be rendered: see `firstUpdated()`. */
  #lazy = false;

  /**
   * A finished message's first render (its shadow DOM) waits its turn in the shared frames too,
   * the latest first: a history of hundreds of messages shows its end after a short task, the
   * earlier ones following frame by frame, instead of building them all in one long task.
   */
  protected override scheduleUpdate(): void | Promise<unknown> {
    if (this.hasUpdated || this.status === 'streaming' || document.visibilityState === 'hidden')
      return super.scheduleUpdate();
    return new Promise<void>((resolve) => {
      this.#rendering = () => {
        this.#rendering = undefined;
        resolve(super.scheduleUpdate() as undefined);
      };
      this.#queueRender();
    });
  }

  /** Into the queue; a message removed meanwhile (a history replaced) is skipped, queued again if it comes back. */
  #queueRender(): void {
    renderLater(() => this.isConnected && this.#rendering?.());
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.#rendering) this.#queueRender();
  }

  /** The first render, while it waits its turn. */
  #rendering?: () => void;

  /** Waiting for the element renders it now if it waits its turn, and its blocks too. */
  protected override async getUpdateComplete(): Promise<boolean> {
    this.#rendering?.();
    await super.getUpdateComplete();
    this.#mounting?.(); // and the toolbar, in one more update
    return super.getUpdateComplete();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('highlightStyles')) this.#adoptHighlightStyles();
    // The author decides what renders (a reader's text as is, an answer as markdown with a
    // think block): an element reused for another author renders its text afresh.
    if (changed.has('author') && changed.get('author') !== undefined) this.#mountViews();
  }

  #adoptHighlightStyles(): void {
    const root = this.renderRoot as ShadowRoot;
    if (!this.#highlightSheet && !this.highlightStyles) return;
    this.#highlightSheet ??= new CSSStyleSheet();
    this.#highlightSheet.replaceSync(this.highlightStyles ?? '');
    if (!root.adoptedStyleSheets.includes(this.#highlightSheet)) {
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.#highlightSheet];
    }
  }

  /** Puts the text into the rendered blocks: markdown views for answers, plain text for the reader. */
  #mountViews(): void {
    this.#mounting = undefined;
    if (this.#lazy) this.requestUpdate(); // the toolbar
    this.#lazy = false;
    this.answerBody!.className = 'markdown'; // no longer the plain-text stand-in
    this.answerBody!.textContent = '';
    for (const view of Object.values(this.#views)) view?.dispose();
    this.#views = {};
    const options: MarkdownViewOptions = {
      labels: () => {
        const strings = this.#strings();
        return { copy: strings.copyCode, copied: strings.copied };
      },
      highlight: () => this.highlight,
    };
    if (this.thinkBody) {
      this.#views.think = new MarkdownView(this.thinkBody, options);
      this.#views.think.replace(this.#text.think);
    }
    if (this.author === 'user') {
      this.answerBody!.replaceChildren(this.#text.answer);
    } else {
      this.#views.answer = new MarkdownView(this.answerBody!, options);
      this.#views.answer.replace(this.#text.answer);
    }
    if (this.status !== 'streaming') this.#endViews();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Decided once, before the first render: its toolbar waits for the markdown too.
    if (!this.hasUpdated)
      this.#lazy = this.status !== 'streaming' && this.author !== 'user' && document.visibilityState !== 'hidden';
    if (changed.has('status') && this.status !== 'streaming') {
      this.thinking = false;
      if (this.#thinkStartedAt !== undefined && this.thoughtMs === undefined)
        this.thoughtMs = Date.now() - this.#thinkStartedAt;
      if (this.hasUpdated) this.#endViews();
    }
  }

  /**
   * Adds streamed text to a block. The DOM follows at the next animation frame.
   * The first answer text collapses the think block, unless the reader opened it.
   */
  appendText(block: BlockName, text: string): void {
    if (!text) return;
    this.#mounting?.(); // an answer waiting to render (a history answer now resumed) shows its text now
    this.#text[block] += text;
    if (block === 'think') {
      this.#thinkStarted();
    } else if (this.thinking || (this.hasThink && this.thoughtMs === undefined && this.#thinkStartedAt !== undefined)) {
      this.thinking = false;
      this.thoughtMs = Date.now() - (this.#thinkStartedAt ?? Date.now());
      if (!this.#userToggled) this.thinkOpen = false;
    }
    if (this.author === 'user' && block === 'answer') {
      if (this.answerBody) this.answerBody.textContent = this.#text.answer;
      return;
    }
    this.#views[block]?.append(text);
  }

  /** Renders pending text now rather than at the next frame. */
  flush(): void {
    this.#rendering?.();
    this.#mounting?.();
    this.#views.think?.flush();
    this.#views.answer?.flush();
  }

  #thinkStarted(): void {
    if (!this.hasThink) this.hasThink = true;
    if (this.status === 'streaming' && !this.#text.answer) {
      this.#thinkStartedAt ??= Date.now();
      this.thinking = true;
      if (!this.#userToggled) this.thinkOpen = true;
    }
  }

  #replace(block: BlockName, value: string): void {
    if (value === this.#text[block]) return;
    this.#text[block] = value;
    if (block === 'think') this.hasThink = value !== '';
    if (block === 'think' && (value === '' || this.status !== 'streaming')) {
      // The answer was asked again (its stream could not be resumed, or it is regenerated): the
      // thinking starts anew, and "Thought for N s" must not count the broken attempt and the
      // wait. Another version shown: how long it thought is not known here.
      this.#thinkStartedAt = undefined;
      this.thoughtMs = undefined;
    }
    if (!this.hasUpdated) return;
    this.#mounting?.(); // a new text for an answer still waiting to render: rendered now, not the stale stand-in
    if (this.author === 'user' && block === 'answer') this.answerBody!.textContent = value;
    else this.#views[block]?.replace(value);
    if (this.status !== 'streaming') this.#views[block]?.end();
  }

  #endViews(): void {
    this.#views.think?.end();
    this.#views.answer?.end();
  }

  /** The reader clicked the summary (or pressed Enter or Space on it). */
  #onSummaryClick(): void {
    this.#userToggled = true;
  }

  #onToggle(event: Event): void {
    this.thinkOpen = (event.target as HTMLDetailsElement).open;
  }

  /** Copies the answer: its markdown as text, its rendered (sanitized) HTML as `text/html`. */
  async #copyAnswer(): Promise<void> {
    const rendered = this.answerBody!.cloneNode(true) as HTMLElement;
    for (const button of rendered.querySelectorAll('.code-copy')) button.remove();
    const text = this.#text.answer;
    try {
      await navigator.clipboard.write([
        new ClipboardItem({
          'text/plain': new Blob([text], { type: 'text/plain' }),
          'text/html': new Blob([rendered.innerHTML], { type: 'text/html' }),
        }),
      ]);
    } catch (error) {
      console.warn('sse-chat: could not copy the answer:', error);
      return;
    }
    this.copied = true;
    setTimeout(() => (this.copied = false), 2000);
  }

  /** The reader judged the answer: shown, and told to the page (`<sse-chat>` tells the server). */
  #judge(value: 'up' | 'down'): void {
    this.feedback = value;
    emit(this, 'sse-feedback', { value });
  }

  /** Opens the inline editor of the question, its text selected to the end, focused. */
  async startEdit(): Promise<void> {
    this.editing = true;
    await this.updateComplete;
    const input = this.renderRoot.querySelector<HTMLTextAreaElement>('[part="editor-input"]');
    input?.focus();
    input?.setSelectionRange(input.value.length, input.value.length);
  }

  /** Closes the editor; cancelled, focus goes back to the edit button. */
  async #endEdit(text?: string): Promise<void> {
    this.editing = false;
    if (text !== undefined) emit(this, 'sse-edit', { text });
    else await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part="action-edit"]')?.focus();
  }

  #onEditorSubmit(event: Event): void {
    event.preventDefault();
    const text = this.renderRoot.querySelector<HTMLTextAreaElement>('[part="editor-input"]')!.value;
    if (text.trim()) void this.#endEdit(text);
  }

  #onEditorKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      void this.#endEdit();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      this.#onEditorSubmit(event);
    }
  }

  /** The reader's question: its edit button, or its editor. */
  #questionActions(has: (action: string) => boolean) {
    const strings = this.#strings();
    if (this.editing) {
      return html`<form part="editor" class="editor" @submit=${this.#onEditorSubmit}>
        <textarea
          part="editor-input"
          aria-label=${strings.editInput}
          .value=${this.#text.answer}
          @keydown=${this.#onEditorKeyDown}
        ></textarea>
        <div class="actions">
          <button part="editor-cancel" type="button" @click=${() => this.#endEdit()}>${strings.cancel}</button>
          <button part="editor-send" type="submit">${strings.send}</button>
        </div>
      </form>`;
    }
    return this.last && has('edit')
      ? html`<div part="actions" class="actions">
          <button part="action-edit" type="button" @click=${this.startEdit}>${strings.edit}</button>
        </div>`
      : nothing;
  }

  /** The version switcher of a regenerated answer: ‹ 2 / 2 › (the arrows mirror in RTL). */
  #versionSwitcher(strings: SseChatStrings) {
    const { version = 1, versions = 1 } = this;
    // aria-disabled, not disabled, at the ends: a disabled button would drop the focus.
    const show = (to: number) => to > 0 && to <= versions && emit(this, 'sse-version', { version: to - 1 });
    return versions > 1
      ? html`<span part="versions" class="versions">
          <button
            part="version-previous"
            type="button"
            aria-label=${strings.previousVersion}
            title=${strings.previousVersion}
            aria-disabled=${version <= 1}
            @click=${() => show(version - 1)}
          >
            ‹
          </button>
          ${strings.version(version, versions)}
          <button
            part="version-next"
            type="button"
            aria-label=${strings.nextVersion}
            title=${strings.nextVersion}
            aria-disabled=${version >= versions}
            @click=${() => show(version + 1)}
          >
            ›
          </button>
        </span>`
      : nothing;
  }

  #actions() {
    const actions = this.actions.split(/\s+/);
    const has = (action: string) => actions.includes(action);
    if (this.author === 'user') return this.#questionActions(has);
    if (this.status === 'streaming' || this.status === 'pending' || this.#lazy) return nothing;
    const regenerate = this.last && has('regenerate');
    if (!has('copy') && !has('feedback') && !regenerate && !(this.versions! > 1)) return nothing;
    const strings = this.#strings();
    return html`<div part="actions" class="actions" role="toolbar" aria-label=${strings.actions}>
      ${this.#versionSwitcher(strings)}
      ${
        has('copy')
          ? html`<button part="action-copy" type="button" @click=${this.#copyAnswer}>
              ${this.copied ? strings.copied : strings.copy}
            </button>`
          : nothing
      }
      ${
        regenerate
          ? html`<button part="action-regenerate" type="button" @click=${() => emit(this, 'sse-regenerate', {})}>
              ${strings.regenerate}
            </button>`
          : nothing
      }
      ${
        has('feedback')
          ? html`<button
                part="action-good"
                type="button"
                aria-label=${strings.good}
                title=${strings.good}
                aria-pressed=${this.feedback === 'up'}
                @click=${() => this.#judge('up')}
              >
                👍
              </button>
              <button
                part="action-bad"
                type="button"
                aria-label=${strings.bad}
                title=${strings.bad}
                aria-pressed=${this.feedback === 'down'}
                @click=${() => this.#judge('down')}
              >
                👎
              </button>`
          : nothing
      }
      <span class="visually-hidden" role="status">${this.copied ? strings.copied : ''}</span>
    </div>`;
  }

  /** The defaults, with what the host replaced (merged once per `strings` object: all messages share it). */
  #strings(): SseChatStrings {
    let strings = merged.get(this.strings);
    if (!strings) merged.set(this.strings, (strings = { ...DEFAULT_STRINGS, ...this.strings }));
    return strings;
  }

  #summary(): string {
    const strings = this.#strings();
    if (this.thinking) return strings.thinking;
    if (this.thoughtMs !== undefined) return strings.thoughtFor(Math.max(1, Math.round(this.thoughtMs / 1000)));
    return strings.thoughts;
  }

  protected override render() {
    const strings = this.#strings();
    const label = this.author === 'user' ? strings.user : strings.assistant;
    return html`<div part="bubble" class="bubble">
      <span class="visually-hidden">${label}</span>
      ${
        this.author === 'assistant'
          ? html`<details part="think" ?hidden=${!this.hasThink} ?open=${this.thinkOpen} @toggle=${this.#onToggle}>
              <summary part="think-summary" @click=${this.#onSummaryClick}>${this.#summary()}</summary>
              <div part="think-body" class="markdown"></div>
            </details>`
          : nothing
      }
      <div part="answer" class="markdown" ?hidden=${this.editing}></div>
      ${this.#actions()}
    </div>`;
  }
}
