#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench`: how fast `<sse-chat>` renders a streamed answer, against a naive
 * baseline and the floor, in headless Chromium.
 *
 * What runs: one node:http server on a free port mounts the reference SSE server
 * (`server/`, faults off) and serves bench/index.html plus a bundle of bench/page.ts
 * (built in memory with esbuild, straight from src/ and components/; nothing is written).
 * Each run is a fresh page that asks a NEW answer (new message_id) of the same prompt, so
 * every variant of a size gets the same text, in chunks of 1..12 characters (≈ 5.5):
 *
 *   floor     the text appended to Text nodes as it comes (`appendData`), no markdown;
 *   baseline  `innerHTML = DOMPurify.sanitize(marked.parse(whole answer))` per change;
 *   ours      `<sse-chat>`: `await chat.send(prompt)`, then until its DOM is up to date.
 *
 * floor and baseline read the stream through the same `StreamController` the element uses,
 * so the ratios isolate rendering. Cases: 15, 60 and 240 KB "fast" (`chunk_ms=0`: as fast
 * as the server can send, so the consumer sets the pace) and 60 KB "paced" (1000 events/s,
 * a fast model; metered by the bench server, see scripts/bench/server.mjs; the rate received
 * is printed).
 *
 * Measured per run, in the page unless noted:
 *   total ms        request start → answer end with the DOM showing all of it;
 *   busy ms         renderer main-thread busy time: CDP `Performance.getMetrics`
 *                   TaskDuration, delta across the run (read from Node);
 *   long tasks      sum and max of `longtask` entries (tasks > 50 ms) overlapping the run;
 *   worst frame     max gap between two requestAnimationFrame callbacks during the run;
 *   ms/KB first→last  the received answer length is sampled (per change, per body read,
 *                   per frame) and the time each 1000-character boundary is crossed is
 *                   interpolated; ms per KB averaged over the first and last 10 % of the
 *                   answer. Flat means last ≈ first;
 *   busy ms per KB  paced runs: TaskDuration and the answer length polled every 100 ms
 *                   from Node; main-thread ms per KB over the first and last 10 %. The
 *                   "flat" target is judged on this (wall ms per KB is coarse in fast runs
 *                   and is the pace itself in paced ones);
 *   ×floor, ×baseline  ratios of total time (fast cases) or busy time (paced case);
 *   identical       after each ours run: the answer part's innerHTML equals that of
 *                   `renderMarkdown(whole answer)` (outside the measurement).
 *
 * The baseline is quadratic (≈ 85 s at 60 KB), so each of its runs is capped
 * (`--baseline-cap`, 60 s): it is stopped and reported as "> cap" with the KB it reached.
 * One warm-up run (5 KB) of each variant comes first. This is a measurement, not a test:
 * it exits 0 even when a target is missed (it says MISSED).
 *
 * Options: --quick (15 KB fast + 60 KB paced), --runs=N (median of N), --baseline-cap=S,
 * --cap=S (any other run, 120 s), --pace=R (events/s of the paced case, 1000), --paced-kb=K
 * (size of the paced case, 60; 240 shows more of how the cost per KB grows, ≈ 40 s a run),
 * --only=floor,baseline,ours, --only-case=fast,paced,conversation,blocks (groups of cases; all by
 * default), --json=PATH (results as JSON).
 *
 * The long-conversation case (scripts/bench/conversation.mjs, bench/conversation.ts): 500
 * messages opened from `history-endpoint` (served at /bench/history), then a 15 KB answer
 * streamed at their end, against the same messages' pre-rendered HTML set once as innerHTML.
 * Chromium: CHROME_PATH, else /usr/bin/chromium (scripts/chromium.mjs, shared with the tests).
 *
 * The parts, in scripts/bench/: options.mjs (the command line, variants and cases), server.mjs
 * (the in-memory bundle and the server), run.mjs (the browser and one run in a page),
 * stats.mjs (busy ms per KB, the median of runs), report.mjs (the table and the target
 * verdicts), blocks.mjs (the renderer alone). This file runs them in order.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchBlocks } from './bench/blocks.mjs';
import { medianConversation, reportConversation, runConversation } from './bench/conversation.mjs';
import { PROMPT, VARIANTS, WARM_UP, casesFor, parseArgs } from './bench/options.mjs';
import { fmtMs, report } from './bench/report.mjs';
import { chromiumPath, launch, runOnce } from './bench/run.mjs';
import { bundle, serve } from './bench/server.mjs';
import { median } from './bench/stats.mjs';

// Re-exported for ad-hoc scripts, e.g. tracing one run.
export { bundle, serve } from './bench/server.mjs';
export { launch, runOnce } from './bench/run.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** @typedef {import('./bench/options.mjs').Case} Case */
/** @typedef {import('./bench/options.mjs').VariantName} VariantName */
/** @typedef {import('./bench/run.mjs').RunResult} RunResult */

async function main() {
  const options = parseArgs(process.argv.slice(2));
  chromiumPath();
  const started = Date.now();
  const variants = VARIANTS.filter((v) => options.only.includes(v));
  const cases = casesFor(options);

  const files = await bundle(variants.includes('ours'));
  const server = await serve(files);
  const browser = await launch(Math.max(options.capMs, options.baselineCapMs) + 120_000);
  const browserVersion = await browser.version();
  /** @type {Map<string, Partial<Record<VariantName, RunResult>>>} */
  const results = new Map();
  /** @type {Parameters<typeof reportConversation>[0]} */
  const conversation = {};
  const conversationVariants = /** @type {const} */ (['floor', 'ours']).filter((v) => variants.includes(v));
  try {
    /**
     * @param {Case} c
     * @param {VariantName} variant
     */
    const once = (c, variant) =>
      runOnce(browser, server.origin, {
        variant,
        size: c.size,
        pace: c.paced ? options.pace : 0,
        prompt: PROMPT,
        capMs: variant === 'baseline' ? options.baselineCapMs : options.capMs,
      });
    if (cases.length) for (const variant of variants) await once(WARM_UP, variant);
    for (const c of cases) {
      /** @type {Partial<Record<VariantName, RunResult[]>>} */
      const runs = {};
      for (let i = 0; i < options.runs; i++) {
        for (const variant of variants) {
          const r = await once(c, variant);
          (runs[variant] ??= []).push(r);
          const how = r.status === 'done' ? '' : ` (${r.status}${r.error ? `: ${r.error}` : ''})`;
          const run = options.runs > 1 ? ` #${i + 1}` : '';
          console.error(`bench: ${c.id} ${variant}${run}: ${fmtMs(r.totalMs)} ms${how}`);
        }
      }
      results.set(c.id, Object.fromEntries(Object.entries(runs).map(([v, list]) => [v, median(list)])));
    }
    if (options.onlyCase.includes('conversation')) {
      /** @type {Partial<Record<'ours' | 'floor', import('./bench/conversation.mjs').ConversationRun[]>>} */
      const runs = {};
      for (let i = 0; i < options.runs; i++) {
        for (const variant of conversationVariants) {
          const r = await runConversation(browser, server.origin, { variant, pace: options.pace, prompt: PROMPT });
          (runs[variant] ??= []).push(r);
          const run = options.runs > 1 ? ` #${i + 1}` : '';
          const busy = `load busy ${fmtMs(r.load.busyMs)} ms${r.stream ? `, stream busy ${fmtMs(r.stream.busyMs)} ms` : ''}`;
          console.error(`bench: conversation ${variant}${run}: ${busy}${r.error ? ` (${r.error})` : ''}`);
        }
      }
      for (const variant of conversationVariants) {
        const list = runs[variant];
        if (list) conversation[variant] = medianConversation(list);
      }
    }
  } finally {
    await browser.close();
    server.close();
  }

  console.log(`sse-chat bench — ${browserVersion}, ${options.runs} run(s) per case (median), prompt "${PROMPT}"`);
  const { capMs, baselineCapMs, pace: paceRate, only } = options;
  if (cases.length) report(cases, results, { capMs, baselineCapMs, paceRate, only });
  if (options.onlyCase.includes('conversation')) reportConversation(conversation, paceRate);
  if (options.onlyCase.includes('blocks')) await benchBlocks();
  console.log(`\n(${Math.round((Date.now() - started) / 1000)} s)`);
  if (options.json) {
    const json = { version, cases, options, results: Object.fromEntries(results), conversation };
    writeFileSync(options.json, `${JSON.stringify(json, null, 2)}\n`);
    console.log(`results written to ${options.json}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
