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
 * a fast model; metered by the bench server, see serve(); the rate received is printed).
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
 * --only=floor,baseline,ours, --json=PATH (results as JSON).
 * Chromium: CHROME_PATH, else /usr/bin/chromium (scripts/chromium.mjs, shared with the tests).
 */
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { createSseChatServer } from '../server/index.js';
import { CHROMIUM_ARGS, requireChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** @typedef {'floor' | 'baseline' | 'ours'} VariantName */
/** @typedef {{id: string, size: number, paced: boolean}} Case */
/**
 * @typedef {object} RunResult  what the page measured, plus the busy time and the check
 * @property {VariantName} variant
 * @property {'done' | 'capped' | 'error'} status
 * @property {string} [error]
 * @property {number} totalMs
 * @property {number} busyMs
 * @property {number} longTaskMs
 * @property {number} longTaskMaxMs
 * @property {number} longTasks
 * @property {number} worstFrameMs
 * @property {number} frames
 * @property {number} answerChars
 * @property {number | null} msPerKbFirst
 * @property {number | null} msPerKbLast
 * @property {number | null} [busyPerKbFirst]  paced runs: main-thread busy ms per KB, first 10 %
 * @property {number | null} [busyPerKbLast]  and last 10 %
 * @property {number | null} events
 * @property {number | null} eventsPerSec
 * @property {boolean | null} identical
 * @property {string} [detail]
 * @property {number} [runs]  how many runs the medians are of
 * @property {number} [worstLongTaskMs]  the longest task of any of those runs
 */

/** The same prompt for every run: the server derives the text from it (and `size`). */
const PROMPT = 'Benchmark: how does a long streamed answer render?';
const VARIANTS = /** @type {const} */ (['floor', 'ours', 'baseline']);
/** A ratio at or under this meets a target; also the "flat" threshold (last/first ms per KB). */
const TARGET_RATIO = 1.5;
const LONG_TASK_MS = 50;
/** In paced runs, busy time and answer length are sampled this often (for busy ms per KB). */
const BUSY_SAMPLE_MS = 100;

/**
 * The cases: 15, 60 and 240 KB fast, then the paced one (`--quick`: 15 KB fast + paced).
 * @param {{quick: boolean, pacedKb: number}} options
 * @returns {Case[]}
 */
function casesFor({ quick, pacedKb }) {
  const fast = (quick ? [15] : [15, 60, 240]).map((kb) => ({ id: `${kb} KB fast`, size: kb * 1000, paced: false }));
  return [...fast, { id: `${pacedKb} KB paced`, size: pacedKb * 1000, paced: true }];
}

/** @type {Case} */
const WARM_UP = { id: 'warm-up 5 KB', size: 5_000, paced: false };

const USAGE = `usage: npm run bench -- [--quick] [--runs=N] [--baseline-cap=SECONDS] [--cap=SECONDS]
                         [--pace=EVENTS_PER_S] [--paced-kb=KB] [--only=floor,baseline,ours] [--json=PATH]`;

/**
 * @typedef {object} Options
 * @property {boolean} quick  15 KB fast + the paced case only
 * @property {number} runs  runs per case and variant (the median is reported)
 * @property {number} baselineCapMs  a baseline run is stopped after this long
 * @property {number} capMs  any other run is stopped after this long
 * @property {number} pace  events per second of the paced case
 * @property {number} pacedKb  size of the paced case, KB
 * @property {VariantName[]} only
 * @property {string | null} json  also write the results here
 */

/**
 * @param {string[]} argv
 * @returns {Options}
 */
function parseArgs(argv) {
  /** @type {Options} */
  const options = {
    quick: false,
    runs: 1,
    baselineCapMs: 60_000,
    capMs: 120_000,
    pace: 1000,
    pacedKb: 60,
    only: [...VARIANTS],
    json: null,
  };
  for (const arg of argv) {
    const [name, value] = /** @type {[string, string | undefined]} */ (arg.split(/=(.*)/s, 2));
    const number = () => {
      const n = Number(value);
      if (!value || !Number.isFinite(n) || n <= 0) fail(`${name} needs a positive number`);
      return n;
    };
    if (name === '--quick' && value === undefined) options.quick = true;
    else if (name === '--runs') options.runs = Math.max(1, Math.round(number()));
    else if (name === '--baseline-cap') options.baselineCapMs = number() * 1000;
    else if (name === '--cap') options.capMs = number() * 1000;
    else if (name === '--pace') options.pace = number();
    else if (name === '--paced-kb') options.pacedKb = Math.min(500, number());
    else if (name === '--json' && value) options.json = value;
    else if (name === '--only' && value) {
      const names = value.split(',');
      const unknown = names.filter((n) => !(/** @type {readonly string[]} */ (VARIANTS).includes(n)));
      if (unknown.length) fail(`unknown variant ${unknown.join(', ')}`);
      options.only = VARIANTS.filter((v) => names.includes(v));
    } else if (name === '--help' || name === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${arg}`);
  }
  return options;
}

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

// --- build and serve (exported with runOnce for ad-hoc scripts, e.g. tracing one run) -----

/**
 * Bundles the page, and the ours entry when that variant runs, in memory.
 * @param {boolean} withOurs
 * @returns {Promise<Map<string, Uint8Array>>} URL path → file
 */
export async function bundle(withOurs) {
  const outdir = join(tmpdir(), 'sse-chat-bench'); // names the outputs only: write is off
  const result = await build({
    absWorkingDir: root,
    entryPoints: { page: 'bench/page.ts', ...(withOurs ? { ours: 'bench/ours.ts' } : {}) },
    bundle: true,
    splitting: true, // page and ours share one copy of src/
    format: 'esm',
    target: 'es2022',
    minify: false,
    sourcemap: false,
    write: false,
    outdir,
    define: { __SSE_CHAT_VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
  });
  const urlPath = (/** @type {string} */ file) => `/${relative(outdir, file).split(sep).join('/')}`;
  return new Map(result.outputFiles.map((file) => [urlPath(file.path), file.contents]));
}

/**
 * Serves the API (reference server, faults off) and the bench page on a free port.
 *
 * One bench-only adjustment around the unchanged reference server:
 * `bench_pace=R` on a chat request meters its events out at exactly R per second (the
 *   server's `chunk_ms=1` gives ≈ 880-900/s: Node's 1 ms timers run late).
 * @param {Map<string, Uint8Array>} files
 */
export async function serve(files) {
  const api = createSseChatServer({ chunkMs: 0, pingMs: 15_000 });
  const html = readFileSync(join(root, 'bench', 'index.html'));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/chat') {
      const pace = Number(url.searchParams.get('bench_pace'));
      if (pace > 0) meter(res, pace);
    }
    if (api.handle(req, res)) return;
    const body = url.pathname === '/' ? html : files.get(url.pathname);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = url.pathname === '/' ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8';
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close() {
      api.close();
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * Meters a response's writes (the reference server writes one SSE event per `write`) out
 * at `rate` per second: by the clock, not by counting timer ticks, so late ticks release
 * the events they owe at once and the average rate is exact. The server never sees
 * backpressure (the queue holds at most one answer).
 * @param {import('node:http').ServerResponse} res
 * @param {number} rate  writes per second
 */
function meter(res, rate) {
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  /** @type {Array<string | Uint8Array>} */
  const queue = [];
  let ending = false;
  let released = 0;
  /** @type {number | undefined} */
  let start;
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  let closed = false;
  const flush = () => {
    timer = undefined;
    if (closed) return;
    const now = performance.now();
    start ??= now;
    const due = Math.floor(((now - start) * rate) / 1000) + 1;
    while (released < due && queue.length > 0) {
      write(/** @type {string | Uint8Array} */ (queue.shift()));
      released++;
    }
    if (queue.length > 0) timer = setTimeout(flush, 1);
    else if (ending) end();
  };
  // @ts-expect-error the reference server calls write(chunk) and reads the boolean only
  res.write = (chunk) => {
    queue.push(chunk);
    timer ??= setTimeout(flush, 0);
    return true;
  };
  // @ts-expect-error the reference server calls end() without arguments
  res.end = () => {
    ending = true;
    timer ??= setTimeout(flush, 0);
    return res;
  };
  res.once('close', () => {
    closed = true;
    clearTimeout(timer);
  });
}

/** The Chromium to drive (scripts/chromium.mjs); exits with its hint when there is none. */
function chromiumPath() {
  try {
    return requireChromium('the bench');
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}

/** @param {number} protocolTimeout */
export async function launch(protocolTimeout) {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    protocolTimeout,
    defaultViewport: { width: 1000, height: 800 },
    args: CHROMIUM_ARGS,
  });
}

// --- runs ------------------------------------------------------------------------------

/**
 * One run in a fresh page.
 * @param {import('puppeteer-core').Browser} browser
 * @param {string} origin
 * @param {{variant: VariantName, size: number, pace: number, prompt: string, capMs: number}} options
 * @returns {Promise<RunResult>}
 */
export async function runOnce(browser, origin, options) {
  const page = await browser.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  /** Busy ms so far and the answer length, for the busy time per KB. */
  const sample = async () => {
    // @ts-expect-error window.__bench is the page's
    const [metrics, length] = await Promise.all([page.metrics(), page.evaluate(() => window.__bench.length())]);
    return { busy: (metrics.TaskDuration ?? 0) * 1000, length: /** @type {number} */ (length) };
  };
  try {
    await page.goto(`${origin}/`, { waitUntil: 'load' });
    // @ts-expect-error window.__bench is the page's
    await page.evaluate((o) => window.__bench.prepare(o), options);
    const before = await page.metrics();
    let running = true;
    // @ts-expect-error window.__bench is the page's
    const run = page.evaluate(() => window.__bench.run()).finally(() => (running = false));
    /** @type {Array<{busy: number, length: number}>} */
    const samples = [];
    while (options.pace > 0 && running) {
      await new Promise((resolve) => setTimeout(resolve, BUSY_SAMPLE_MS));
      if (running) samples.push(await sample());
    }
    const metrics = await run;
    const after = await page.metrics();
    // @ts-expect-error window.__bench is the page's
    const check = await page.evaluate(() => window.__bench.check());
    const busyMs = ((after.TaskDuration ?? 0) - (before.TaskDuration ?? 0)) * 1000;
    samples.push({ busy: (after.TaskDuration ?? 0) * 1000, length: metrics.answerChars });
    if (problems.length && metrics.status !== 'error') metrics.error = problems.slice(0, 3).join(' | ');
    return { ...metrics, busyMs, ...busyPerKb(samples, metrics.answerChars), ...check };
  } finally {
    await page.close();
  }
}

/**
 * Main-thread busy ms per KB over the first and the last 10 % of the answer: busy time is
 * interpolated as a function of the answer length between samples.
 * @param {Array<{busy: number, length: number}>} samples  in time order
 * @param {number} total  answer characters at the end
 * @returns {{busyPerKbFirst: number | null, busyPerKbLast: number | null}}
 */
function busyPerKb(samples, total) {
  const tenth = total / 10;
  // Enough samples inside each tenth to say something (a fast run has none).
  const inside = (/** @type {number} */ from, /** @type {number} */ to) =>
    samples.filter((s) => s.length > from && s.length < to).length;
  if (samples.length < 10 || inside(0, tenth) < 2 || inside(total - tenth, total) < 2) {
    return { busyPerKbFirst: null, busyPerKbLast: null };
  }
  /** Busy ms when the answer reached `length` characters. */
  const busyAt = (/** @type {number} */ length) => {
    const i = samples.findIndex((s) => s.length >= length);
    const b = /** @type {{busy: number, length: number}} */ (samples[i]);
    const a = samples[i - 1];
    if (!a || b.length === a.length) return b.busy;
    return a.busy + ((b.busy - a.busy) * (length - a.length)) / (b.length - a.length);
  };
  const kb = tenth / 1000;
  return {
    busyPerKbFirst: (busyAt(tenth) - busyAt(1)) / kb,
    busyPerKbLast: (busyAt(total) - busyAt(total - tenth)) / kb,
  };
}

/**
 * The median of each number over repeated runs (status: the worst; identical: all).
 * @param {RunResult[]} runs
 * @returns {RunResult}
 */
function median(runs) {
  if (runs.length === 1) return /** @type {RunResult} */ (runs[0]);
  /** @param {(r: RunResult) => number | null} pick */
  const mid = (pick) => {
    const values = runs
      .map(pick)
      .filter((v) => v !== null)
      .sort((a, b) => a - b);
    if (values.length === 0) return null;
    const m = values.length >> 1;
    return values.length % 2 ? values[m] : (values[m - 1] + values[m]) / 2;
  };
  const first = /** @type {RunResult} */ (runs[0]);
  return {
    ...first,
    status: runs.find((r) => r.status === 'error')?.status ?? runs.find((r) => r.status === 'capped')?.status ?? 'done',
    error: runs.find((r) => r.error)?.error,
    totalMs: /** @type {number} */ (mid((r) => r.totalMs)),
    busyMs: /** @type {number} */ (mid((r) => r.busyMs)),
    longTaskMs: /** @type {number} */ (mid((r) => r.longTaskMs)),
    longTaskMaxMs: /** @type {number} */ (mid((r) => r.longTaskMaxMs)),
    longTasks: /** @type {number} */ (mid((r) => r.longTasks)),
    worstFrameMs: /** @type {number} */ (mid((r) => r.worstFrameMs)),
    frames: /** @type {number} */ (mid((r) => r.frames)),
    answerChars: /** @type {number} */ (mid((r) => r.answerChars)),
    msPerKbFirst: mid((r) => r.msPerKbFirst),
    msPerKbLast: mid((r) => r.msPerKbLast),
    busyPerKbFirst: mid((r) => r.busyPerKbFirst ?? null),
    busyPerKbLast: mid((r) => r.busyPerKbLast ?? null),
    events: mid((r) => r.events),
    eventsPerSec: mid((r) => r.eventsPerSec),
    identical: runs.some((r) => r.identical === false) ? false : runs.every((r) => r.identical === true) ? true : null,
    detail: runs.find((r) => r.identical === false)?.detail,
    runs: runs.length,
    worstLongTaskMs: Math.max(...runs.map((r) => r.longTaskMaxMs)),
  };
}

// --- report ----------------------------------------------------------------------------

/** @param {number} ms */
const fmtMs = (ms) => Math.round(ms).toLocaleString('en-US');
/** @param {number | null} v */
const fmtSmall = (v) => (v === null ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(0));
/** @param {number} ratio */
const fmtRatio = (ratio) => (ratio < 0.1 ? ratio.toFixed(3) : ratio.toFixed(2));

/**
 * The metric the targets compare: total time when fast, main-thread busy time when paced.
 * @param {Case} c
 * @param {RunResult} r
 */
const ratioMetric = (c, r) => (c.paced ? r.busyMs : r.totalMs);

/**
 * `a / b` as text; a capped side makes it a bound (`>` or `<`).
 * @param {Case} c
 * @param {RunResult | undefined} a
 * @param {RunResult | undefined} b
 */
function ratioText(c, a, b) {
  if (!a || !b || a.status === 'error' || b.status === 'error') return '';
  const aCapped = a.status === 'capped';
  const bCapped = b.status === 'capped';
  if (aCapped && bCapped) return '?';
  const ratio = ratioMetric(c, a) / ratioMetric(c, b);
  return `${aCapped ? '>' : bCapped ? '<' : ''}${fmtRatio(ratio)}×`;
}

/**
 * @param {string[][]} rows  the first is the header
 * @param {boolean[]} right  right-align the column
 */
function table(rows, right) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (/** @type {string[]} */ row) =>
    row
      .map((cell, i) => (right[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/**
 * Prints the table, the notes and the target verdicts.
 * @param {Case[]} cases
 * @param {Map<string, Partial<Record<VariantName, RunResult>>>} results
 * @param {{capMs: number, baselineCapMs: number, paceRate: number, only: VariantName[]}} context
 */
function report(cases, results, { capMs, baselineCapMs, paceRate, only }) {
  const header = ['case', 'variant', 'total ms', 'busy ms', 'long tasks ms (max)', 'worst frame ms'];
  const rows = [[...header, 'ms/KB first→last', '×floor', '×baseline']];
  /** @type {string[]} */
  const notes = [];
  for (const c of cases) {
    const byVariant = results.get(c.id) ?? {};
    for (const variant of VARIANTS) {
      const r = byVariant[variant];
      if (!r) continue;
      const capped = r.status === 'capped';
      rows.push([
        c.id,
        variant,
        r.status === 'error' ? 'error' : `${capped ? '>' : ''}${fmtMs(r.totalMs)}`,
        fmtMs(r.busyMs),
        `${fmtMs(r.longTaskMs)} (${fmtMs(r.longTaskMaxMs)})`,
        fmtMs(r.worstFrameMs),
        `${fmtSmall(r.msPerKbFirst)}→${fmtSmall(r.msPerKbLast)}`,
        variant === 'floor' ? '1' : ratioText(c, r, byVariant.floor),
        variant === 'baseline' ? '1' : ratioText(c, r, byVariant.baseline),
      ]);
      if (capped) {
        const capS = Math.round((variant === 'baseline' ? baselineCapMs : capMs) / 1000);
        const reached = `${(r.answerChars / 1000).toFixed(1)} KB of ${c.size / 1000} KB`;
        notes.push(`${c.id} ${variant}: > cap of ${capS} s (reached ${reached})`);
      }
      if (variant === 'floor' && r.identical === false) {
        notes.push(`${c.id} floor: its text differs from the answer received`);
      }
      if (r.status === 'error' || r.error) {
        notes.push(`${c.id} ${variant}: ${r.status === 'error' ? 'FAILED' : 'page errors'}: ${r.error}`);
      }
    }
    const pace = byVariant.floor?.eventsPerSec ?? byVariant.baseline?.eventsPerSec;
    if (c.paced && pace) {
      notes.push(`${c.id}: metered at ${paceRate}/s by the bench server → ${Math.round(pace)} events/s received`);
    }
  }
  console.log('');
  console.log(table(rows, [false, false, true, true, true, true, true, true, true]));
  console.log('ratios: total time for fast cases, main-thread busy time for paced ones; KB = 1000 characters');
  for (const note of notes) console.log(`  ${note}`);
  for (const c of cases.filter((c) => c.paced)) {
    const byVariant = results.get(c.id) ?? {};
    const parts = VARIANTS.flatMap((v) => {
      const r = byVariant[v];
      if (!r || r.busyPerKbFirst == null || r.busyPerKbLast == null) return [];
      const capped = r.status === 'capped' ? ' (capped)' : '';
      return [`${v} ${fmtSmall(r.busyPerKbFirst)}→${fmtSmall(r.busyPerKbLast)}${capped}`];
    });
    if (parts.length) {
      console.log(`  ${c.id}: main-thread busy ms per KB, first 10 % → last 10 %: ${parts.join(', ')}`);
    }
  }

  console.log('\ntargets:');
  if (!only.includes('ours')) {
    console.log('  n/a: the ours variant did not run (--only)');
    return;
  }
  if (!only.includes('floor')) {
    console.log('  n/a: the floor variant did not run (--only)');
    return;
  }
  const verdict = (/** @type {boolean} */ ok) => (ok ? 'met' : 'MISSED');
  /** @param {string} id */
  const pair = (id) => {
    const r = results.get(id);
    if (!r?.ours || !r.floor || r.ours.status !== 'done' || r.floor.status !== 'done') return null;
    return { ours: r.ours, floor: r.floor };
  };

  const fastCase = cases.filter((c) => !c.paced).at(-1);
  const fast = fastCase && pair(fastCase.id);
  if (fastCase?.size !== 240_000) console.log('  240 KB fast: not measured (--quick)');
  else if (!fast) console.log('  240 KB fast: no result (a run failed or was capped) — MISSED');
  else {
    const ratio = fast.ours.totalMs / fast.floor.totalMs;
    const target = `target ≤ ${TARGET_RATIO}× — ${verdict(ratio <= TARGET_RATIO)}`;
    console.log(`  240 KB fast: ours ${fmtRatio(ratio)}× floor total time — ${target}`);
  }

  const pacedCase = cases.find((c) => c.paced);
  const paced = pacedCase && pair(pacedCase.id);
  if (pacedCase && !paced) console.log(`  ${pacedCase.id}: no result (a run failed or was capped) — MISSED`);
  else if (pacedCase && paced) {
    const ratio = paced.ours.busyMs / paced.floor.busyMs;
    const busyTarget = `target ≤ ${TARGET_RATIO}× — ${verdict(ratio <= TARGET_RATIO)}`;
    console.log(`  ${pacedCase.id}: ours main-thread busy ${fmtRatio(ratio)}× floor's — ${busyTarget}`);
    // Judged on the worst run: "no long task over 50 ms" is about every run, not a typical one.
    const worst = paced.ours.worstLongTaskMs ?? paced.ours.longTaskMaxMs;
    const runs = paced.ours.runs ?? 1;
    const runsNote = runs > 1 ? ` (worst of ${runs} runs; median run ${fmtMs(paced.ours.longTaskMaxMs)} ms)` : '';
    const longest = worst > 0 ? `${fmtMs(worst)} ms` : 'none over 50 ms';
    const taskTarget = `target none over ${LONG_TASK_MS} ms — ${verdict(worst <= LONG_TASK_MS)}`;
    console.log(`  ${pacedCase.id}: ours longest task ${longest}${runsNote} — ${taskTarget}`);
  }

  // Flat: judged on the paced run's main-thread ms per KB (what a chunk costs, whatever the
  // pace). Wall ms per KB is printed too: in fast runs it is coarse (the answer arrives in a
  // few large network reads, and rendering lands in whichever KB a frame falls in), and in
  // paced runs it is the pace unless the page falls behind.
  if (pacedCase) {
    const ours = results.get(pacedCase.id)?.ours;
    const first = ours?.busyPerKbFirst;
    const last = ours?.busyPerKbLast;
    if (!ours || first == null || last == null) {
      console.log(`  ${pacedCase.id}: no busy ms per KB for ours — flatness not judged`);
    } else {
      const ratio = last / first;
      const perKb = `${fmtSmall(first)} → ${fmtSmall(last)} (last 10 % ÷ first 10 % = ${fmtRatio(ratio)}×)`;
      const target = `target flat (≤ ${TARGET_RATIO}×) — ${verdict(ratio <= TARGET_RATIO)}`;
      console.log(`  ${pacedCase.id}: ours main-thread ms per KB ${perKb} — ${target}`);
    }
  }
  const wall = cases
    .map((c) => /** @type {const} */ ([c.id, results.get(c.id)?.ours]))
    .filter(([, r]) => r && r.msPerKbFirst !== null && r.msPerKbLast !== null)
    .map(([id, r]) => {
      const ratio = /** @type {number} */ (r?.msPerKbLast) / /** @type {number} */ (r?.msPerKbFirst);
      return `${id} ${fmtRatio(ratio)}×`;
    });
  if (wall.length) console.log(`  (wall ms per KB, last 10 % ÷ first 10 %, informative: ${wall.join(', ')})`);

  const checked = cases
    .map((c) => /** @type {const} */ ([c.id, results.get(c.id)?.ours?.identical]))
    .filter(([, v]) => v !== undefined);
  const all = checked.every(([, v]) => v === true);
  const perCase = checked.map(([id, v]) => `${id} ${v === true ? 'yes' : v === false ? 'NO' : 'unchecked'}`).join(', ');
  console.log(`  identical to rendering the whole answer at once: ${perCase} — ${verdict(all)}`);
  const detail = cases.map((c) => results.get(c.id)?.ours).find((r) => r?.identical === false)?.detail;
  if (detail) console.log(`    first difference: ${detail}`);
}

// --- main ------------------------------------------------------------------------------

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
    for (const variant of variants) await once(WARM_UP, variant);
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
  } finally {
    await browser.close();
    server.close();
  }

  console.log(`sse-chat bench — ${browserVersion}, ${options.runs} run(s) per case (median), prompt "${PROMPT}"`);
  const { capMs, baselineCapMs, pace: paceRate, only } = options;
  report(cases, results, { capMs, baselineCapMs, paceRate, only });
  await benchBlocks();
  console.log(`\n(${Math.round((Date.now() - started) / 1000)} s)`);
  if (options.json) {
    const json = { version, cases, options, results: Object.fromEntries(results) };
    writeFileSync(options.json, `${JSON.stringify(json, null, 2)}\n`);
    console.log(`results written to ${options.json}`);
  }
}

/**
 * The incremental renderer alone on answers that are one long block (bench/blocks.ts),
 * bundled for Node and run in this process: does the cost of a frame grow with the block?
 */
async function benchBlocks() {
  const bundle = await build({
    absWorkingDir: root,
    entryPoints: ['bench/blocks.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    outfile: join(tmpdir(), 'sse-chat-bench', 'blocks.mjs'), // names the output only
    logLevel: 'warning',
  });
  const code = bundle.outputFiles[0]?.text ?? '';
  /**
   * @typedef {{name: string, chars: number, takes: number, firstMs: number, lastMs: number, totalMs: number,
   *   identical: boolean}} BlockRow  one answer shape, as bench/blocks.ts measures it
   * @type {{measureBlocks: () => BlockRow[]}}
   */
  const { measureBlocks } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  const rows = measureBlocks();
  console.log('\nrenderer alone (lex + render, no sanitizing or DOM; 5-character chunks, one take() per 16):');
  const line = (/** @type {string[]} */ [name, chars, takes, per, total, identical]) => {
    const counts = `${name.padEnd(24)} ${chars.padStart(7)} ${takes.padStart(6)}`;
    return `${counts}  ${per.padEnd(36)} ${total.padStart(8)}  ${identical}`;
  };
  console.log(line(['answer', 'chars', 'takes', 'ms per take, first 10 % → last 10 %', 'total ms', 'identical']));
  for (const r of rows) {
    const per = `${r.firstMs.toFixed(3)} → ${r.lastMs.toFixed(3)} (${(r.lastMs / r.firstMs).toFixed(2)}×)`;
    console.log(line([r.name, String(r.chars), String(r.takes), per, fmtMs(r.totalMs), r.identical ? 'yes' : 'NO']));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
