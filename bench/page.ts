/**
 * The bench page (`npm run bench`, scripts/bench.mjs). One page load = one run of one
 * variant; the Node side calls `window.__bench.prepare(options)`, reads the renderer's
 * TaskDuration, calls `run()` (in paced runs polling TaskDuration and `length()` meanwhile),
 * reads TaskDuration again, then `check()`.
 *
 * Variants, all fed by the same request (`/api/chat?size=N&chunk_ms=0[&bench_pace=R]`, a new message_id
 * per run, the same prompt) through the same `StreamController`/fetch path, so the ratios
 * isolate rendering:
 * - floor: the text as it comes, one Text node per block, `appendData()` per change;
 * - baseline: the naive way — `innerHTML = DOMPurify.sanitize(marked.parse(whole answer))`
 *   on every change (quadratic in the answer length);
 * - ours: `<sse-chat>` (bench/ours.ts, loaded only for this variant).
 */
import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { StreamController, type BlockChange, type StreamControllerOptions } from '../src/index.ts';
import {
  describeLongFrame,
  FrameWatch,
  LONG_FRAME_KIND,
  longFramesBetween,
  longTasksBetween,
  nextFrame,
  Progress,
  setBodyReadHook,
  type CheckResult,
  type RunMetrics,
  type RunOptions,
  type Variant,
  type VariantHooks,
} from './harness.ts';

/** What bench/ours.ts exports (built only when the ours variant runs). */
export interface OursModule {
  createOurs(stage: HTMLElement, endpoint: string, options: RunOptions, hooks: VariantHooks): Promise<Variant>;
}

/** The ours bundle; a variable, so esbuild leaves the import to the browser. */
const OURS_URL = '/ours.js';

/**
 * The request of a run: a new answer of about `size` characters, generated at once
 * (`chunk_ms=0`); `bench_pace` is read by the bench server, which meters the events out.
 */
export function endpointFor(options: RunOptions): string {
  const pace = options.pace > 0 ? `&bench_pace=${options.pace}` : '';
  return `/api/chat?size=${options.size}&chunk_ms=0${pace}`;
}

/**
 * A host-less controller with the bench's settings: no heartbeat or connect timeout (a
 * blocked main thread must not look like a stalled stream) and no retries.
 */
function controllerFor(endpoint: string, callbacks: Pick<StreamControllerOptions, 'onChange'>): StreamController {
  return new StreamController(undefined, {
    endpoint,
    heartbeatTimeout: 0,
    connectTimeout: 0,
    maxRetries: 0,
    ...callbacks,
  });
}

/** Shared by floor and baseline: runs the controller, stops it when the cap is reached. */
function controllerVariant(
  endpoint: string,
  options: RunOptions,
  hooks: VariantHooks,
  render: (change: BlockChange) => void,
  check: (controller: StreamController) => CheckResult,
): Variant {
  let firstChangeAt: number | null = null;
  let stopped = false;
  const controller: StreamController = controllerFor(endpoint, {
    onChange(change) {
      if (stopped) return;
      if (hooks.overCap()) {
        stopped = true;
        controller.stop();
        return;
      }
      firstChangeAt ??= performance.now();
      render(change);
      if (change.block === 'answer') hooks.progress(controller.answer.length);
    },
  });
  return {
    async start() {
      const result = await controller.start({ messages: [{ role: 'user', content: options.prompt }] });
      if (result.status === 'error') throw result.error ?? new Error('the stream failed');
      return result.status === 'done' ? 'done' : 'stopped';
    },
    stop() {
      stopped = true;
      controller.stop();
    },
    answerLength: () => controller.answer.length,
    events: () => controller.stats.events,
    firstChangeAt: () => firstChangeAt,
    check: async () => check(controller),
  };
}

/** floor: plain text, appended as it comes. */
function createFloor(stage: HTMLElement, endpoint: string, options: RunOptions, hooks: VariantHooks): Variant {
  const pre = document.createElement('pre');
  const nodes = { think: document.createTextNode(''), answer: document.createTextNode('') };
  pre.append(nodes.think, document.createTextNode('\n\n'), nodes.answer);
  stage.append(pre);
  return controllerVariant(
    endpoint,
    options,
    hooks,
    (change) => {
      const node = nodes[change.block];
      if (change.kind === 'append') node.appendData(change.text);
      else node.data = change.text;
    },
    (controller) => ({ identical: nodes.answer.data === controller.answer, detail: 'text only' }),
  );
}

/** baseline: the whole answer parsed, sanitized and set as innerHTML on every change. */
function createBaseline(stage: HTMLElement, endpoint: string, options: RunOptions, hooks: VariantHooks): Variant {
  const think = document.createElement('pre');
  const thinkText = document.createTextNode('');
  think.append(thinkText);
  const answer = document.createElement('div');
  stage.append(think, answer);
  let text = '';
  return controllerVariant(
    endpoint,
    options,
    hooks,
    (change) => {
      if (change.block === 'think') {
        if (change.kind === 'append') thinkText.appendData(change.text);
        else thinkText.data = change.text;
        return;
      }
      text = change.kind === 'append' ? text + change.text : change.text;
      answer.innerHTML = DOMPurify.sanitize(marked.parse(text, { async: false }));
    },
    () => ({ identical: null }),
  );
}

// --- the run ---------------------------------------------------------------------------

let prepared:
  { options: RunOptions; variant: Variant; hooks: VariantHooks; begin: (now: number) => Progress } | undefined;
let lastVariant: Variant | undefined;

/** Builds the variant's DOM (and, for ours, loads and upgrades the element); not measured. */
async function prepare(options: RunOptions): Promise<void> {
  const stage = document.getElementById('stage')!;
  stage.replaceChildren();
  let progress: Progress | undefined;
  let deadline = Infinity;
  const hooks: VariantHooks = {
    progress: (length) => progress?.sample(length),
    overCap: () => performance.now() > deadline,
  };
  const endpoint = endpointFor(options);
  let variant: Variant;
  if (options.variant === 'floor') variant = createFloor(stage, endpoint, options, hooks);
  else if (options.variant === 'baseline') variant = createBaseline(stage, endpoint, options, hooks);
  else {
    const ours = (await import(/* esbuild: external at run time */ OURS_URL)) as OursModule;
    variant = await ours.createOurs(stage, endpoint, options, hooks);
  }
  const begin = (now: number) => {
    deadline = now + options.capMs;
    progress = new Progress(now);
    return progress;
  };
  prepared = { options, variant, hooks, begin };
}

/** One measured run. */
async function run(): Promise<RunMetrics> {
  if (!prepared) throw new Error('prepare() first');
  const { options, variant, begin } = prepared;
  prepared = undefined;
  lastVariant = variant;
  const t0 = performance.now();
  const progress = begin(t0);
  const sample = () => progress.sample(variant.answerLength());
  const frames = new FrameWatch(sample);
  setBodyReadHook(sample);
  frames.start(t0);
  // The cap is checked per change by the variants; this timer catches a quiet stream.
  let capped = false;
  const capTimer = setTimeout(() => {
    capped = true;
    variant.stop();
  }, options.capMs);
  let status: RunMetrics['status'] = 'done';
  let error: string | undefined;
  try {
    const outcome = await variant.start();
    if (outcome !== 'done') status = 'capped';
  } catch (e) {
    status = 'error';
    error = e instanceof Error ? e.message : String(e);
  }
  const t1 = performance.now();
  clearTimeout(capTimer);
  if (capped) status = 'capped';
  progress.sample(variant.answerLength(), t1);
  frames.stop(t1);
  setBodyReadHook(undefined);
  // Let the task that ended the run finish, and its frame render, so their entries exist.
  await new Promise((resolve) => setTimeout(resolve, 0));
  await nextFrame();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const tasks = longTasksBetween(t0, t1);
  const longFrames = longFramesBetween(t0, t1);
  const { first, last } = progress.flatness();
  const events = variant.events();
  const firstChangeAt = variant.firstChangeAt() ?? progress.firstAt;
  return {
    variant: options.variant,
    status,
    error,
    totalMs: t1 - t0,
    longTaskMs: tasks.reduce((sum, task) => sum + task.duration, 0),
    longTaskMaxMs: tasks.reduce((max, task) => Math.max(max, task.duration), 0),
    longTasks: tasks.length,
    longFrames: longFrames.length,
    longFrameMaxMs: longFrames[0]?.duration ?? 0,
    longFrameBlockingMaxMs: Math.max(0, ...longFrames.map((entry) => describeLongFrame(entry, t0).blockingMs)),
    longFrameKind: LONG_FRAME_KIND,
    longFrameDetail: longFrames.slice(0, 5).map((entry) => describeLongFrame(entry, t0)),
    worstFrameMs: frames.worst,
    frames: frames.frames,
    answerChars: variant.answerLength(),
    msPerKbFirst: first,
    msPerKbLast: last,
    events,
    eventsPerSec:
      events !== null && firstChangeAt !== null && t1 > firstChangeAt ? (events * 1000) / (t1 - firstChangeAt) : null,
  };
}

/** After a run: compares the DOM with the whole answer rendered at once (not measured). */
async function check(): Promise<CheckResult> {
  if (!lastVariant) throw new Error('run() first');
  return lastVariant.check();
}

/** Answer characters received so far by the current run (polled by the Node side). */
function length(): number {
  return lastVariant?.answerLength() ?? 0;
}

declare global {
  interface Window {
    __bench: { prepare: typeof prepare; run: typeof run; check: typeof check; length: typeof length };
  }
}
window.__bench = { prepare, run, check, length };
