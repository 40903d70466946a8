// @ts-check
/**
 * The long-conversation case (issue 14): `<sse-chat history-endpoint>` opens 500 messages
 * (scripts/bench/conversation-data.mjs, served at /bench/history), then streams a new 15 KB
 * answer at their end; against the `innerHTML` floor (the same 500 messages, rendered
 * beforehand, set at once into a plain container). The page side is bench/conversation.ts.
 *
 * From Node: main-thread busy time (CDP `TaskDuration`, delta across each phase), the JS heap
 * and the DOM after a forced garbage collection (`HeapProfiler.collectGarbage`, then
 * `Performance.getMetrics`), before and after the load, and Shift presses every 20 ms during
 * the load (real input through CDP: the page notes how long each waited for the main thread).
 */
import { CONVERSATION_PAIRS, conversationPair } from './conversation-data.mjs';
import { fmtMs } from './report.mjs';

/** @typedef {import('../../bench/conversation.ts').LoadMetrics} LoadMetrics */
/** @typedef {import('../../bench/conversation.ts').StreamMetrics} StreamMetrics */
/** @typedef {import('../../bench/harness.ts').LongFrame} LongFrame */
/**
 * @typedef {object} Memory
 * @property {number} heap  JS heap used, bytes
 * @property {number} nodes  DOM nodes of the stage, through shadow roots
 */
/**
 * @typedef {object} ConversationRun
 * @property {'ours' | 'floor'} variant
 * @property {string} [error]
 * @property {LoadMetrics & {busyMs: number}} load
 * @property {(StreamMetrics & {busyMs: number}) | null} stream
 * @property {Memory} empty  before the load
 * @property {Memory} loaded  after it
 */

export const CONVERSATION_MESSAGES = CONVERSATION_PAIRS * 2;
/** The new answer streamed at the end of the conversation, characters. */
export const CONVERSATION_ANSWER_SIZE = 15_000;
const KEY_EVERY_MS = 20;

/**
 * One run of one variant in a fresh page.
 * @param {import('puppeteer-core').Browser} browser
 * @param {string} origin
 * @param {{variant: 'ours' | 'floor', pace: number, prompt: string}} options
 * @returns {Promise<ConversationRun>}
 */
export async function runConversation(browser, origin, { variant, pace, prompt }) {
  const page = await browser.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  const cdp = await page.createCDPSession();
  const busy = async () => ((await page.metrics()).TaskDuration ?? 0) * 1000;
  /** @returns {Promise<Memory>} */
  const memory = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const metrics = await page.metrics();
    // @ts-expect-error window.__conversation is the page's
    const nodes = /** @type {number} */ (await page.evaluate(() => window.__conversation.nodes()));
    return { heap: metrics.JSHeapUsedSize ?? 0, nodes };
  };
  try {
    await page.goto(`${origin}/`, { waitUntil: 'load' });
    await page.evaluate(() => import(/* a URL of the bench server */ `${location.origin}/conversation.js`));
    const setup = {
      variant,
      endpoint: `/api/chat?size=${CONVERSATION_ANSWER_SIZE}&chunk_ms=0${pace > 0 ? `&bench_pace=${pace}` : ''}`,
      history: '/bench/history',
      prompt,
    };
    // @ts-expect-error window.__conversation is the page's
    await page.evaluate((o) => window.__conversation.prepare(o), setup);
    const empty = await memory();

    const busyBefore = await busy();
    let loading = true;
    const loaded = page
      // @ts-expect-error window.__conversation is the page's
      .evaluate((n) => window.__conversation.load(n), CONVERSATION_MESSAGES)
      .finally(() => (loading = false));
    while (loading) {
      await page.keyboard.press('Shift');
      await new Promise((resolve) => setTimeout(resolve, KEY_EVERY_MS));
    }
    /** @type {LoadMetrics} */
    const load = await loaded;
    const loadBusy = (await busy()) - busyBefore;
    const after = await memory();

    /** @type {ConversationRun['stream']} */
    let stream = null;
    if (variant === 'ours') {
      const before = await busy();
      // @ts-expect-error window.__conversation is the page's
      const s = /** @type {StreamMetrics} */ (await page.evaluate(() => window.__conversation.stream()));
      stream = { ...s, busyMs: (await busy()) - before };
    }
    return {
      variant,
      ...(problems.length ? { error: problems.slice(0, 3).join(' | ') } : {}),
      load: { ...load, busyMs: loadBusy },
      stream,
      empty,
      loaded: after,
    };
  } finally {
    await page.close();
  }
}

/**
 * The median of each figure over runs; long frames, long tasks and frame gaps: the worst run.
 * @param {ConversationRun[]} runs
 * @returns {ConversationRun & {runs: number}}
 */
export function medianConversation(runs) {
  /** @param {Array<number | null>} values */
  const mid = (values) => {
    const v = /** @type {number[]} */ (values.filter((x) => x !== null)).sort((a, b) => a - b);
    if (!v.length) return null;
    const m = v.length >> 1;
    return v.length % 2
      ? /** @type {number} */ (v[m])
      : /** @type {number} */ (v[m - 1] + /** @type {number} */ (v[m])) / 2;
  };
  /**
   * @template {Record<string, any>} T
   * @param {T[]} list
   * @param {string[]} worst  keys judged on the worst run (the maximum)
   * @returns {T}
   */
  const combine = (list, worst) => {
    const first = /** @type {T} */ (list[0]);
    /** @type {Record<string, unknown>} */
    const out = { ...first };
    for (const key of Object.keys(first)) {
      if (typeof first[key] !== 'number' && first[key] !== null) continue;
      const values = list.map((r) => r[key]);
      out[key] = worst.includes(key) ? Math.max(...values) : mid(values);
    }
    if ('longFrameDetail' in first) {
      out.longFrameDetail = list.reduce((a, b) => (b.longFrameMaxMs > a.longFrameMaxMs ? b : a)).longFrameDetail;
    }
    if ('followed' in first) out.followed = list.every((r) => r.followed);
    return /** @type {T} */ (out);
  };
  const worst = [
    'longTaskMaxMs',
    'longFrames',
    'longFrameMaxMs',
    'longFrameBlockingMaxMs',
    'worstFrameMs',
    'inputDelayMaxMs',
  ];
  const first = /** @type {ConversationRun} */ (runs[0]);
  const streams = runs.map((r) => r.stream).filter((s) => s !== null);
  return {
    variant: first.variant,
    error: runs.find((r) => r.error)?.error,
    load: combine(
      runs.map((r) => r.load),
      worst,
    ),
    stream: streams.length ? combine(streams, worst) : null,
    empty: combine(
      runs.map((r) => r.empty),
      [],
    ),
    loaded: combine(
      runs.map((r) => r.loaded),
      [],
    ),
    runs: runs.length,
  };
}

/**
 * Prints the case's table, its long frames and the verdicts against issue 14's targets.
 * @param {{ours?: ConversationRun & {runs: number}, floor?: ConversationRun & {runs: number}}} results
 * @param {number} pace
 */
export function reportConversation({ ours, floor }, pace) {
  const answerKb = conversationPair(0).answer.length / 1000;
  const runs = ours?.runs ?? floor?.runs ?? 1;
  console.log(
    `\nlong conversation: ${CONVERSATION_MESSAGES} messages from history-endpoint (answers ≈ ${answerKb.toFixed(2)} KB ` +
      `of markdown with code and a table), then a ${CONVERSATION_ANSWER_SIZE / 1000} KB answer at ${pace} events/s; ` +
      `${runs} run(s), median (long frames, long tasks, gaps, input delay: the worst run)`,
  );
  const ms = (/** @type {number | null | undefined} */ v) => (v == null ? '–' : `${fmtMs(v)} ms`);
  const mb = (/** @type {number} */ bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
  /** @param {ConversationRun | undefined} r */
  const perMessage = (r) => {
    if (!r) return null;
    return {
      heap: r.loaded.heap - r.empty.heap,
      nodes: r.loaded.nodes - r.empty.nodes,
    };
  };
  const mo = perMessage(ours);
  const mf = perMessage(floor);
  const ratio = ours && floor ? ours.load.busyMs / floor.load.busyMs : null;
  /** @type {string[][]} */
  const rows = [['figure', '<sse-chat>', 'innerHTML floor', 'target']];
  const row = (/** @type {string[]} */ cells) => rows.push(cells);
  /** One figure of both variants, `–` for one that did not run. */
  const both = (/** @type {(run: ConversationRun) => string} */ figure) => [
    ours ? figure(ours) : '–',
    floor ? figure(floor) : '–',
  ];
  row([
    'history response → first message painted',
    ms(ours?.load.firstVisibleMs),
    ms(floor?.load.firstVisibleMs),
    '≤ 100 ms',
  ]);
  row(['  (laid out in the frame that paints it)', ...both((r) => ms(r.load.firstLaidOutMs)), '']);
  row(['history response → composer responds', ms(ours?.load.composerMs), ms(floor?.load.composerMs), '']);
  row(['worst input delay while loading', ms(ours?.load.inputDelayMaxMs), ms(floor?.load.inputDelayMaxMs), '']);
  row(['history response → settled', ms(ours?.load.settledMs), ms(floor?.load.settledMs), '']);
  row(['messages rendered when settled', ...both((r) => String(r.load.rendered)), 'off-screen may wait']);
  row([
    'main-thread busy, load',
    ours ? `${ms(ours.load.busyMs)}${ratio ? ` (${ratio.toFixed(2)}×)` : ''}` : '–',
    ms(floor?.load.busyMs),
    '≤ 1.5× floor',
  ]);
  row(['longest task, load', ms(ours?.load.longTaskMaxMs), ms(floor?.load.longTaskMaxMs), '≤ 50 ms']);
  row(['long frames, load (longest)', ...both((r) => `${r.load.longFrames} (${ms(r.load.longFrameMaxMs)})`), '']);
  row(['JS heap after load (GC)', ...both((r) => mb(r.loaded.heap)), '']);
  row([
    'JS heap per message',
    mo ? `${(mo.heap / CONVERSATION_MESSAGES / 1000).toFixed(1)} KB` : '–',
    mf ? `${(mf.heap / CONVERSATION_MESSAGES / 1000).toFixed(1)} KB` : '–',
    'stated',
  ]);
  row(['DOM nodes (through shadow roots)', ...both((r) => fmtMs(r.loaded.nodes)), '']);
  row([
    'DOM nodes per message',
    mo ? (mo.nodes / CONVERSATION_MESSAGES).toFixed(0) : '–',
    mf ? (mf.nodes / CONVERSATION_MESSAGES).toFixed(0) : '–',
    'stated',
  ]);
  const s = ours?.stream;
  if (s) {
    row(['stream: total', ms(s.totalMs), '', '']);
    row(['stream: main-thread busy', ms(s.busyMs), '', '']);
    row(['stream: longest task', ms(s.longTaskMaxMs), '', '≤ 50 ms']);
    row(['stream: long frames (longest)', `${s.longFrames} (${ms(s.longFrameMaxMs)})`, '', '']);
    row(['stream: worst frame gap (scroll jank)', ms(s.worstFrameMs), '', '']);
    row(['stream: log at its end when done', s.followed ? 'yes' : 'NO', '', '']);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (/** @type {string[]} */ r) =>
    r
      .map((cell, i) => (i === 0 || i === 3 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(
    '  floor: "history response" is when its innerHTML is set (the HTML rendered beforehand); composer: the last ' +
      'Shift press (one every 20 ms) that waited over 50 ms for the main thread, 0 when none did',
  );
  for (const r of [ours, floor]) {
    if (r?.error) console.log(`  ${r.variant}: page errors: ${r.error}`);
  }
  /**
   * @param {string} what
   * @param {LongFrame[]} detail
   * @param {string} from
   */
  const frames = (what, detail, from = 'the history response') => {
    if (!detail.length) return;
    console.log(`  ${what}, long frames of the worst run (@ ms from ${from}; scripts over 5 ms):`);
    for (const f of detail) {
      const scripts = f.scripts.map(
        (x) => `${x.ms} ms ${x.source} via ${x.invoker}${x.layoutMs ? ` (layout ${x.layoutMs})` : ''}`,
      );
      const times = `${f.duration} ms (blocking ${f.blockingMs}), rendering ${f.renderMs} (layout ${f.layoutMs})`;
      console.log(`    @${fmtMs(f.at)}: ${times}; ${scripts.join('; ') || 'no script over 5 ms'}`);
    }
  };
  if (ours) frames('load <sse-chat>', ours.load.longFrameDetail);
  if (floor) frames('load floor', floor.load.longFrameDetail, 'setting innerHTML');
  if (ours?.stream) frames('stream <sse-chat>', ours.stream.longFrameDetail, 'send()');

  console.log('\ntargets (long conversation):');
  if (!ours) {
    console.log('  n/a: the ours variant did not run (--only)');
    return;
  }
  const verdict = (/** @type {boolean} */ ok) => (ok ? 'met' : 'MISSED');
  const first = ours.load.firstVisibleMs;
  console.log(
    `  first message painted ${first === null ? 'never' : `${fmtMs(first)} ms`} after the history response — ` +
      `target ≤ 100 ms — ${verdict(first !== null && first <= 100)}`,
  );
  const longest = Math.max(ours.load.longTaskMaxMs, ours.stream?.longTaskMaxMs ?? 0);
  console.log(
    `  longest task ${fmtMs(longest)} ms (load ${fmtMs(ours.load.longTaskMaxMs)}, stream ${fmtMs(ours.stream?.longTaskMaxMs ?? 0)})` +
      `${runs > 1 ? ` (worst of ${runs} runs)` : ''} — target none over 50 ms — ${verdict(longest <= 50)}`,
  );
  if (ratio === null) console.log('  busy time against the innerHTML floor: n/a (the floor did not run)');
  else {
    console.log(
      `  main-thread busy, load: ${ratio.toFixed(2)}× the innerHTML floor's — target ≤ 1.5× — ${verdict(ratio <= 1.5)}`,
    );
  }
  if (mo) {
    console.log(
      `  memory per message: ${(mo.heap / CONVERSATION_MESSAGES / 1000).toFixed(1)} KB of JS heap, ` +
        `${(mo.nodes / CONVERSATION_MESSAGES).toFixed(0)} DOM nodes — stated`,
    );
  }
}
