/**
 * Measurement probes of the bench page, shared by every variant (see scripts/bench.mjs for
 * the whole picture). Everything here is cheap and the same for all variants:
 *
 * - long tasks: one `PerformanceObserver` (`longtask`, buffered) from page load on; a run
 *   counts the tasks that overlap it;
 * - long frames: the same for the Long Animation Frames API (`long-animation-frame`: a frame
 *   whose tasks, rendering included, took over 50 ms), when the browser has it (else the long
 *   tasks stand in); each keeps the scripts that ran in it (function, source position,
 *   invoker), which say where the time went;
 * - frames: a `requestAnimationFrame` loop during the run; the worst gap between two
 *   frames (or between the last frame and the end) is how long the page could not paint;
 * - progress: the received answer length is sampled (by the variant's own callbacks, at
 *   every read of the response body and at every frame); the time each 1 KB boundary
 *   (1000 characters) is crossed is interpolated between samples. With an unpaced stream
 *   the consumer sets the pace, so ms per KB is the cost of taking in one more KB.
 */

/** What the Node side asks for one run. */
export interface RunOptions {
  variant: VariantName;
  /** The server grows the answer to about this many characters. */
  size: number;
  /** Events per second the bench server lets through (`bench_pace`); 0 = as fast as it can send. */
  pace: number;
  /** The prompt: the same for every variant of a size, so the answer text is the same. */
  prompt: string;
  /** Stop the run after this many ms and report it as capped. */
  capMs: number;
}

export type VariantName = 'floor' | 'baseline' | 'ours';

/** What one run measured in the page (busy time is added by the Node side). */
export interface RunMetrics {
  variant: VariantName;
  status: 'done' | 'capped' | 'error';
  error?: string;
  /** Request start → answer end, the DOM up to date. */
  totalMs: number;
  /** Sum and max of the long tasks (> 50 ms) overlapping the run. */
  longTaskMs: number;
  longTaskMaxMs: number;
  longTasks: number;
  /** Long animation frames (> 50 ms) overlapping the run (`longtask` entries where the API is missing). */
  longFrames: number;
  longFrameMaxMs: number;
  /** The longest blocking duration of those frames (their tasks' time over 50 ms each): > 0 means a long task. */
  longFrameBlockingMaxMs: number;
  longFrameKind: 'long-animation-frame' | 'longtask';
  /** The long frames of the run, longest first (at most 5), with their scripts. */
  longFrameDetail: LongFrame[];
  /** Worst gap between two animation frames during the run. */
  worstFrameMs: number;
  frames: number;
  /** Answer characters received (at the end, or when capped). */
  answerChars: number;
  /** ms per KB over the first and the last 10 % of the answer (null: too short to tell). */
  msPerKbFirst: number | null;
  msPerKbLast: number | null;
  /** Events received and their rate (from the first change to the end), when known. */
  events: number | null;
  eventsPerSec: number | null;
}

/** One way of rendering the stream. */
export interface Variant {
  /** Starts the request; settles when the answer ended and the DOM shows all of it. */
  start(): Promise<'done' | 'stopped' | 'error'>;
  /** Stops the answer (the cap was reached). */
  stop(): void;
  /** Answer characters received so far (cheap: called at every frame and body read). */
  answerLength(): number;
  /** Events received so far, when the variant knows. */
  events(): number | null;
  /** `performance.now()` of the first change of the text, when the variant knows. */
  firstChangeAt(): number | null;
  /** After the run: whether the DOM equals the whole answer rendered at once (null: not checked). */
  check(): Promise<CheckResult>;
}

export interface CheckResult {
  identical: boolean | null;
  detail?: string;
}

/** What a variant gets from the harness. */
export interface VariantHooks {
  /** A sample of the received answer length, at `performance.now()`. */
  progress(length: number): void;
  /** Whether the cap is reached: the variant must stop at once (checked per change). */
  overCap(): boolean;
}

// --- long tasks ------------------------------------------------------------------------

const longTaskEntries: PerformanceEntry[] = [];
const longTaskObserver = new PerformanceObserver((list) => {
  longTaskEntries.push(...list.getEntries());
});
longTaskObserver.observe({ type: 'longtask', buffered: true });

/** The long tasks that overlap `[from, to]`. */
export function longTasksBetween(from: number, to: number): PerformanceEntry[] {
  longTaskEntries.push(...longTaskObserver.takeRecords());
  return longTaskEntries.filter((entry) => entry.startTime < to && entry.startTime + entry.duration > from);
}

// --- long animation frames -------------------------------------------------------------

/** One long frame as the report shows it: when, how long, and the scripts that ran in it. */
export interface LongFrame {
  /** ms since the run started. */
  at: number;
  duration: number;
  /** The frame's rendering: rAF callbacks, then style, layout and paint (renderStart → end), ms. */
  renderMs: number;
  /** Of which style, layout and paint (styleAndLayoutStart → end), ms. */
  layoutMs: number;
  /** The Long Animation Frames API's blocking duration: how long input would have waited, ms. */
  blockingMs: number;
  scripts: Array<{ ms: number; layoutMs: number; invoker: string; source: string }>;
}

/** What Chromium's `PerformanceLongAnimationFrameTiming` holds (not in TypeScript's DOM types yet). */
interface LoafEntry extends PerformanceEntry {
  renderStart: number;
  styleAndLayoutStart: number;
  blockingDuration: number;
  scripts: Array<{
    duration: number;
    forcedStyleAndLayoutDuration: number;
    invoker: string;
    sourceFunctionName: string;
    sourceURL: string;
    sourceCharPosition: number;
  }>;
}

export const LONG_FRAME_KIND: LongFrameKind = PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')
  ? 'long-animation-frame'
  : 'longtask';
type LongFrameKind = RunMetrics['longFrameKind'];

const longFrameEntries: PerformanceEntry[] = [];
const longFrameObserver = new PerformanceObserver((list) => {
  longFrameEntries.push(...list.getEntries());
});
longFrameObserver.observe({ type: LONG_FRAME_KIND, buffered: true });

/** The long frames (over 50 ms) that overlap `[from, to]`, longest first. */
export function longFramesBetween(from: number, to: number): PerformanceEntry[] {
  longFrameEntries.push(...longFrameObserver.takeRecords());
  return longFrameEntries
    .filter((entry) => entry.duration > 50 && entry.startTime < to && entry.startTime + entry.duration > from)
    .sort((a, b) => b.duration - a.duration);
}

/** A long frame for the report, its times relative to `t0`. */
export function describeLongFrame(entry: PerformanceEntry, t0: number): LongFrame {
  const loaf = entry as LoafEntry;
  const scripts = (loaf.scripts ?? [])
    .slice()
    .sort((a, b) => b.duration - a.duration)
    .slice(0, 4)
    .map((script) => ({
      ms: Math.round(script.duration),
      layoutMs: Math.round(script.forcedStyleAndLayoutDuration),
      invoker: script.invoker,
      source: `${script.sourceFunctionName || '(anonymous)'} ${script.sourceURL.replace(/^.*\//, '')}:${script.sourceCharPosition}`,
    }));
  const end = entry.startTime + entry.duration;
  const renderMs = loaf.renderStart ? end - loaf.renderStart : 0;
  const layoutMs = loaf.styleAndLayoutStart ? end - loaf.styleAndLayoutStart : 0;
  return {
    at: Math.round(entry.startTime - t0),
    duration: Math.round(entry.duration),
    renderMs: Math.round(renderMs),
    layoutMs: Math.round(layoutMs),
    blockingMs: Math.round(loaf.blockingDuration ?? entry.duration - 50),
    scripts,
  };
}

// --- frames ----------------------------------------------------------------------------

/** A requestAnimationFrame loop that keeps the worst gap between frames. */
export class FrameWatch {
  worst = 0;
  frames = 0;
  #last = 0;
  #handle = 0;
  #running = false;

  constructor(private readonly onFrame: () => void) {}

  start(now: number): void {
    this.#last = now;
    this.#running = true;
    const tick = () => {
      if (!this.#running) return;
      const t = performance.now();
      this.worst = Math.max(this.worst, t - this.#last);
      this.#last = t;
      this.frames++;
      this.onFrame();
      this.#handle = requestAnimationFrame(tick);
    };
    this.#handle = requestAnimationFrame(tick);
  }

  /** Stops the loop; the time since the last frame counts as a gap too. */
  stop(now: number): void {
    this.#running = false;
    cancelAnimationFrame(this.#handle);
    this.worst = Math.max(this.worst, now - this.#last);
  }
}

// --- progress --------------------------------------------------------------------------

export const KB = 1000;

/** Times at which the received answer crossed each 1 KB boundary. */
export class Progress {
  /** `crossings[k]`: when the answer reached `(k + 1) * KB` characters. */
  readonly crossings: number[] = [];
  /** When the first answer character was seen. */
  firstAt: number | null = null;
  #length = 0;
  #at: number;

  constructor(start: number) {
    this.#at = start;
  }

  /** A sample: `length` characters at `now`; boundaries since the last sample are interpolated. */
  sample(length: number, now = performance.now()): void {
    if (length > this.#length) {
      const from = this.#length;
      const span = now - this.#at;
      // Progress is spread evenly over the time since the previous sample.
      if (this.firstAt === null) this.firstAt = this.#at + span / (length - from);
      for (let boundary = (this.crossings.length + 1) * KB; boundary <= length; boundary += KB) {
        this.crossings.push(this.#at + (span * (boundary - from)) / (length - from));
      }
      this.#length = length;
    }
    this.#at = now;
  }

  /** ms per KB over the first and the last 10 % of the KB boundaries (at least one KB each). */
  flatness(): { first: number | null; last: number | null } {
    const c = this.crossings;
    const n = Math.max(1, Math.round(c.length / 10));
    if (this.firstAt === null || c.length < n + 1) return { first: null, last: null };
    const first = ((c[n - 1] as number) - this.firstAt) / n;
    const last = ((c[c.length - 1] as number) - (c[c.length - 1 - n] as number)) / n;
    return { first, last };
  }
}

// --- response body reads ----------------------------------------------------------------

let onBodyRead: (() => void) | undefined;

/** Calls `hook` each time a consumer reads the next piece of a `/api/chat` response body. */
export function setBodyReadHook(hook: (() => void) | undefined): void {
  onBodyRead = hook;
}

/**
 * Wraps `window.fetch` once: `/api/chat` bodies pass through a pull-driven stream that calls
 * the read hook first. Every variant gets the same wrapper (the element and the controller
 * both use `globalThis.fetch` at request time), so its small cost is the same for all.
 */
function installFetchProbe(): void {
  const nativeFetch = window.fetch.bind(window);
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await nativeFetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!response.body || !url.includes('/api/chat')) return response;
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          onBodyRead?.();
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel(reason) {
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
installFetchProbe();

/** Resolves at the next animation frame. */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}
