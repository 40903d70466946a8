/**
 * The bench's long-conversation case, in the page (driven by scripts/bench/conversation.mjs;
 * its own entry, loaded into a page of bench/index.html as `/conversation.js`). Two variants,
 * each in a fresh page:
 *
 * - ours: `<sse-chat>` opens the 500-message conversation from `history-endpoint`
 *   (`/bench/history`, served by the bench server), then `send()` streams a new answer at its
 *   end (the reference server's scripted answer, metered to `pace` events per second);
 * - floor: the same 500 messages rendered beforehand (not measured) with `renderMarkdown`,
 *   the whole HTML set once as `innerHTML` of a plain container: the least a page can do to
 *   show them.
 *
 * Measured in the page: when the history response ended (Resource Timing `responseEnd`; the
 * floor's start instead), when a message was first painted inside the log's box (checked in
 * each animation frame: the start of the frame after the one that saw it, whose paint is done
 * by then; a task posted after each frame is held back while frames and input keep coming, by
 * 100 ms and more), when the load settled
 * (every message in the log's box rendered, then 10 frames with no gap over 50 ms: ours renders
 * an answer's markdown only once it comes near the view), the long frames and the
 * input delay of the keys the Node side presses meanwhile (Shift: nothing to type, so the
 * keys cost the same in both variants). Busy time and the JS heap are read by the Node side.
 */
import '../components/define.ts';
import type { SseChat } from '../components/sse-chat.ts';
import { renderMarkdown } from '../src/index.ts';
import {
  describeLongFrame,
  FrameWatch,
  longFramesBetween,
  longTasksBetween,
  nextFrame,
  type LongFrame,
} from './harness.ts';

export interface ConversationOptions {
  variant: 'ours' | 'floor';
  /** The chat endpoint of the new answer (ours). */
  endpoint: string;
  /** The history endpoint (ours), or where the floor gets the messages it pre-renders. */
  history: string;
  prompt: string;
}

/** The frames of a phase: long tasks and long animation frames, and the worst gap between frames. */
export interface FrameMetrics {
  longTaskMaxMs: number;
  longFrames: number;
  longFrameMaxMs: number;
  longFrameBlockingMaxMs: number;
  longFrameDetail: LongFrame[];
  worstFrameMs: number;
}

/** What the load phase measured. */
export interface LoadMetrics extends FrameMetrics {
  /** ms from the trigger (the history endpoint set; the floor's innerHTML) to the history response's end. */
  responseMs: number;
  /** ms from the response to the first message painted in the log's box. */
  firstVisibleMs: number | null;
  /** ms from the response to the frame that first had a message in the log's box, laid out (it paints it next). */
  firstLaidOutMs: number | null;
  /** ms from the response until the load settled (the messages in view rendered, the frames quiet again). */
  settledMs: number;
  /** Messages whose markdown was rendered when the load settled (ours renders those near the view). */
  rendered: number;
  /** ms from the response until a key pressed meanwhile was handled promptly for good (0: never late). */
  composerMs: number;
  /** The longest a key waited for the main thread during the load (press → handler), ms. */
  inputDelayMaxMs: number;
  keys: number;
  messages: number;
}

/** What the stream phase measured (ours). */
export interface StreamMetrics extends FrameMetrics {
  totalMs: number;
  answerChars: number;
  frames: number;
  /** The log was at its end when the answer ended (it followed the stream). */
  followed: boolean;
}

/** A key press slower than this (press → handler) means the composer did not respond. */
const LATE_INPUT_MS = 50;
/** The load has settled after this many frames in a row with no gap over `QUIET_GAP_MS`. */
const QUIET_FRAMES = 10;
const QUIET_GAP_MS = 50;
const SETTLE_CAP_MS = 30_000;

let options: ConversationOptions | undefined;
let chat: SseChat | undefined;
let floorHtml = '';
const keys: Array<{ pressed: number; handled: number }> = [];

addEventListener(
  'keydown',
  (event) => {
    if (event.key === 'Shift') keys.push({ pressed: event.timeStamp, handled: performance.now() });
  },
  { capture: true },
);

/** Builds the variant (ours: an empty `<sse-chat>`, its composer focused; floor: the HTML). Not measured. */
async function prepare(o: ConversationOptions): Promise<void> {
  options = o;
  const stage = document.getElementById('stage')!;
  stage.replaceChildren();
  if (o.variant === 'ours') {
    chat = document.createElement('sse-chat') as SseChat;
    chat.setAttribute('endpoint', o.endpoint);
    chat.setAttribute('heartbeat-timeout', '0');
    chat.setAttribute('connect-timeout', '0');
    chat.setAttribute('max-retries', '0');
    stage.append(chat);
    await chat.updateComplete;
    chat.shadowRoot!.querySelector<HTMLTextAreaElement>('[part="input"]')!.focus();
  } else {
    const { messages } = (await (await fetch(`${o.history}?conversation_id=bench`)).json()) as {
      messages: Array<{ author: string; answer: string }>;
    };
    const box = document.createElement('div');
    for (const message of messages) {
      const div = document.createElement('div');
      div.className = `message ${message.author}`;
      if (message.author === 'user') div.textContent = message.answer;
      else div.append(renderMarkdown(message.answer));
      box.append(div);
    }
    floorHtml = box.innerHTML;
  }
  await nextFrame();
}

/** Resolves in a task after the next frame: its rendering and paint are done. */
function afterPaint(): Promise<number> {
  return new Promise((resolve) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now());
      channel.port2.postMessage(undefined);
    }),
  );
}

/** The scrolling box the messages show in, and the message elements. */
function parts(): { log: HTMLElement; messages: HTMLElement[] } {
  const stage = document.getElementById('stage')!;
  if (!chat) return { log: stage, messages: [...stage.querySelectorAll<HTMLElement>('.message')] };
  const root = chat.shadowRoot!;
  return {
    log: root.querySelector<HTMLElement>('[part="log"]')!,
    messages: [...root.querySelectorAll<HTMLElement>('sse-message')],
  };
}

/** A message's rendered text (ours: its answer part, in its shadow root). */
function body(message: HTMLElement): Element | null {
  return chat ? (message.shadowRoot?.querySelector('[part="answer"]') ?? null) : message;
}

/** Whether a message shows its rendered content (not yet: empty, or ours' plain-text stand-in). */
function isRendered(message: HTMLElement): boolean {
  const content = body(message);
  return !!content?.firstChild && !content.classList.contains('later');
}

/** The messages (partly) inside the log's box. */
function inView(): HTMLElement[] {
  const { log, messages } = parts();
  const box = log.getBoundingClientRect();
  const seen: HTMLElement[] = [];
  // The log follows its end, so look from the end, and stop above the box.
  for (let i = messages.length - 1; i >= 0; i--) {
    const rect = messages[i]!.getBoundingClientRect();
    if (rect.bottom <= box.top) break;
    if (rect.top < box.bottom && rect.height > 0) seen.push(messages[i]!);
  }
  return seen;
}

/** Whether a rendered message lies (partly) inside the log's box. */
function anyVisible(): boolean {
  return inView().some(isRendered);
}

/** Whether every message is there and those in the log's box are rendered. */
function viewRendered(expected: number): boolean {
  const visible = inView();
  return parts().messages.length >= expected && visible.length > 0 && visible.every(isRendered);
}

/** The measured load: the history (or the floor's HTML) until it has settled. */
async function load(expected: number): Promise<LoadMetrics> {
  if (!options) throw new Error('prepare() first');
  keys.length = 0;
  const frames = new FrameWatch(() => {});
  // In a task of its own (not the DevTools evaluation's), so that long-task entries see it.
  const t0 = await new Promise<number>((resolve) =>
    setTimeout(() => {
      const now = performance.now();
      if (chat) {
        chat.setAttribute('history-endpoint', options!.history);
      } else {
        const stage = document.getElementById('stage')!;
        stage.innerHTML = floorHtml;
        stage.scrollTop = stage.scrollHeight;
      }
      resolve(now);
    }, 0),
  );
  frames.start(t0);
  let firstVisibleAt: number | null = null;
  let seenAt: number | null = null;
  const probe = () => {
    // The frame after the one that saw it (that one has painted by then); performance.now()
    // rather than the frame's timestamp, which can precede the end of a long task before it.
    if (seenAt !== null) firstVisibleAt = performance.now();
    else {
      if (anyVisible()) seenAt = performance.now();
      requestAnimationFrame(probe);
    }
  };
  requestAnimationFrame(probe);
  let lastBusy = t0;
  let quiet = 0;
  let previous = t0;
  let renderedAt: number | null = null;
  for (;;) {
    const now = await afterPaint();
    if (now - previous > QUIET_GAP_MS) {
      lastBusy = now;
      quiet = 0;
    } else quiet++;
    previous = now;
    // Rendering can change heights and bring a waiting answer into the box: not settled then.
    renderedAt = viewRendered(expected) ? (renderedAt ?? now) : null;
    if ((renderedAt !== null && quiet >= QUIET_FRAMES) || now - t0 > SETTLE_CAP_MS) break;
  }
  const t1 = Math.max(lastBusy, renderedAt ?? lastBusy);
  frames.stop(t1);
  const entry = performance
    .getEntriesByType('resource')
    .filter((e) => e.name.includes(options!.history))
    .at(-1) as PerformanceResourceTiming | undefined;
  const responseAt = chat ? (entry?.responseEnd ?? t0) : t0;
  const after = keys.filter((key) => key.handled > responseAt);
  const late = after.filter((key) => key.handled - key.pressed > LATE_INPUT_MS);
  const longFrames = longFramesBetween(t0, t1);
  return {
    responseMs: responseAt - t0,
    firstVisibleMs: firstVisibleAt === null ? null : firstVisibleAt - responseAt,
    firstLaidOutMs: seenAt === null ? null : seenAt - responseAt,
    settledMs: t1 - responseAt,
    rendered: parts().messages.filter(isRendered).length,
    composerMs: late.length ? Math.max(...late.map((key) => key.handled)) - responseAt : 0,
    inputDelayMaxMs: Math.max(0, ...keys.filter((key) => key.handled > t0).map((key) => key.handled - key.pressed)),
    keys: keys.length,
    messages: parts().messages.length,
    longTaskMaxMs: Math.max(0, ...longTasksBetween(t0, t1).map((task) => task.duration)),
    longFrames: longFrames.length,
    longFrameMaxMs: longFrames[0]?.duration ?? 0,
    longFrameBlockingMaxMs: Math.max(0, ...longFrames.map((e) => describeLongFrame(e, responseAt).blockingMs)),
    longFrameDetail: longFrames.slice(0, 5).map((e) => describeLongFrame(e, responseAt)),
    worstFrameMs: frames.worst,
  };
}

/** The measured stream (ours): `send()` at the end of the conversation, until its DOM is up to date. */
async function stream(): Promise<StreamMetrics> {
  if (!options || !chat) throw new Error('prepare() with ours first');
  const frames = new FrameWatch(() => {});
  const t0 = performance.now();
  frames.start(t0);
  await chat.send(options.prompt);
  const t1 = performance.now();
  frames.stop(t1);
  await new Promise((resolve) => setTimeout(resolve, 0));
  await nextFrame();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const { log } = parts();
  const longFrames = longFramesBetween(t0, t1);
  return {
    totalMs: t1 - t0,
    answerChars: chat.messages.at(-1)?.answer.length ?? 0,
    longTaskMaxMs: Math.max(0, ...longTasksBetween(t0, t1).map((task) => task.duration)),
    longFrames: longFrames.length,
    longFrameMaxMs: longFrames[0]?.duration ?? 0,
    longFrameBlockingMaxMs: Math.max(0, ...longFrames.map((e) => describeLongFrame(e, t0).blockingMs)),
    longFrameDetail: longFrames.slice(0, 5).map((e) => describeLongFrame(e, t0)),
    worstFrameMs: frames.worst,
    frames: frames.frames,
    followed: log.scrollHeight - log.scrollTop - log.clientHeight <= 24,
  };
}

/** DOM nodes of the stage, through shadow roots (elements, text and comments). */
function nodes(): number {
  let count = 0;
  const walk = (root: Node) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
    for (let node: Node | null = walker.currentNode; node; node = walker.nextNode()) {
      count++;
      const shadow = (node as Element).shadowRoot;
      if (shadow) walk(shadow);
    }
  };
  walk(document.getElementById('stage')!);
  return count;
}

declare global {
  interface Window {
    __conversation: { prepare: typeof prepare; load: typeof load; stream: typeof stream; nodes: typeof nodes };
  }
}
window.__conversation = { prepare, load, stream, nodes };
