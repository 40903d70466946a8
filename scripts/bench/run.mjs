// @ts-check
/** The browser, and one run of one variant in a fresh page of it. */
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, requireChromium } from '../chromium.mjs';
import { busyPerKb } from './stats.mjs';

/** @typedef {import('./options.mjs').VariantName} VariantName */
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
 * @property {number} longFrames  long animation frames (> 50 ms) overlapping the run
 * @property {number} longFrameMaxMs
 * @property {number} longFrameBlockingMaxMs  the most a long frame blocked input (its tasks' time over 50 ms)
 * @property {'long-animation-frame' | 'longtask'} longFrameKind
 * @property {Array<{at: number, duration: number, renderMs: number, layoutMs: number, blockingMs: number,
 *   scripts: Array<{ms: number, layoutMs: number, invoker: string, source: string}>}>} longFrameDetail
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
 * @property {{longFrames: number[], longFrameMaxMs: number[], worstFrameMs: number[]}} [perRun]
 *   each run's long frames, longest frame and worst frame gap (judged on the worst run)
 */

/** In paced runs, busy time and answer length are sampled this often (for busy ms per KB). */
const BUSY_SAMPLE_MS = 100;

/** The Chromium to drive (scripts/chromium.mjs); exits with its hint when there is none. */
export function chromiumPath() {
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
