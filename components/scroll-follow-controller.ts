/**
 * Keeps a scrolling log at its end while its content grows, until the reader scrolls up: then
 * "Jump to latest" shows, and brings the log back to the end. Growth is watched with a
 * ResizeObserver on the content, so streamed text, a rendered block or a loaded image is
 * followed alike, with no scroll work per token.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Scrolled this close to the end, the log follows new text. */
const FOLLOW_SLACK_PX = 24;

export interface ScrollFollowElements {
  /** The scrolling element (its `scroll` events go to `onScroll`). */
  log: () => HTMLElement | null;
  /** The element inside it that grows. */
  content: () => HTMLElement | null;
}

export class ScrollFollowController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #elements: ScrollFollowElements;
  #following = true;
  #observer: ResizeObserver | undefined;
  #observed: HTMLElement | undefined;

  constructor(host: ReactiveControllerHost, elements: ScrollFollowElements) {
    this.#host = host;
    this.#elements = elements;
    host.addController(this);
  }

  /** Whether "Jump to latest" shows: the reader scrolled away from the end. */
  get jumpVisible(): boolean {
    return !this.#following;
  }

  /** Follows again from the next growth on (a question was just sent). */
  follow(): void {
    this.#setFollowing(true);
  }

  /**
   * The log's `scroll` listener (an arrow function: Lit calls listeners with the host as `this`).
   * At the end, it follows; away from it, it stops following only when the reader moved up. The
   * scroll event of our own scroll to the end comes a frame later, when more text may have
   * grown the log past the slack: read as "the reader left the end", it would stop following.
   */
  readonly onScroll = (): void => {
    const log = this.#elements.log();
    if (!log) return;
    const { scrollHeight, scrollTop, clientHeight } = log;
    const up = scrollTop < this.#lastTop;
    this.#lastTop = scrollTop;
    if (scrollHeight - scrollTop - clientHeight <= FOLLOW_SLACK_PX) this.#setFollowing(true);
    else if (up) this.#setFollowing(false);
  };
  /** The log's scroll position at its last `scroll` event. */
  #lastTop = 0;

  /** "Jump to latest": to the end now, and following again. */
  readonly jumpToLatest = (): void => {
    this.#setFollowing(true);
    this.#scrollToEnd();
  };

  // Back on the page (moved): observe again. The first time, the content is not rendered yet.
  hostConnected(): void {
    this.#observe();
  }

  hostUpdated(): void {
    this.#observe();
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observed = undefined;
  }

  #observe(): void {
    if (this.#observed) return;
    const content = this.#elements.content();
    if (!content) return;
    this.#observer ??= new ResizeObserver(() => {
      if (this.#following) this.#scrollToEnd();
    });
    this.#observer.observe(content);
    this.#observed = content;
  }

  #scrollToEnd(): void {
    const log = this.#elements.log();
    if (log) log.scrollTop = log.scrollHeight;
  }

  #setFollowing(following: boolean): void {
    if (following === this.#following) return;
    this.#following = following;
    this.#host.requestUpdate();
  }
}
